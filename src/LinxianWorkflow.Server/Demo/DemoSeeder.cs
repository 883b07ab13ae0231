using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Microsoft.AspNetCore.Identity;

namespace LinxianWorkflow.Server.Demo;

/// <summary>
/// The demo 临县 (--demo): three of its real townships and four of their villages (2023 NBS codes; names come
/// from the <see cref="AreaRegistry"/>), a user for every role, and proposals standing at different steps, driven
/// through the same engine and store as real use. Seeded once per database; every demo user's password is
/// <see cref="Password"/>. A township's reviewer is reviewer-&lt;the last three digits of its code&gt; (reviewer-109 for 碛口镇).
/// The user keys are the demo's since it began: 临泉镇 has no 南关 village, so nanguan-… serve its 前麻峪村.
/// </summary>
public static class DemoSeeder
{
    public const string Password = "linxian-demo";
    public const string County = "141124";

    public static readonly (string Code, (string Code, string Key)[] Villages)[] Townships =
    [
        ("141124109", [("141124109207", "xiwan"), ("141124109230", "lijiashan")]), // 碛口镇: 西湾村委会, 李家山村委会
        ("141124100", [("141124100201", "nanguan")]), // 临泉镇: 前麻峪村委会
        ("141124105", [("141124105209", "sunjiagou")]), // 三交镇: 孙家沟村委会
    ];

    // Steps: how many ordinary moves after the start; DaysAgo: when it started. The last one waits at the
    // township's review with its deadline (7 working days) still ahead, so the demo can watch it fall due.
    private static readonly (string Key, string Title, string Summary, string Category, decimal Amount, int Steps, int DaysAgo)[] Matters =
    [
        ("xiwan", "硬化村内主干道800米", "拟使用集体资金硬化村内主干道800米，预算4.8万元。", "public-welfare", 48_000m, 0, 90),
        ("xiwan", "村集体枣园对外承包", "村集体枣园120亩拟公开发包，期限10年。", "land-contracting", 36_000m, 5, 87),
        ("lijiashan", "修缮窑洞古民居屋面", "修缮李家山古民居屋面12处，预算9.6万元。", "collective-assets", 96_000m, 11, 84),
        ("lijiashan", "安装村内路灯40盏", "在村内主要道路安装太阳能路灯40盏。", "public-welfare", 52_000m, 99, 81),
        ("nanguan", "新建村级文化广场", "利用闲置空地新建文化广场1200平方米。", "public-welfare", 180_000m, 6, 78),
        ("sunjiagou", "改造村内供水管网", "更换老化供水管道2.3公里。", "public-welfare", 210_000m, 9, 75),
        ("xiwan", "村集体光伏电站收益分配", "村集体光伏电站2026年收益12万元，拟按户分配。", "collective-income", 120_000m, 4, 2),
    ];

