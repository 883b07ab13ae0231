using System.Globalization;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Definitions;
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
/// from the <see cref="AreaRegistry"/>), a user for every role of every procedure (workflows/demo/people.json), and
/// proposals and cases standing at different steps (workflows/demo/cases.json), driven through the same engine and
/// store as real use. Seeded once per database; every demo user's password is <see cref="Password"/>. A township's
/// people end in the last three digits of its code (reviewer-109 for 碛口镇). The user keys are the demo's since it
/// began: 临泉镇 has no 南关 village, so nanguan-… serve its 前麻峪村.
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

    public static async Task SeedAsync(IServiceProvider services, TextWriter output)
    {
        var store = services.GetRequiredService<Database>();
        var userQueries = services.GetRequiredService<Features.Identity.UserQueries>();
        var areas = services.GetRequiredService<AreaRegistry>();
        var library = services.GetRequiredService<WorkflowLibrary>();
        var people = DemoFiles.People(library);
        if (await store.GetSettingAsync("demo.seeded") is not null)
        {
            PrintCredentials(output, areas, people);
            return;
        }

        var cases = DemoFiles.Cases(library);
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
        foreach (var person in people.Where(p => p.Level == RoleLevel.County))
        {
            await AddUser(UserName(person, County), $"{surnames[n++ % 10]}{person.Title}（{areas.ShortName(County)}）", person.Role, County);
        }

        foreach (var (code, villages) in Townships)
        {
            foreach (var person in people.Where(p => p.Level == RoleLevel.Township))
            {
                await AddUser(UserName(person, code), $"{surnames[n++ % 10]}{person.Title}（{areas.ShortName(code)}）", person.Role, $"{County}/{code}");
            }

            foreach (var village in villages)
            {
                var name = areas.ShortName(village.Code);
                foreach (var person in people.Where(p => p.Level == RoleLevel.Village))
                {
                    await AddUser(UserName(person, village.Key), $"{surnames[n++ % 10]}{person.Title}（{name}）", person.Role, $"{County}/{code}/{village.Code}");
                }
            }
        }

        var now = time.GetUtcNow();
        var index = 0;
        foreach (var demoCase in cases)
        {
            var (township, village) = Townships.SelectMany(t => t.Villages.Select(v => (t.Code, v)))
                .FirstOrDefault(x => x.v.Key == demoCase.Village);
            if (township is null)
            {
                throw new InvalidOperationException(
                    $"workflows/demo/cases.json: '{demoCase.Title}' is in village '{demoCase.Village}', which is not a demo village ({string.Join(", ", Townships.SelectMany(t => t.Villages).Select(v => v.Key))}).");
            }

            // Everyone who may act there: the village's people, its township's and the county's.
            var actors = new SampleActors([.. people.Select(p => users[p.Level switch
            {
                RoleLevel.Village => UserName(p, village.Key),
                RoleLevel.Township => UserName(p, township),
                _ => UserName(p, County),
            }])]);
            var id = $"{village.Code}-DEMO-{++index:00}";
            try
            {
                await RunCaseAsync(services, demoCase, id, $"{County}/{township}/{village.Code}", actors, now);
            }
            catch (ProblemException problem)
            {
                throw new InvalidOperationException($"workflows/demo/cases.json: '{demoCase.Title}' ({id}) was refused: {problem.Message}", problem);
            }
        }

        await store.SetSettingAsync("demo.seeded", now.ToString("O"));
        PrintCredentials(output, areas, people);
    }

    /// <summary>
    /// A demo person's user name in an area: {villageKey}-{user} in a village, {user}-{last three digits} in a township
    /// (reviewer-109), {user} in the county.
    /// </summary>
    public static string UserName(DemoPerson person, string area) => person.Level switch
    {
        RoleLevel.Village => $"{area}-{person.User}",
        RoleLevel.Township => $"{person.User}-{area[^3..]}",
        _ => person.User,
    };

    /// <summary>Starts one case and makes its moves, each at its own past instant, through the same runner as real use.</summary>
    private static async Task RunCaseAsync(IServiceProvider services, DemoCase demoCase, string id, string path, SampleActors people, DateTimeOffset now)
    {
        var store = services.GetRequiredService<Database>();
        var library = services.GetRequiredService<WorkflowLibrary>();
        var (definition, profile) = library.ForNewProposal(path, demoCase.Procedure);
        var clock = new ManualClock(now.AddDays(-demoCase.DaysAgo));
        var runner = new ProposalRunner(store, library, clock, services.GetRequiredService<InstanceCache>());
        var start = new StartProposal(id, path, demoCase.Title, demoCase.Summary, demoCase.Category, demoCase.AmountYuan, demoCase.Source,
            Form: demoCase.Form is null ? null : Filled(definition.StartForm, null, InstanceState.Empty, demoCase.Form, clock.Now));
        await runner.RunAsync(id, people.Holding(definition.StartRoles), start, null, default, definitionId: demoCase.Procedure);

        var moves = demoCase.Moves ?? [];
        for (var i = 0; i < moves.Count; i++)
        {
            var move = moves[i];
            var state = await LoadAsync(store, id);
            var step = definition.Step(state.CurrentStep!);
            clock.Now = clock.Now.AddDays(move.AfterDays);
            if (clock.Now > now)
            {
                throw new InvalidOperationException($"workflows/demo/cases.json: '{demoCase.Title}', move {i + 1}, falls after now: start it more days ago.");
            }

            var (actor, command) = (move.Outcome, move.Entry) switch
            {
                ({ } outcome, null) when step.Outcomes.ContainsKey(outcome) =>
                    (people.Holding(step.Roles), (WorkflowCommand)new CompleteTask(step.Id, outcome, move.Note,
                        step.Form.Fields.Any(f => f.BelongsTo(outcome)) ? Filled(step.Form, outcome, state, move.Form, clock.Now) : null)),
                (null, { } entryId) when step.Entries.TryGetValue(entryId, out var entry) =>
                    (entry.Roles.Count > 0 ? people.Holding(entry.Roles) : people.Holding(step.Roles),
                        new RecordEntry(step.Id, entry.Id, Filled(entry.Form, null, state, move.Form, clock.Now))),
                _ => throw new InvalidOperationException(
                    $"workflows/demo/cases.json: '{demoCase.Title}', move {i + 1}: give one outcome ({string.Join(", ", step.Outcomes.Keys)}) or one entry ({string.Join(", ", step.Entries.Keys)}) of step '{step.Id}'."),
            };
            await runner.RunAsync(id, actor, command, null, default);
        }

        for (var i = 0; i < demoCase.SampleMoves; i++)
        {
            var state = await LoadAsync(store, id);
            if (SampleDriver.Next(definition, profile, state, people, clock.GetUtcNow()) is not { } next || next.At > now)
            {
                break;
            }

            clock.Now = next.At;
            await runner.RunAsync(id, next.Actor, next.Command, null, default);
        }
    }

    private static async Task<InstanceState> LoadAsync(Database store, string id) =>
        InstanceState.From((await store.LoadEventsAsync(id)).Select(e => EventCodec.Decode(e.Record)));

    /// <summary>The case's values, "+N" dates made N days after <paramref name="at"/>, and sample values for the required fields it leaves out.</summary>
    private static Dictionary<string, string> Filled(
        FormDefinition form, string? outcome, InstanceState state, IReadOnlyDictionary<string, string>? given, DateTimeOffset at)
    {
        var sample = SampleDriver.SampleForm(form, outcome, state, at);
        var values = form.Fields.Where(f => f.Required && f.BelongsTo(outcome) && sample.ContainsKey(f.Id))
            .ToDictionary(f => f.Id, f => sample[f.Id], StringComparer.Ordinal);
        foreach (var (key, value) in given ?? new Dictionary<string, string>())
        {
            values[key] = form.Field(key)?.Type == FieldType.Date && value.StartsWith('+')
                ? Engine.Time.ChinaTime.DateOf(at).AddDays(int.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : value;
        }

        return values;
    }

    private static void PrintCredentials(TextWriter output, AreaRegistry areas, IReadOnlyList<DemoPerson> people)
    {
        output.WriteLine($"演示数据：{areas.ShortName(County)} {Townships.Length} 个乡镇，{Townships.Sum(t => t.Villages.Length)} 个村。所有演示账号的密码 / every demo password: {Password}");
        output.WriteLine("  admin（系统管理员）  auditor（县审计）" + string.Concat(people.Where(p => p.Level == RoleLevel.County).Select(p => $"  {UserName(p, County)}（{p.Title}）")));
        var village = string.Join("/", people.Where(p => p.Level == RoleLevel.Village).Select((p, i) => (i == 0 ? "" : "-") + p.User));
        foreach (var (code, villages) in Townships)
        {
            output.WriteLine("  " + string.Join("  ", people.Where(p => p.Level == RoleLevel.Township).Select(p => $"{UserName(p, code)}（{areas.ShortName(code)}{p.Title}）")
                .Concat(villages.Select(v => $"{v.Key}-{village}（{areas.DisplayName(v.Code)}）"))));
        }
    }

    /// <summary>A clock set by hand, for seeding history at past instants.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }
}
