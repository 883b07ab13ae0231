using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Microsoft.AspNetCore.Identity;

namespace LinxianWorkflow.Server.Demo;

/// <summary>
/// The demo 临县 (--demo): townships and villages (area codes are illustrative), a user for every role,
/// and proposals standing at different steps, driven through the same engine and store as real use.
/// Seeded once per database; every demo user's password is <see cref="Password"/>.
/// </summary>
public static class DemoSeeder
{
    public const string Password = "linxian-demo";
    public const string County = "141124";

    public static readonly (string Code, string Name, (string Code, string Name, string Key)[] Villages)[] Townships =
    [
        ("141124105", "碛口镇", [("141124105201", "西湾村", "xiwan"), ("141124105202", "李家山村", "lijiashan")]),
        ("141124100", "临泉镇", [("141124100201", "南关村", "nanguan")]),
        ("141124108", "三交镇", [("141124108201", "孙家沟村", "sunjiagou")]),
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
        var store = services.GetRequiredService<WorkflowStore>();
        if (await store.GetSettingAsync("demo.seeded") is not null)
        {
            PrintCredentials(output);
            return;
        }

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
            await store.AddUserAsync(row);
            users[userName] = new Actor(row.Id, name, [new RoleGrant(role, scope)]);
        }

        await AddUser("admin", "系统管理员", Roles.Administrator, County);
        await AddUser("auditor", "刘审计", Roles.CountyAuditor, County);
        var surnames = "王李张陈刘杨赵黄周吴";
        var n = 0;
        foreach (var (code, name, villages) in Townships)
        {
            await AddUser($"reviewer-{code[^3..]}", $"{surnames[n++ % 10]}审核（{name}）", Roles.TownshipReviewer, $"{County}/{code}");
            foreach (var village in villages)
            {
                var path = $"{County}/{code}/{village.Code}";
                await AddUser($"{village.Key}-secretary", $"{surnames[n++ % 10]}书记（{village.Name}）", Roles.PartySecretary, path);
                await AddUser($"{village.Key}-chair", $"{surnames[n++ % 10]}主任（{village.Name}）", Roles.VillageChair, path);
                await AddUser($"{village.Key}-committee", $"{surnames[n++ % 10]}委员（{village.Name}）", Roles.CommitteeMember, path);
                await AddUser($"{village.Key}-supervisor", $"{surnames[n++ % 10]}监委（{village.Name}）", Roles.SupervisionMember, path);
            }
        }

        var library = services.GetRequiredService<WorkflowLibrary>();
        var now = time.GetUtcNow();
        var index = 0;
        foreach (var matter in Matters)
        {
            var (township, village) = Townships.SelectMany(t => t.Villages.Select(v => (t, v))).First(x => x.v.Key == matter.Key);
            var path = $"{County}/{township.Code}/{village.Code}";
            var people = new SampleActors(users[$"{matter.Key}-secretary"], users[$"{matter.Key}-chair"], users[$"{matter.Key}-supervisor"],
                users[$"reviewer-{township.Code[^3..]}"]);
            var clock = new ManualClock(now.AddDays(-matter.DaysAgo));
            var runner = new ProposalRunner(store, library, clock, services.GetRequiredService<InstanceCache>());
            var id = $"{village.Code}-DEMO-{++index:00}";
            await runner.RunAsync(id, people.Secretary,
                new StartProposal(id, path, matter.Title, matter.Summary, matter.Category, matter.Amount, "villager-suggestion"), null, default);
            for (var step = 0; step < matter.Steps; step++)
            {
                var state = InstanceState.From((await store.LoadEventsAsync(id)).Select(e => EventCodec.Decode(e.Record)));
                var (definition, profile) = library.For(state.Start!);
                if (SampleDriver.Next(definition, profile, state, people, clock.GetUtcNow()) is not { } next || next.At > now)
                {
                    break;
                }

                clock.Now = next.At;
                await runner.RunAsync(id, next.Actor, next.Command, null, default);
            }
        }

        await store.SetSettingAsync("demo.seeded", now.ToString("O"));
        PrintCredentials(output);
    }

    private static void PrintCredentials(TextWriter output)
    {
        output.WriteLine($"演示数据：临县 {Townships.Length} 个乡镇，{Townships.Sum(t => t.Villages.Length)} 个村。所有演示账号的密码 / every demo password: {Password}");
        output.WriteLine("  admin（系统管理员）  auditor（县审计）");
        foreach (var (code, name, villages) in Townships)
        {
            output.WriteLine($"  reviewer-{code[^3..]}（{name}审核）  " + string.Join("  ", villages.Select(v => $"{v.Key}-secretary/-chair/-committee/-supervisor（{v.Name}）")));
        }
    }

    /// <summary>A clock set by hand, for seeding history at past instants.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}