    public static async Task SeedAsync(IServiceProvider services, TextWriter output)
    {
        var store = services.GetRequiredService<Database>();
        var userQueries = services.GetRequiredService<Features.Identity.UserQueries>();
        var areas = services.GetRequiredService<AreaRegistry>();
        if (await store.GetSettingAsync("demo.seeded") is not null)
        {
            PrintCredentials(output, areas);
            return;
        }

        await store.SetSettingAsync(DemoGuard.Marker, "true");
        var hasher = services.GetRequiredService<IPasswordHasher<UserRow>>();
        var time = services.GetRequiredService<TimeProvider>();
        var users = new Dictionary<string, Actor>(StringComparer.Ordinal);
        async Task AddUser(string userName, string name, string role, string scope)
        {
            var row = new UserRow
            {
                Id = "demo-" + userName,
                UserName = userName,
                DisplayName = name,
                Grants = Tokens.GrantsJson([new RoleGrant(role, scope)]),
                CreatedAt = time.GetUtcNow(),
            };
            row.PasswordHash = hasher.HashPassword(row, Password);
            await userQueries.AddAsync(row);
            users[userName] = new Actor(row.Id, name, [new RoleGrant(role, scope)]);
        }

        await AddUser("admin", "系统管理员", Roles.Administrator, County);
        await AddUser("auditor", "刘审计", Roles.CountyAuditor, County);
        var surnames = "王李张陈刘杨赵黄周吴";
        var n = 0;
        foreach (var (code, villages) in Townships)
        {
            await AddUser(Reviewer(code), $"{surnames[n++ % 10]}审核（{areas.ShortName(code)}）", "township-reviewer", $"{County}/{code}");
            foreach (var village in villages)
            {
                var path = $"{County}/{code}/{village.Code}";
                var name = areas.ShortName(village.Code);
                await AddUser($"{village.Key}-secretary", $"{surnames[n++ % 10]}书记（{name}）", "party-secretary", path);
                await AddUser($"{village.Key}-chair", $"{surnames[n++ % 10]}主任（{name}）", "village-chair", path);
                await AddUser($"{village.Key}-committee", $"{surnames[n++ % 10]}委员（{name}）", "committee-member", path);
                await AddUser($"{village.Key}-supervisor", $"{surnames[n++ % 10]}监委（{name}）", "supervision-member", path);
            }
        }

        var library = services.GetRequiredService<WorkflowLibrary>();
        var now = time.GetUtcNow();
        var index = 0;
        foreach (var matter in Matters)
        {
            var (township, village) = Townships.SelectMany(t => t.Villages.Select(v => (t, v))).First(x => x.v.Key == matter.Key);
            var path = $"{County}/{township.Code}/{village.Code}";
            var people = new SampleActors([users[$"{matter.Key}-secretary"], users[$"{matter.Key}-chair"], users[$"{matter.Key}-supervisor"],
                users[Reviewer(township.Code)]]);
            var clock = new ManualClock(now.AddDays(-matter.DaysAgo));
            var runner = new ProposalRunner(store, library, clock, services.GetRequiredService<InstanceCache>());
            var id = $"{village.Code}-DEMO-{++index:00}";
            await runner.RunAsync(id, people.People[0],
                new StartProposal(id, path, matter.Title, matter.Summary, matter.Category, matter.Amount, "villager-suggestion"), null, default);
            for (var step = 0; step < matter.Steps; step++)
            {
                var state = InstanceState.From((await store.LoadEventsAsync(id)).Select(e => EventCodec.Decode(e.Record)));
                var (definition, profile) = library.For(state);
                if (SampleDriver.Next(definition, profile, state, people, clock.GetUtcNow()) is not { } next || next.At > now)
                {
                    break;
                }

                clock.Now = next.At;
                await runner.RunAsync(id, next.Actor, next.Command, null, default);
            }
        }

        await store.SetSettingAsync("demo.seeded", now.ToString("O"));
        PrintCredentials(output, areas);
    }

    /// <summary>A township's demo reviewer: reviewer-109 for 碛口镇 141124109.</summary>
    public static string Reviewer(string townshipCode) => $"reviewer-{townshipCode[^3..]}";

    private static void PrintCredentials(TextWriter output, AreaRegistry areas)
    {
        output.WriteLine($"演示数据：{areas.ShortName(County)} {Townships.Length} 个乡镇，{Townships.Sum(t => t.Villages.Length)} 个村。所有演示账号的密码 / every demo password: {Password}");
        output.WriteLine("  admin（系统管理员）  auditor（县审计）");
        foreach (var (code, villages) in Townships)
        {
            output.WriteLine($"  {Reviewer(code)}（{areas.ShortName(code)}审核）  " +
                string.Join("  ", villages.Select(v => $"{v.Key}-secretary/-chair/-committee/-supervisor（{areas.DisplayName(v.Code)}）")));
        }
    }

    /// <summary>A clock set by hand, for seeding history at past instants.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}
