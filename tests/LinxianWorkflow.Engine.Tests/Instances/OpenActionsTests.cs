using CsCheck;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Instances;

// What is offered is what is accepted: every open action, sent well-formed by one who holds its role, is accepted;
// every command the list does not offer is refused, whoever sends it. Over both procedures: 四议两公开 and 人民调解.
public class OpenActionsTests
{
    private const string Disclosure = "resolution-disclosure";

    /// <summary>One holding exactly <paramref name="role"/>, where that role sits (the village, its township or the county).</summary>
    private static Actor Holding(string role) => role switch
    {
        Roles.Public => Actor.Villager("villager-9"),
        Roles.System => Actor.System,
        _ => new Actor("only-" + role, role, [new RoleGrant(role, Roles.GrantDepth(role) switch
        {
            (3, _) => Harness.Village,
            (2, _) => Harness.Township,
            _ => "141124",
        })]),
    };

    private static readonly WorkflowDefinition Mediation = Repository.MediationDefinition;

    private static readonly SampleActors MediationPeople = SampleActors.For(Mediation, Harness.Village);

    private static readonly Actor SupervisorOnCommittee = new("dual", "张监委兼委员",
        [new RoleGrant(SiyiRoles.SupervisionMember, Harness.Village), new RoleGrant(SiyiRoles.CommitteeMember, Harness.Village)]);

    private static readonly Actor SupervisorOnCommitteeElsewhere = new("dual-2", "张监委（外村委员）",
        [new RoleGrant(SiyiRoles.SupervisionMember, Harness.Village), new RoleGrant(SiyiRoles.CommitteeMember, Harness.OtherVillage)]);

    /// <summary>Everyone a command may come from: one per role, the system, people holding two roles, outsiders.</summary>
    private static readonly Actor[] Everyone =
    [
        .. Roles.All.Order(StringComparer.Ordinal).Select(Holding),
        Harness.SecretaryChair, SupervisorOnCommittee, SupervisorOnCommitteeElsewhere, Harness.ForeignSecretary, Harness.ForeignReviewer,
        new("mediator-2", "外村调解员", [new RoleGrant(MediationRoles.Mediator, Harness.OtherVillage)]),
        new("assistant-2", "外镇司法所", [new RoleGrant(MediationRoles.JudicialAssistant, Harness.OtherTownship)]),
        new("chair-mediator", "调委会主任兼调解员", [new RoleGrant(MediationRoles.Chair, Harness.Village), new RoleGrant(MediationRoles.Mediator, Harness.Village)]),
    ];

    // ---- the property -------------------------------------------------------------------------------------

    private static readonly Gen<int[]> Moves = Gen.Int[0, 1_000_000].Array[10, 70];

    [Fact]
    public void Every_open_action_is_accepted_from_its_roles_and_nothing_unlisted_is_accepted_from_anyone()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var planned = 0;
        Moves.Sample(moves =>
        {
            foreach (var action in Run(moves))
            {
                seen.Add(action);
            }

            planned += moves.Length;
        }, iter: 120, threads: 1);

        // The runs must reach every kind of action, or the property says little.
        Assert.Equal(OpenActions.Commands.Keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.True(planned > 1000);
    }

    // Drives one random instance and checks every state it passes; returns the actions it saw open.
    private static HashSet<string> Run(int[] moves)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var first = moves[0];
        Harness h;
        SampleActors people;
        if (first % 4 == 3)
        {
            h = new Harness(Repository.MediationProfile, Mediation);
            people = MediationPeople;
            h.Do(people.Holding([MediationRoles.Chair]), new StartProposal("p", Harness.Village, "宅基地纠纷", "摘要", "homestead", 0m, "party-application",
                Form: new Dictionary<string, string> { ["parties"] = "张甲\n李乙" }));
        }
        else
        {
            h = new Harness(first % 2 == 0 ? Repository.DefaultProfile : Repository.LinxianProfile);
            people = Harness.People;
            var mergedClaim = first % 3 == 0;
            h.Do(mergedClaim ? Harness.SecretaryChair : Harness.Secretary, new StartProposal("p", Harness.Village, "题", "摘要",
                first % 5 == 0 ? "yishi-yiyi" : "general", 1000m, "cadre", first % 7 == 0 ? new Backing("adult-villagers", first % 60, 380) : null, mergedClaim));
        }

