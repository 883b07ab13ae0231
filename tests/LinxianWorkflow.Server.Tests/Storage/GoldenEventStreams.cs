using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Engine.Time;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Tests.Storage;

/// <summary>One line of a golden file: a stored event as the store keeps it.</summary>
internal sealed record GoldenLine(int Seq, string Record, string PreviousHash, string Hash);

/// <summary>
/// The golden event streams: histories the real engine produced once, committed as the store keeps them
/// (tests/LinxianWorkflow.Server.Tests/Storage/golden/*.jsonl). They are written only on request
/// (LINXIAN_WRITE_GOLDEN=1): a record stored in production is never rewritten, so the committed files stand
/// for records written by an older build and must keep decoding as the event types evolve. Regenerating
/// them would hide exactly the drift they exist to catch, so the generator writes only the streams whose file is
/// missing: to cover a new event type, add a stream (a name and its script) and run it once with the variable set.
/// </summary>
internal static class GoldenEventStreams
{
    public const string WriteVariable = "LINXIAN_WRITE_GOLDEN";

    public const string Village = "141124/141124100/141124100201";

    // Fixed, so a regeneration from the same engine writes the same bytes.
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, ChinaTime.Offset);

    private const string DocumentHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static readonly JsonWriterOptions LineWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The committed streams, by file name (without .jsonl), which is also the instance and proposal id.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["archived-with-records", "deadline-and-objections-escalated", "objection-upheld-then-overturned", "rehearings-then-withdrawn", "corrected-then-revoked",
            "migrated-to-v2", "mediation-extended-and-archived"];

    public static string Folder => Path.Combine(RepositoryRoot(), "tests", "LinxianWorkflow.Server.Tests", "Storage", "golden");

    public static string PathOf(string name) => Path.Combine(Folder, name + ".jsonl");

    public static IReadOnlyList<GoldenLine> Read(string name)
    {
        var lines = new List<GoldenLine>();
        foreach (var text in File.ReadAllLines(PathOf(name), Encoding.UTF8))
        {
            using var line = JsonDocument.Parse(text);
            var root = line.RootElement;
            lines.Add(new GoldenLine(
                root.GetProperty("seq").GetInt32(),
                root.GetProperty("record").GetString()!,
                root.GetProperty("previousHash").GetString()!,
                root.GetProperty("hash").GetString()!));
        }

        return lines;
    }

    /// <summary>Drives the engine through every stream whose file is missing and writes it (only the generator test calls this).</summary>
    public static void WriteMissing()
    {
        var (catalog, errors) = WorkflowCatalog.LoadFolder(Path.Combine(RepositoryRoot(), "workflows"));
        if (catalog is null)
        {
            throw new InvalidOperationException("workflows/ does not load:\n" + string.Join("\n", errors));
        }

        Directory.CreateDirectory(Folder);
        foreach (var name in Names.Where(n => !File.Exists(PathOf(n))))
        {
            var history = Drive(name, catalog);
            var stored = EventCodec.Chain(name, EventCodec.GenesisHash, history);
            using var buffer = new MemoryStream();
            foreach (var e in stored)
            {
                using (var writer = new Utf8JsonWriter(buffer, LineWriter))
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("seq", e.Sequence);
                    writer.WriteString("record", e.Record);
                    writer.WriteString("previousHash", e.PreviousHash);
                    writer.WriteString("hash", e.Hash);
                    writer.WriteEndObject();
                }

                buffer.WriteByte((byte)'\n');
            }

            File.WriteAllBytes(PathOf(name), buffer.ToArray());
        }
    }

    private static List<RecordedEvent> Drive(string name, WorkflowCatalog catalog)
    {
        // The first five streams were written on version 1; kept there, so a regeneration writes the same records.
        var definition = catalog.Definitions["siyi-liangkai@1"];
        var linxian = catalog.Profile("siyi-liangkai", "linxian", 1)!;
        var standard = catalog.Profile("siyi-liangkai", "default", 1)!;
        return name switch
        {
            "archived-with-records" => ArchivedWithRecords(new Driver(definition, linxian, name)),
            "deadline-and-objections-escalated" => DeadlineAndObjectionsEscalated(new Driver(definition, standard, name)),
            "objection-upheld-then-overturned" => ObjectionUpheldThenOverturned(new Driver(definition, standard, name)),
            "rehearings-then-withdrawn" => RehearingsThenWithdrawn(new Driver(definition, standard, name)),
            "corrected-then-revoked" => CorrectedThenRevoked(new Driver(definition, standard, name)),
            "migrated-to-v2" => MigratedToV2(new Driver(definition, standard, name), catalog.Definitions["siyi-liangkai@2"], catalog.Profile("siyi-liangkai", "default", 2)!),
            "mediation-extended-and-archived" => MediationExtendedAndArchived(
                new Driver(catalog.Definitions["renmin-tiaojie@1"], catalog.Profile("renmin-tiaojie", "linxian", 1)!, name)),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such golden stream"),
        };
    }

    // Linxian rules with a secretary who chairs (the branch proposal is skipped, the supervision check runs), a document,
    // a concern, a reminder fired, a meeting with an exclusion, one without quorum, a resolution's own due date: archived.
    private static List<RecordedEvent> ArchivedWithRecords(Driver d)
    {
        d.Begin(new Backing("representatives", 8, 31), secretaryIsChair: true);
        d.Do(d.People.Secretary, new AttachDocument("intake", DocumentHash, "村民建议书.pdf", "application/pdf", 123_456, "扫描件"));
        d.AdvanceTo("two-committee-deliberation");
        d.Do(d.People.Supervisor, new RaiseConcern("villager-resolution", "请提前公布村民代表名单。"));
        d.AdvanceTo("township-review");
        d.Fire(t => t.Purpose == TimerPurpose.Reminder);
        d.AdvanceTo("party-member-review");
        d.Do(d.People.Secretary, new RecordMeeting("party-member-review",
            d.Meeting("party-members", 40, 30, 25, [new Exclusion("刘某", "seriously-ill")])));
        d.AdvanceTo("villager-resolution");
        d.Do(d.People.Chair, new RecordMeeting("villager-resolution", d.Meeting("villager-representatives", 31, 20, 20)));
        var held = d.Meeting("villager-representatives", 31, 25, 21);
        d.Do(d.People.Chair, new RecordMeeting("villager-resolution",
            held with { ImplementationDueBy = ChinaTime.DateOf(held.HeldAt).AddDays(120) }));
        d.AdvanceTo("implementation");
        d.Do(d.People.Chair, new ReportProgress("implementation", "before", "施工队进场，材料到位。"));
        d.RunToEnd();
        return d.History;
    }

    // A review's deadline fired and escalated; one objection escalated by its missed deadline, one by the supervision
    // committee after an answer; both dismissed by the township; archived.
    private static List<RecordedEvent> DeadlineAndObjectionsEscalated(Driver d)
    {
        d.Begin();
        d.AdvanceTo("township-review");
        d.Fire(t => t.Purpose == TimerPurpose.Deadline);
        d.AdvanceTo("resolution-disclosure");
        d.Do(d.People.Supervisor, new CountersignDisclosure("resolution-disclosure", "同意公开"));
        d.Do(d.People.Chair, new PublishDisclosure("resolution-disclosure", "决议：硬化村内主干道", ["公开栏", "网上公开"], 10));
        d.Do(Actor.Villager("villager-1"), new LodgeObjection("resolution-disclosure", "R-001", "补偿标准不公"));
        d.Do(Actor.Villager("villager-2"), new LodgeObjection("resolution-disclosure", "R-002", "路线经过我家承包地"));
        d.Do(d.People.Chair, new AnswerObjection("resolution-disclosure", "R-002", "路线不占承包地，附测绘图", ObjectionRuling.Dismissed));
        d.Do(d.People.Supervisor, new EscalateObjection("resolution-disclosure", "R-002", "答复未附测绘图"));
        d.Fire(t => t.ObjectionId == "R-001" && t.Purpose == TimerPurpose.Deadline);
        d.Do(d.People.Reviewer, new RuleOnObjection("resolution-disclosure", "R-001", ObjectionRuling.Dismissed, "补偿标准符合县定标准"));
        d.Do(d.People.Reviewer, new RuleOnObjection("resolution-disclosure", "R-002", ObjectionRuling.Dismissed, "经勘查不占承包地"));
        d.RunToEnd();
        return d.History;
    }

    // An objection upheld by the committee sends the resolution back to a vote; a later one, escalated by the objector,
    // ends the matter at the township.
    private static List<RecordedEvent> ObjectionUpheldThenOverturned(Driver d)
    {
        d.Begin();
        d.AdvanceTo("resolution-disclosure");
        d.Do(d.People.Supervisor, new CountersignDisclosure("resolution-disclosure"));
        d.Do(d.People.Chair, new PublishDisclosure("resolution-disclosure", "决议内容", ["公开栏"]));
        d.Do(Actor.Villager("villager-1"), new LodgeObjection("resolution-disclosure", "R-001", "表决时三组代表未到会"));
        d.Do(d.People.Chair, new AnswerObjection("resolution-disclosure", "R-001", "经核实属实，重新表决", ObjectionRuling.Upheld));
        d.AdvanceTo("resolution-disclosure");
        d.Do(d.People.Supervisor, new CountersignDisclosure("resolution-disclosure"));
        d.Do(d.People.Chair, new PublishDisclosure("resolution-disclosure", "重新表决后的决议", ["公开栏"]));
        d.Do(Actor.Villager("villager-3"), new LodgeObjection("resolution-disclosure", "R-003", "占用基本农田"));
        d.Do(d.People.Chair, new AnswerObjection("resolution-disclosure", "R-003", "不占用基本农田", ObjectionRuling.Dismissed));
        d.Do(Actor.Villager("villager-3"), new EscalateObjection("resolution-disclosure", "R-003", "答复与实际不符"));
        d.Do(d.People.Reviewer, new RuleOnObjection("resolution-disclosure", "R-003", ObjectionRuling.Terminate, "经勘查确占基本农田"));
        return d.History;
    }

    // A rehearing demand declined, a second one left until its week ran out (escalated) and then accepted; the branch withdraws.
    private static List<RecordedEvent> RehearingsThenWithdrawn(Driver d)
    {
        d.Begin();
        d.AdvanceTo("villager-resolution");
        d.Do(d.People.Supervisor, new DemandRehearing("two-committee-deliberation", "记录不全"));
        d.Do(d.People.Chair, new AnswerRehearing("rehearing-1", false, "记录已补全，会议程序合规"));
        d.Do(d.People.Supervisor, new DemandRehearing("party-member-review", "党员大会未通知流动党员"));
        d.Fire(t => t.TimerId.StartsWith("rehearing.", StringComparison.Ordinal));
        d.Do(d.People.Secretary, new AnswerRehearing("rehearing-2", true, "同意重新召开党员大会"));
        d.Do(d.People.Secretary, new Intervene("withdraw", "上级政策调整"));
        return d.History;
    }

    // Returned by the township with reasons, resubmitted with a note, corrected by order, then revoked during implementation.
    private static List<RecordedEvent> CorrectedThenRevoked(Driver d)
    {
        d.Begin();
        d.AdvanceTo("township-review");
        d.Do(d.People.Reviewer, new ReviewStep("township-review", ReviewDecision.Return, "预算依据不足，请补充"));
        d.Do(d.People.Secretary, new CompleteTask("revision", "resubmitted", "已补充预算明细"));
        d.AdvanceTo("resolution-disclosure");
        d.Do(d.People.Reviewer, new Intervene("order-correction", "决议程序有瑕疵"));
        d.AdvanceTo("implementation");
        d.Do(d.People.Chair, new ReportProgress("implementation", "during", "路基完成一半。", 21_500.50m, true));
        d.Do(d.People.Reviewer, new Intervene("revoke", "决议内容违反法律规定"));
        return d.History;
    }

    // Started on version 1, moved by an administrator to version 2 at the township's review (its timers rebuilt), archived on version 2.
    private static List<RecordedEvent> MigratedToV2(Driver d, WorkflowDefinition v2, RuleProfile p2)
    {
        d.Begin();
        d.AdvanceTo("township-review");
        d.Migrate(v2, p2, "《村民委员会组织法》2025年修正，2026年1月1日起施行");
        d.RunToEnd();
        return d.History;
    }

    // 人民调解: registered with its parties, accepted, informed, a report that the dispute may turn violent, a session
    // record, the parties' consent to extend the month (its deadline moved), the moved reminder fired, a written agreement
    // with every signature and the seal, a follow-up visit: archived. Typed forms and entries in the records.
    private static List<RecordedEvent> MediationExtendedAndArchived(Driver d)
    {
        const string Parties = "张三\n李四";
        var people = SampleActors.For(d.Definition, Village);
        var chair = people.Holding([MediationRoles.Chair]);
        var mediator = people.Holding([MediationRoles.Mediator]);
        d.Do(chair, new StartProposal("mediation-extended-and-archived", Village, "宅基地界址纠纷", "张三新砌院墙越过界址约0.5米，李四要求拆除。",
            "homestead", 0m, "party-application", Form: Values(("parties", Parties), ("applicationForm", "oral"))));
        d.Do(chair, new CompleteTask("acceptance", "accepted", null, Values(("mediators", "王调解"))));
        d.Do(mediator, new CompleteTask("informing", "informed", null, Values(("informedParties", Parties), ("sessionsInPublic", "private"))));
        d.Do(mediator, new RaiseConcern("mediation", "双方在调解室发生争吵，李四扬言拆墙，可能激化。"));
        d.Do(mediator, new RecordEntry("mediation", "session", Values(("heldOn", "2026-12-02"), ("place", "村委会调解室"),
            ("record", "双方到场丈量界址，张三同意后移院墙。"), ("signedBy", Parties))));
        d.Do(mediator, new RecordEntry("mediation", "extension", Values(("consentedBy", Parties), ("extendedTo", "2027-01-15"),
            ("extensionReason", "需待土地所测绘后再定界石位置。"))));
        d.Fire(t => t.Purpose == TimerPurpose.Reminder);
        d.Do(mediator, new CompleteTask("mediation", "writtenAgreement", null, Values(("terms", "张三十五日内将院墙后移0.5米，费用双方各半。"),
            ("performBy", "2027-01-31"), ("agreementSignedBy", Parties), ("mediatorSigned", "true"), ("sealApplied", "true"))));
        d.Do(mediator, new RecordEntry("performance", "follow-up", Values(("visitedOn", "2027-02-01"), ("performanceStatus", "performed"),
            ("visitNotes", "院墙已后移，界石已设。"))));
        d.Do(mediator, new CompleteTask("performance", "performed"));
        return d.History;
    }

    private static Dictionary<string, string> Values(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LinxianWorkflow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LinxianWorkflow.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The engine, a state and a clock moved only by the script, so every instant is derived from <see cref="Start"/>.</summary>
    private sealed class Driver(WorkflowDefinition definition, RuleProfile profile, string proposalId)
    {
        public WorkflowDefinition Definition => definition;

        private static readonly Actor Administrator = new("admin", "县管理员", [new RoleGrant(Roles.Administrator, "141124")]);
        private InstanceState _state = InstanceState.Empty;
        private DateTimeOffset _now = Start;

        public SampleActors People { get; } = SiyiPeople.For(Village);

        public List<RecordedEvent> History { get; } = [];

        public void Begin(Backing? backing = null, bool secretaryIsChair = false) =>
            Do(People.Secretary, new StartProposal(proposalId, Village, "硬化村内主干道800米", "拟使用集体资金硬化村内主干道800米，预算4.8万元。",
                "public-welfare", 48_000m, "villager-suggestion", backing, secretaryIsChair));

        public void Do(Actor actor, WorkflowCommand command)
        {
            _now = _now.AddHours(1);
            var decision = WorkflowEngine.Decide(definition, profile, _state, actor, command, _now);
            if (decision.Violation is { } violation)
            {
                throw new InvalidOperationException($"{proposalId}: {command.GetType().Name} at {_state.CurrentStep} was refused: {violation}");
            }

            History.AddRange(InStableOrder(decision.Events));
            _state = decision.State;
        }

        // The engine emits the cancellations of one move in the order of an ImmutableDictionary, which follows string
        // hash codes and so changes from process to process. Sorting each run of them by timer id (and renumbering)
        // gives one of the orders the engine may emit, the same on every regeneration; the fold does not depend on it.
        private static IEnumerable<RecordedEvent> InStableOrder(IReadOnlyList<RecordedEvent> events)
        {
            var ordered = new List<RecordedEvent>(events.Count);
            for (var i = 0; i < events.Count;)
            {
                var run = events.Skip(i).TakeWhile(e => e.Data is TimerCancelled).ToList();
                if (run.Count == 0)
                {
                    ordered.Add(events[i++]);
                    continue;
                }

                ordered.AddRange(run.OrderBy(e => ((TimerCancelled)e.Data).TimerId, StringComparer.Ordinal));
                i += run.Count;
            }

            return ordered.Select((e, k) => e with { Sequence = events[k].Sequence });
        }

        /// <summary>Moves the instance to another version (the same step ids), as an administrator would.</summary>
        public void Migrate(WorkflowDefinition to, RuleProfile toProfile, string reason)
        {
            _now = _now.AddHours(1);
            var plan = Migration.Plan(definition, profile, to, toProfile, _state, new Dictionary<string, string>(), Administrator, reason, _now);
            if (!plan.Allowed)
            {
                throw new InvalidOperationException($"{proposalId}: migration refused: {string.Join("; ", plan.Problems)}");
            }

            History.AddRange(InStableOrder(plan.Events));
            _state = plan.State;
            definition = to;
            profile = toProfile;
        }

        public void AdvanceTo(string stepId)
        {
            for (var guard = 0; _state.CurrentStep != stepId; guard++)
            {
                Step(guard, stepId);
            }
        }

        public void RunToEnd()
        {
            for (var guard = 0; _state.Status == InstanceStatus.Running; guard++)
            {
                Step(guard, "the end");
            }
        }

        /// <summary>Fires the one pending timer that <paramref name="which"/> picks, at its due instant.</summary>
        public void Fire(Func<PendingTimer, bool> which)
        {
            var timer = _state.Timers.Values.Single(which);
            _now = timer.DueAt.AddHours(-1); // Do moves the clock on by the hour it always adds.
            Do(Actor.System, new FireTimer(timer.TimerId));
        }

        public MeetingRecord Meeting(string kind, int members, int present, int yes, IReadOnlyList<Exclusion>? exclusions = null)
        {
            var rule = profile.MeetingRuleFor(kind, _state.Start!.Category);
            var held = rule.NoticeDays > 0 ? _state.StepEnteredAt.AddDays(rule.NoticeDays).AddHours(1) : _now.AddMinutes(30);
            if (held > _now)
            {
                _now = held;
            }

            return new MeetingRecord(kind, held, rule.NoticeDays > 0 ? _state.StepEnteredAt : null, members, exclusions ?? [],
                present, yes, present - yes, 0, "会议记录：议程、讨论、表决结果。", rule.TownshipAttendeeRequired ? "孙干部" : null);
        }

        private void Step(int guard, string target)
        {
            if (guard >= 50 || SampleDriver.Next(definition, profile, _state, People, _now) is not { } next)
            {
                throw new InvalidOperationException($"{proposalId}: never reached {target}; stuck at {_state.CurrentStep}");
            }

            _now = next.At.AddHours(-1);
            Do(next.Actor, next.Command);
        }
    }
}