        // A run first goes some way along the ordinary path, so that later steps (disclosures, objections, demands) are reached.
        for (var i = first / 101 % 16; i > 0 && h.State.Status == InstanceStatus.Running; i--)
        {
            Check(h, seen);
            var next = SampleDriver.Next(h.Definition, h.Profile, h.State, people, h.Now)!.Value;
            h.Now = next.At;
            h.Do(next.Actor, next.Command);
        }

        foreach (var move in moves.Skip(1))
        {
            Check(h, seen);
            if (h.State.Status != InstanceStatus.Running)
            {
                break;
            }

            var random = new Random(move);
            h.Now = h.Now.AddHours(random.Next(4) == 0 ? random.Next(24, 24 * 12) : random.Next(0, 6));
            Step(h, people, random);
        }

        Check(h, seen);
        return seen;
    }

    private static void Step(Harness h, SampleActors people, Random random)
    {
        var roll = random.Next(100);
        // Mostly what the list offers, with random choices and numbers; objections are favoured (their states are
        // the intricate ones) and interventions, which end most runs at once, taken only now and then.
        var open = OpenActions.List(h.Definition, h.Profile, h.State, h.Now)
            .Where(a => Takeable(a, h.Now) && a.Roles.Any(r => r != Roles.System))
            .SelectMany(a => Enumerable.Repeat(a, a.Action switch
            {
                "intervene" => random.Next(5) == 0 ? 1 : 0,
                "lodge-objection" or "answer-objection" or "escalate-objection" or "rule-on-objection" => 4,
                "raise-concern" or "attach-document" => 1,
                _ => 2,
            })).ToList();
        if (roll < 55 && open.Count > 0)
        {
            var action = open[random.Next(open.Count)];
            var roles = action.Roles.Where(r => r != Roles.System).ToList();
            if (action.Action == "answer-objection" && h.State.Disclosure.ClosableFrom is { } closable
                && closable.AddHours(-random.Next(1, 24 * 5)) is var late && late > h.Now && random.Next(2) == 0)
            {
                h.Now = late; // answered late in the period, so its escalation window outlasts the period
            }

            var (command, at) = CommandFor(h.Definition, action, h.State, h.Now, choices => choices[random.Next(choices.Count)], random);
            h.Now = at;
            h.Try(Holding(roles[random.Next(roles.Count)]), command);
        }
        else if (roll < 75 && SampleDriver.Next(h.Definition, h.Profile, h.State, people, h.Now) is { } good)
        {
            h.Now = good.At > h.Now ? good.At : h.Now;
            h.Try(good.Actor, good.Command);
        }
        else if (roll < 85 && h.State.Timers.Count > 0)
        {
            var timers = h.State.Timers.Values.OrderBy(t => t.TimerId, StringComparer.Ordinal).ToList();
            var timer = timers[random.Next(timers.Count)];
            if (random.Next(2) == 0 && timer.DueAt > h.Now)
            {
                h.Now = timer.DueAt;
            }

            h.Try(Actor.System, new FireTimer(timer.TimerId));
        }
        else
        {
            var probes = Probes(h.Definition, h.Profile, h.State, h.Now);
            var probe = probes[random.Next(probes.Count)];
            h.Now = probe.At;
            h.Try(Everyone[random.Next(Everyone.Length)], probe.Command);
        }
    }

    // Checks the state now and at the instants it changes on its own: when a window opens or closes, the minute
    // before, and when the disclosure period ends (the engine is pure, so a later instant is as good as now).
    private static void Check(Harness h, HashSet<string> seen)
    {
        var instants = new SortedSet<DateTimeOffset> { h.Now };
        var edges = OpenActions.List(h.Definition, h.Profile, h.State, h.Now)
            .SelectMany(a => new[] { a.AvailableFrom, a.AvailableUntil })
            .Append(h.State.Disclosure.ClosableFrom)
            .OfType<DateTimeOffset>();
        foreach (var edge in edges.Where(e => e > h.Now))
        {
            instants.Add(edge);
            instants.Add(edge.AddMinutes(-1) > h.Now ? edge.AddMinutes(-1) : h.Now);
        }

        foreach (var instant in instants)
        {
            Check(h.Definition, h.Profile, h.State, instant, seen);
        }
    }

    private static void Check(WorkflowDefinition definition, RuleProfile profile, InstanceState state, DateTimeOffset now, HashSet<string> seen)
    {
        var listed = OpenActions.List(definition, profile, state, now);
        var where = $"at {state.CurrentStep} (visit {state.Visit}, {ChinaTime.Display(now)}, profile {profile.Id})";

        // (a) Each open action, built as a client would from what the list says, is accepted from each of its roles;
        // and exactly the actors OpenActions.For offers it to are accepted.
        var offers = Everyone.ToDictionary(actor => actor.Id,
            actor => OpenActions.For(definition, profile, state, actor, now).Select(Key).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var action in listed.Where(a => Takeable(a, now)))
        {
            seen.Add(action.Action);
            Assert.DoesNotContain(action.Roles, r => Roles.NeverAct.Contains(r));
            foreach (var (command, at) in CommandsFor(definition, action, state, now))
            {
                foreach (var role in action.Roles.Where(r => r != Roles.System))
                {
                    var decision = WorkflowEngine.Decide(definition, profile, state, Holding(role), command, at);
                    Assert.True(decision.Accepted, $"{action.Action} {where} by one holding {role} was refused: {decision.Violation}");
                }

                foreach (var actor in Everyone)
                {
                    var offered = offers[actor.Id].Contains(Key(action));
                    var accepted = WorkflowEngine.Decide(definition, profile, state, actor, command, at).Accepted;
                    Assert.True(offered == accepted, $"{action.Action} {where} is {(offered ? "" : "not ")}offered to {actor.Id} but {(accepted ? "accepted" : "refused")}");
                }
            }
        }

        // (b) A command the list does not offer, or offers only later (or no longer), is refused for everyone.
        foreach (var probe in Probes(definition, profile, state, now))
        {
            var match = listed.FirstOrDefault(a => a.Action == probe.Action && probe.Matches(a));
            if (match is not null && Takeable(match, now))
            {
                continue;
            }

            foreach (var actor in Everyone)
            {
                var decision = WorkflowEngine.Decide(definition, profile, state, actor, probe.Command, probe.At);
                Assert.False(decision.Accepted, $"{probe.Command} {where} is not offered{(match is null ? "" : " now")} but was accepted from {actor.Id}");
            }
        }
    }

    // Open now, and with an outcome to choose: a task whose outcomes all wait (an entry first, a window closed) is listed
    // for its hints, with no outcome offered.
    private static bool Takeable(OpenAction action, DateTimeOffset now) =>
        action.IsOpenAt(now) && (action.Action != "complete-task" || action.ChoicesOf("outcome").Count > 0);

    private static string Key(OpenAction a) => $"{a.Action}|{a.StepId}|{a.ObjectionId}|{a.InterventionId}|{a.DemandId}";

    // ---- commands built from an open action ---------------------------------------------------------------

    // The command for an open action with the first of each choice; a meeting once per meeting kind it offers.
    private static IEnumerable<(WorkflowCommand Command, DateTimeOffset At)> CommandsFor(WorkflowDefinition definition, OpenAction action, InstanceState state, DateTimeOffset now)
    {
        if (action.Action != "record-meeting")
        {
            return [CommandFor(definition, action, state, now, choices => choices[0], null)];
        }

        return action.Meetings!.Select(hint => Meeting(action.StepId!, hint.MeetingKind, hint.EarliestDate, state, now, 31, 31, 31));
    }

    private static (WorkflowCommand Command, DateTimeOffset At) CommandFor(WorkflowDefinition definition, OpenAction action, InstanceState state, DateTimeOffset now,
        Func<IReadOnlyList<string>, string> choose, Random? random)
    {
        string Choice(string path) => choose(action.ChoicesOf(path));
        var step = action.StepId!;
        WorkflowCommand command;
        switch (action.Action)
        {
            case "record-meeting":
                var hint = action.Meetings![random?.Next(action.Meetings.Count) ?? 0];
                var members = random?.Next(1, 40) ?? 31;
                var present = random?.Next(0, members + 1) ?? members;
                return Meeting(step, hint.MeetingKind, hint.EarliestDate, state, now, members, present, random?.Next(0, present + 1) ?? present);
            case "complete-task":
                var outcome = Choice("outcome");
                command = new CompleteTask(step, outcome, "理由说明", TaskForm(definition.Step(step), outcome, state, now));
                break;
            case "record-entry":
                command = new RecordEntry(step, action.EntryId!, EntryForm(definition.Step(step), action.EntryId!, state, now, action.DueAt, random?.Next(1, 40) ?? 10));
                break;
            case "review":
                command = new ReviewStep(step, Choice("decision") switch
                {
                    "approve" => ReviewDecision.Approve,
                    "return" => ReviewDecision.Return,
                    _ => ReviewDecision.Reject,
                }, "审核意见");
                break;
            case "countersign":
                command = new CountersignDisclosure(step, "同意公开");
                break;
            case "publish":
                command = new PublishDisclosure(step, "公示内容", ["公开栏"]);
                break;
            case "lodge-objection":
                command = new LodgeObjection(step, "R-" + (state.Disclosure.Objections.Count + 1), "异议内容");
                break;
            case "answer-objection":
                command = new AnswerObjection(step, action.ObjectionId!, "答复内容", Ruling(Choice("ruling")));
                break;
            case "escalate-objection":
                command = new EscalateObjection(step, action.ObjectionId!, "对答复不服");
                break;
            case "rule-on-objection":
                command = new RuleOnObjection(step, action.ObjectionId!, Ruling(Choice("ruling")), "乡镇裁决理由");
                break;
            case "close-disclosure":
                command = new CloseDisclosure(step);
                break;
            case "report-progress":
                command = new ReportProgress(step, Choice("stage"), "施工进度", 100m);
                break;
            case "complete-implementation":
                command = new CompleteImplementation(step, "按方案完成", 1000m);
                break;
            case "intervene":
                command = new Intervene(action.InterventionId!, "干预理由");
                break;
            case "demand-rehearing":
                command = new DemandRehearing(Choice("targetStepId"), "程序有瑕疵");
                break;
            case "answer-rehearing":
                command = new AnswerRehearing(action.DemandId!, random?.Next(2) == 0, "答复意见");
                break;
            case "raise-concern":
                command = new RaiseConcern(Choice("stepId"), "关切事项");
                break;
            case "attach-document":
                command = new AttachDocument(Choice("stepId"), new string('a', 64), "现场照片.jpg", "image/jpeg", 2048);
                break;
            default:
                throw new InvalidOperationException("an action this test does not know: " + action.Action);
        }

        return (command, now);
    }

    // A typed form filled in as a client would: the sample values (every party where all must sign), and for an entry that
    // extends a deadline a last day after the deadline the list shows.
    private static IReadOnlyDictionary<string, string>? TaskForm(StepDefinition step, string outcome, InstanceState state, DateTimeOffset now) =>
        step.Form.Fields.Count == 0 ? null : SampleDriver.SampleForm(step.Form, outcome, state, now);

    private static Dictionary<string, string>? EntryForm(StepDefinition step, string entryId, InstanceState state, DateTimeOffset now, DateTimeOffset? due, int days)
    {
        if (!step.Entries.TryGetValue(entryId, out var entry))
        {
            return null;
        }

        var values = SampleDriver.SampleForm(entry.Form, null, state, now).ToDictionary(StringComparer.Ordinal);
        if (entry.UntilField is { } until)
        {
            values[until] = ChinaTime.DateOf(due ?? now).AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }

        return values;
    }

    private static ObjectionRuling Ruling(string choice) => choice switch
    {
        "dismissed" => ObjectionRuling.Dismissed,
        "upheld" => ObjectionRuling.Upheld,
        _ => ObjectionRuling.Terminate,
    };

    // A meeting noticed when the step began and held at the hint's earliest date (or now, if later).
    private static (WorkflowCommand Command, DateTimeOffset At) Meeting(string stepId, string kind, DateOnly earliest, InstanceState state, DateTimeOffset now,
        int members, int present, int yes)
    {
        var held = ChinaTime.StartOf(earliest) > now ? ChinaTime.StartOf(earliest) : now;
        var record = new MeetingRecord(kind, held, state.StepEnteredAt, members, [], present, yes, present - yes, 0, "会议记录", "孙干部");
        return (new RecordMeeting(stepId, record), held);
    }

    // ---- commands that may or may not be offered ------------------------------------------------------------

    private sealed record Probe(string Action, WorkflowCommand Command, DateTimeOffset At, Func<OpenAction, bool> Matches);

    // One command of every kind for the current state (a meeting with enough notice, every outcome, every objection,
    // intervention and meeting step, and ids no one has used), each with how to tell whether the list offers it.
    private static List<Probe> Probes(WorkflowDefinition definition, RuleProfile profile, InstanceState state, DateTimeOffset now)
    {
        var step = definition.Step(state.CurrentStep!);
        var id = step.Id;
        var probes = new List<Probe>();
        void Add(string action, WorkflowCommand command, Func<OpenAction, bool>? matches = null, DateTimeOffset? at = null) =>
            probes.Add(new Probe(action, command, at ?? now, matches ?? (_ => true)));

        string[] outcomes = step.Kind == StepKind.Task ? [.. step.Outcomes.Keys] : ["accepted"];
        foreach (var outcome in outcomes)
        {
            Add("complete-task", new CompleteTask(id, outcome, "理由说明", step.Kind == StepKind.Task ? TaskForm(step, outcome, state, now) : null),
                a => a.ChoicesOf("outcome").Contains(outcome));
        }

        var latestDeadline = state.Timers.Values.Where(t => t.Purpose == TimerPurpose.Deadline).Select(t => (DateTimeOffset?)t.DueAt).Max();
        foreach (var entry in step.Entries.Keys.Append("no-such-entry"))
        {
            Add("record-entry", new RecordEntry(id, entry, EntryForm(step, entry, state, now, latestDeadline, 10)), a => a.EntryId == entry);
        }

        var kind = step.Kind == StepKind.Meeting ? step.MeetingKinds[0] : "two-committee";
        var noticeDays = profile.Meetings.ContainsKey(kind) ? profile.MeetingRuleFor(kind, state.Start!.Category).NoticeDays : 0; // 人民调解 holds no meetings
        var (meeting, heldAt) = Meeting(id, kind, ChinaTime.DateOf(state.StepEnteredAt).AddDays(noticeDays), state, now, 31, 31, 31);
        Add("record-meeting", meeting, at: heldAt);
        Add("review", new ReviewStep(id, ReviewDecision.Approve, "同意"));
        Add("countersign", new CountersignDisclosure(id, "同意公开"));
        Add("publish", new PublishDisclosure(id, "公示内容", ["公开栏"]));
        Add("lodge-objection", new LodgeObjection(id, "R-new-" + state.Version, "异议内容"));
        foreach (var objection in state.Disclosure.Objections.Keys.Append("R-unknown"))
        {
            Add("answer-objection", new AnswerObjection(id, objection, "答复内容", ObjectionRuling.Dismissed), a => a.ObjectionId == objection);
            Add("escalate-objection", new EscalateObjection(id, objection, "对答复不服"), a => a.ObjectionId == objection);
            Add("rule-on-objection", new RuleOnObjection(id, objection, ObjectionRuling.Dismissed, "乡镇裁决理由"), a => a.ObjectionId == objection);
        }

        Add("close-disclosure", new CloseDisclosure(id));
        Add("report-progress", new ReportProgress(id, "during", "施工进度"));
        Add("complete-implementation", new CompleteImplementation(id, "按方案完成", 1000m));
        foreach (var intervention in definition.Interventions.Keys)
        {
            Add("intervene", new Intervene(intervention, "干预理由"), a => a.InterventionId == intervention);
        }

        foreach (var target in definition.Steps.Where(s => s.Kind == StepKind.Meeting).Select(s => s.Id).DefaultIfEmpty(id))
        {
            Add("demand-rehearing", new DemandRehearing(target, "程序有瑕疵"), a => a.ChoicesOf("targetStepId").Contains(target));
        }

        foreach (var demand in new[] { state.OpenDemand?.DemandId, "rehearing-" + (state.Demands + 1), "rehearing-99" }.OfType<string>())
        {
            Add("answer-rehearing", new AnswerRehearing(demand, true, "同意重新召开"), a => a.DemandId == demand);
        }

        Add("raise-concern", new RaiseConcern(id, "关切事项"));
        Add("attach-document", new AttachDocument(id, new string('b', 64), "会议纪要.pdf", "application/pdf", 4096));
        Assert.Equal(OpenActions.Commands.Keys.Order(StringComparer.Ordinal), probes.Select(p => p.Action).Distinct().Order(StringComparer.Ordinal));
        return probes;
    }

    // ---- unit tests ---------------------------------------------------------------------------------------

    private static IReadOnlyList<string> ActionsFor(Harness h, Actor actor) =>
        [.. OpenActions.For(h.Definition, h.Profile, h.State, actor, h.Now).Select(a => a.Action)];

    [Fact]
    public void A_supervision_member_who_is_also_a_committee_member_is_offered_no_supervision_act()
    {
        var h = new Harness().Start().AdvanceTo(Disclosure);
        Assert.Contains("countersign", ActionsFor(h, Harness.Supervisor));
        Assert.Contains("raise-concern", ActionsFor(h, Harness.Supervisor));
        Assert.Contains("demand-rehearing", ActionsFor(h, Harness.Supervisor));

        var dual = ActionsFor(h, SupervisorOnCommittee);
        Assert.DoesNotContain("countersign", dual);
        Assert.DoesNotContain("raise-concern", dual);
        Assert.DoesNotContain("demand-rehearing", dual);
        Assert.Equal("attach-document", Assert.Single(dual)); // as a committee member

        Assert.Contains("countersign", ActionsFor(h, SupervisorOnCommitteeElsewhere));
        Assert.Contains("raise-concern", ActionsFor(h, SupervisorOnCommitteeElsewhere));
    }

    [Fact]
    public void After_a_meeting_without_quorum_the_hint_gives_the_numbers_the_rule_needs_at_that_roster()
    {
        var h = new Harness().Start().AdvanceTo("party-member-review");
        var before = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "record-meeting").Meetings!.Single();
        Assert.Null(before.Due);
        Assert.Contains("三分之二以上", before.Summary.Zh, StringComparison.Ordinal);

        h.Do(Harness.Secretary, new RecordMeeting("party-member-review", h.Meeting("party-members", 45, 27, 27,
            exclusions: [new Exclusion("赵六", "abroad"), new Exclusion("钱七", "seriously-ill"), new Exclusion("孙八", "away-over-six-months")])));
        Assert.Equal(MeetingVerdict.NoQuorum, h.Last<MeetingRecorded>().Verdict);

        var rule = h.Profile.MeetingRuleFor("party-members", "public-welfare");
        var hint = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "record-meeting").Meetings!.Single();
        Assert.Equal((45, 42), (hint.Members, hint.Due));
        Assert.Equal(rule.Quorum.MinimumCount(42), hint.QuorumRequired);
        Assert.Equal(rule.Pass.MinimumCount(42), hint.PassRequired);
        Assert.Equal((28, 22), (hint.QuorumRequired, hint.PassRequired)); // ≥ 2/3 of 42; more than half of 42
        Assert.Contains("应到 42 人，至少 28 人到会，同意至少 22 人", hint.Summary.Zh, StringComparison.Ordinal);
        Assert.Contains("42 due, at least 28 present, at least 22 yes", hint.Summary.En, StringComparison.Ordinal);
        Assert.Equal(ChinaTime.DateOf(h.Now).AddDays(3), hint.EarliestDate);
    }

    [Fact]
    public void A_hint_for_a_vote_counted_against_those_present_gives_the_quorum_but_no_yes_count()
    {
        var h = new Harness().Start().AdvanceTo("villager-resolution");
        h.Do(Harness.Chair, new RecordMeeting("villager-resolution", h.Meeting("villager-assembly", 401, 200, 200)));
        Assert.Equal(MeetingVerdict.NoQuorum, h.Last<MeetingRecorded>().Verdict);

        var hints = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "record-meeting").Meetings!;
        var assembly = hints.Single(m => m.MeetingKind == "villager-assembly");
        Assert.Equal(401, assembly.Due);
        Assert.Equal(201, assembly.QuorumRequired); // more than half of 401
        Assert.Null(assembly.PassRequired);
        Assert.Contains("应到 401 人，至少 201 人到会，同意须达实到人数的过半数", assembly.Summary.Zh, StringComparison.Ordinal);
        Assert.Null(hints.Single(m => m.MeetingKind == "villager-representatives").Due); // no roster of that kind yet
    }

    [Fact]
    public void Closing_is_offered_from_the_instant_the_disclosure_may_close()
    {
        var h = new Harness().Start().AdvanceTo(Disclosure);
        h.Do(Harness.Supervisor, new CountersignDisclosure(Disclosure));
        Assert.DoesNotContain(OpenActions.List(h.Definition, h.Profile, h.State, h.Now), a => a.Action == "close-disclosure");
        h.Do(Harness.Chair, new PublishDisclosure(Disclosure, "决议", ["公开栏"]));

        var close = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "close-disclosure");
        var closable = h.State.Disclosure.ClosableFrom!.Value;
        Assert.Equal(closable, close.AvailableFrom);
        Assert.False(close.IsOpenAt(closable.AddMinutes(-1)));
        Assert.True(close.IsOpenAt(closable));
        Assert.Contains(ChinaTime.Display(closable), close.Hints.Single().Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dismissed_objection_moves_closing_to_the_end_of_its_escalation_window_which_the_escalation_offers_until()
    {
        var h = new Harness().Start().AdvanceTo(Disclosure);
        h.Do(Harness.Supervisor, new CountersignDisclosure(Disclosure));
        h.Do(Harness.Chair, new PublishDisclosure(Disclosure, "决议", ["公开栏"]));
        h.Do(Harness.Villager, new LodgeObjection(Disclosure, "R-1", "异议"));
        Assert.DoesNotContain(OpenActions.List(h.Definition, h.Profile, h.State, h.Now), a => a.Action == "close-disclosure");

        h.Now = h.State.Disclosure.ClosableFrom!.Value.AddHours(-1);
        h.Do(Harness.Chair, new AnswerObjection(Disclosure, "R-1", "已解释", ObjectionRuling.Dismissed));
        var windowEnds = ChinaTime.PeriodEnd(h.Now, h.Profile.ObjectionEscalationDays);
        var actions = OpenActions.List(h.Definition, h.Profile, h.State, h.Now);
        Assert.Equal(windowEnds, actions.Single(a => a.Action == "close-disclosure").AvailableFrom);
        var escalate = actions.Single(a => a.Action == "escalate-objection");
        Assert.Equal("R-1", escalate.ObjectionId);
        Assert.Equal(windowEnds, escalate.AvailableUntil);
        Assert.True(escalate.IsOpenAt(windowEnds.AddMinutes(-1)));
        Assert.False(escalate.IsOpenAt(windowEnds));
    }

    [Theory]
    [InlineData(38, false)]
    [InlineData(37, true)]
    public void Declining_at_intake_is_offered_only_when_the_backing_does_not_force_the_agenda(int supporters, bool declinable)
    {
        var h = new Harness().Start(backing: new Backing("adult-villagers", supporters, 380));
        var task = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "complete-task");
        Assert.Equal(declinable, task.ChoicesOf("outcome").Contains("declined"));
        Assert.Contains("accepted", task.ChoicesOf("outcome"));
        Assert.Equal("declined", Assert.Single(task.Inputs.Single(i => i.Path == "note").RequiredFor));
    }

    [Fact]
    public void Nothing_is_open_on_an_ended_instance()
    {
        var h = new Harness().Start().RunToEnd();
        Assert.Empty(OpenActions.List(h.Definition, h.Profile, h.State, h.Now));
        Assert.Empty(OpenActions.For(h.Definition, h.Profile, h.State, Harness.Chair, h.Now));
    }
}
