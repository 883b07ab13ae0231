using CsCheck;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Tests.Instances;

// Random command sequences, random actors, random numbers and random time: whatever the engine accepts,
// no instance reaches "archived" without every mandatory step recorded and every period kept, and no
// command is accepted from an actor without the right to it.
public class PropertyTests
{
    private static readonly Actor[] Pool =
    [
        Harness.Secretary, Harness.Chair, Harness.Supervisor, Harness.Reviewer, Harness.Auditor,
        Harness.ForeignSecretary, Harness.ForeignReviewer, Harness.Villager, Actor.System,
    ];

    private static readonly Gen<int[]> Moves = Gen.Int[0, 1_000_000].Array[20, 160];

    [Fact]
    public void No_sequence_of_commands_reaches_archived_without_every_mandatory_step_and_period_under_the_default_profile()
    {
        Moves.Sample(moves => Run(Repository.DefaultProfile, moves), iter: 400);
    }

    [Fact]
    public void No_sequence_of_commands_reaches_archived_without_every_mandatory_step_and_period_under_the_Linxian_profile()
    {
        Moves.Sample(moves => Run(Repository.LinxianProfile, moves), iter: 400);
    }

    [Fact]
    public void Random_runs_do_reach_archived_often_enough_to_mean_something()
    {
        var archived = 0;
        Moves.Sample(moves =>
        {
            if (Run(Repository.DefaultProfile, moves).Result == EndResult.Archived)
            {
                Interlocked.Increment(ref archived);
            }
        }, iter: 300, threads: 1);
        Assert.True(archived >= 15, $"only {archived} of 300 random runs were archived; the generator no longer exercises the property");
    }

    private static InstanceState Run(RuleProfile profile, int[] moves)
    {
        var h = new Harness(profile);
        h.Do(moves[0] % 2 == 0 ? Harness.SecretaryChair : Harness.Secretary, new StartProposal("p", Harness.Village, "题", "摘要", moves[0] % 3 == 0 ? "yishi-yiyi" : "general", 1000m,
            "cadre", moves[0] % 5 == 0 ? new Backing("adult-villagers", moves[0] % 60, 380) : null, moves[0] % 2 == 0));
        foreach (var move in moves.Skip(1))
        {
            if (h.State.Status != InstanceStatus.Running)
            {
                break;
            }

            var random = new Random(move);
            h.Now = h.Now.AddHours(random.Next(0, 3) == 0 ? random.Next(24, 24 * 12) : random.Next(0, 6));
            WorkflowCommand command;
            Actor actor;
            if (random.Next(100) < 55 && Samples.SampleDriver.Next(h.Definition, h.Profile, h.State, Harness.People, h.Now) is { } good)
            {
                // Half the moves are the ordinary next step (sent when it is due), so that runs do reach the archive.
                (actor, command) = (good.Actor, good.Command);
                h.Now = good.At > h.Now ? good.At : h.Now;
            }
            else
            {
                command = Pick(h, random);
                actor = random.Next(3) == 0 ? Pool[random.Next(Pool.Length)] : Rightful(h, command, random);
            }

            var stepBefore = h.Step!;
            var decision = h.Try(actor, command);
            if (decision.Accepted && decision.Events.Count > 0)
            {
                AssertEntitled(h.Definition, stepBefore, decision.Events[0], command, actor);
            }
        }

        if (h.State.Result == EndResult.Archived)
        {
            AssertLawfulHistory(h.Definition, profile, h.History, h.State);
        }

        return h.State;
    }

    // A command that fits the current step, with random (often invalid) contents.
    private static WorkflowCommand Pick(Harness h, Random random)
    {
        var step = h.Definition.Step(h.Step!);
        var roll = random.Next(100);
        if (roll < 3)
        {
            var ids = h.Definition.Interventions.Keys.ToArray();
            return new Intervene(ids[random.Next(ids.Length)], "理由");
        }

        if (roll < 6)
        {
            var meetings = h.Definition.Steps.Where(s => s.Kind == StepKind.Meeting).ToArray();
            return new DemandRehearing(meetings[random.Next(meetings.Length)].Id, "程序问题");
        }

        if (roll < 9 && h.State.OpenDemand is { } demand)
        {
            return new AnswerRehearing(demand.DemandId, random.Next(2) == 0, "答复");
        }

        if (roll < 14 && h.State.Timers.Count > 0)
        {
            var timers = h.State.Timers.Keys.Order().ToArray();
            return new FireTimer(timers[random.Next(timers.Length)]);
        }

        switch (step.Kind)
        {
            case StepKind.Task:
                var outcomes = step.Outcomes.Keys.ToArray();
                return new CompleteTask(step.Id, outcomes[random.Next(outcomes.Length)], random.Next(3) == 0 ? null : "说明");
            case StepKind.Review:
                return new ReviewStep(step.Id, (ReviewDecision)random.Next(3), random.Next(4) == 0 ? null : "理由");
            case StepKind.Meeting:
                var kind = step.MeetingKinds[random.Next(step.MeetingKinds.Count)];
                var rule = h.Profile.MeetingRuleFor(kind, h.State.Start!.Category);
                var members = random.Next(1, 45);
                var exclusions = random.Next(4) == 0 && rule.ExclusionReasons.Count > 0
                    ? Enumerable.Range(0, random.Next(0, Math.Min(3, members))).Select(i => new Exclusion("人" + i, "abroad")).ToList()
                    : [];
                var due = members - exclusions.Count;
                var present = random.Next(0, due + 1);
                var yes = random.Next(0, present + 1);
                var held = h.Now.AddHours(-random.Next(0, 48));
                var notice = held.AddDays(-random.Next(0, rule.NoticeDays + 3));
                return new RecordMeeting(step.Id, new MeetingRecord(kind, held, notice, members, exclusions, present, yes, present - yes, 0,
                    "记录", random.Next(6) == 0 ? null : "孙干部", random.Next(5) == 0 ? "紧急" : null));
            case StepKind.Disclosure:
                return random.Next(8) switch
                {
                    0 => new CountersignDisclosure(step.Id),
                    1 => new PublishDisclosure(step.Id, "公示", ["公开栏"], random.Next(3) == 0 ? random.Next(1, 12) : null),
                    2 => new LodgeObjection(step.Id, "R" + random.Next(3), "异议"),
                    3 => new AnswerObjection(step.Id, "R" + random.Next(3), "答复", (ObjectionRuling)random.Next(3)),
                    4 => new EscalateObjection(step.Id, "R" + random.Next(3), "不服"),
                    5 => new RuleOnObjection(step.Id, "R" + random.Next(3), (ObjectionRuling)random.Next(3), "裁决"),
                    _ => new CloseDisclosure(step.Id),
                };
            default:
                return random.Next(2) == 0
                    ? new ReportProgress(step.Id, "during", "进度")
                    : new CompleteImplementation(step.Id, "完成", 900m);
        }
    }

    // The actor a well-behaved client would send (most commands come from the right person).
    private static Actor Rightful(Harness h, WorkflowCommand command, Random random)
    {
        var roles = Allowed(h.Definition, h.Step!, command);
        return roles.Contains(Roles.System) ? Actor.System
            : roles.Contains(Roles.Public) ? Harness.Villager
            : roles.Count == 0 || random.Next(10) == 0 ? Pool[random.Next(Pool.Length)] : Harness.People.Holding(roles);
    }

    // Who may send a command at a step, read straight from the definition.
    private static IReadOnlyList<string> Allowed(WorkflowDefinition d, string stepId, WorkflowCommand command)
    {
        var step = d.Step(stepId);
        return command switch
        {
            CountersignDisclosure => step.CountersignRoles,
            LodgeObjection => [Roles.Public],
            AnswerObjection => step.AnswerRoles,
            EscalateObjection => [Roles.Public, SiyiRoles.SupervisionMember],
            RuleOnObjection => step.RulingRoles,
            Intervene i => d.Interventions.TryGetValue(i.InterventionId, out var iv) ? iv.Roles : [],
            DemandRehearing => d.Rehearing!.DemandRoles,
            AnswerRehearing => d.Rehearing!.AnswerRoles,
            FireTimer => [Roles.System],
            _ => step.Roles,
        };
    }

    private static void AssertEntitled(WorkflowDefinition d, string stepBefore, RecordedEvent first, WorkflowCommand command, Actor actor)
    {
        var allowed = Allowed(d, stepBefore, command);
        Assert.Contains(first.Role, allowed);
        Assert.Contains(actor.Grants, g => g.Role == first.Role && (g.Role is Roles.Public or Roles.System || g.Covers(Harness.Village)));
        Assert.DoesNotContain(first.Role, new[] { Roles.CountyAuditor, Roles.Administrator });
    }

    private static void AssertLawfulHistory(WorkflowDefinition d, RuleProfile profile, List<RecordedEvent> history, InstanceState state)
    {
        var options = state.Options;
        var entries = history.Where(e => e.Data is StepEntered).Select(e => (Event: (StepEntered)e.Data, e.Sequence)).ToList();
        int LastEntry(string step) => entries.Where(e => e.Event.StepId == step).Select(e => e.Sequence).DefaultIfEmpty(-1).Max();
        int LastVisit(string step) => entries.Where(e => e.Event.StepId == step).Select(e => e.Event.Visit).DefaultIfEmpty(-1).Max();

        // The mandatory steps were each entered, in order, on the way to the archive.
        string[] order = ["party-member-review", "villager-resolution", "resolution-disclosure", "implementation", "result-disclosure", "archived"];
        for (var i = 0; i < order.Length; i++)
        {
            Assert.True(LastEntry(order[i]) > 0, $"archived without entering {order[i]}");
            if (i > 0)
            {
                Assert.True(LastEntry(order[i - 1]) < LastEntry(order[i]), $"{order[i - 1]} was not before {order[i]}");
            }
        }

        Assert.Contains(history, e => e.Data is TaskCompleted { StepId: "intake", Outcome: "accepted" });
        if (!options.Contains(RuleProfile.OptionMergeBranchProposal))
        {
            Assert.Contains(history, e => e.Data is MeetingRecorded { StepId: "branch-proposal", Verdict: MeetingVerdict.Passed });
        }

        // Each meeting's last visit passed, by numbers this test recomputes itself, after due notice.
        var party = LastPassed(history, "party-member-review", LastVisit("party-member-review"));
        var villagers = LastPassed(history, "villager-resolution", LastVisit("villager-resolution"));
        foreach (var meeting in new[] { party, villagers })
        {
            AssertLawfulMeeting(profile, state.Start!.Category, meeting.Data, meeting.At);
        }

        // The party members' meeting was reached through the joint meeting (and, where on, the township's approval).
        var intoParty = entries.Last(e => e.Event.StepId == "party-member-review").Event;
        if (intoParty.FromStep is "township-review" or "township-deadlock")
        {
            Assert.Equal("approved", intoParty.ViaOutcome);
        }
        else if (intoParty.FromStep == "two-committee-deliberation")
        {
            Assert.False(options.Contains(RuleProfile.OptionTownshipReview), "the township review was skipped while it is on");
            Assert.Equal("passed", intoParty.ViaOutcome);
        }
        else
        {
            Assert.Equal("rehearing", intoParty.ViaOutcome);
        }

        foreach (var step in new[] { "resolution-disclosure", "result-disclosure" })
        {
            AssertLawfulDisclosure(profile, history, step, LastVisit(step));
        }

        var implementationVisit = LastVisit("implementation");
        Assert.Contains(history, e => e.Data is ProgressReported p && p.Visit == implementationVisit);
        Assert.Contains(history, e => e.Data is ImplementationCompleted c && c.Visit == implementationVisit);
    }

    private static (MeetingRecorded Data, DateTimeOffset At) LastPassed(List<RecordedEvent> history, string step, int visit)
    {
        var last = history.Where(e => e.Data is MeetingRecorded m && m.StepId == step && m.Visit == visit).ToList();
        Assert.NotEmpty(last);
        var passed = (MeetingRecorded)last[^1].Data;
        Assert.Equal(MeetingVerdict.Passed, passed.Verdict);
        return (passed, last[^1].At);
    }

    private static void AssertLawfulMeeting(RuleProfile profile, string category, MeetingRecorded m, DateTimeOffset recordedAt)
    {
        var rule = profile.MeetingRuleFor(m.Record.MeetingKind, category);
        var due = m.Record.Members - m.Record.Exclusions.Count;
        Assert.Equal(due, m.Due);
        Assert.True(Meets(rule.Quorum, m.Record.Present, due), $"no quorum: {m.Record.Present} of {due} for {rule.Quorum}");
        var passBase = rule.Pass.Base == CountBase.Due ? due : m.Record.Present;
        Assert.True(Meets(rule.Pass, m.Record.Yes, passBase), $"not carried: {m.Record.Yes} of {passBase} for {rule.Pass}");
        Assert.True(m.Record.HeldAt <= recordedAt);
        if (rule.NoticeDays > 0 && !m.EmergencyNotice)
        {
            var noticeDay = m.Record.NoticeGivenAt!.Value.ToOffset(TimeSpan.FromHours(8)).Date;
            var heldDay = m.Record.HeldAt.ToOffset(TimeSpan.FromHours(8)).Date;
            Assert.True((heldDay - noticeDay).TotalDays >= rule.NoticeDays, $"notice {noticeDay:d}, held {heldDay:d}, needs {rule.NoticeDays} days");
        }

        Assert.True(!m.EmergencyNotice || profile.Options.EmergencyNotice);
    }

    // Written independently of Threshold: plain ≥ / > on cross-multiplied integers.
    private static bool Meets(Threshold t, int count, int total) =>
        t.Comparison == Comparison.AtLeast
            ? (long)count * t.Fraction.Denominator >= (long)t.Fraction.Numerator * total
            : (long)count * t.Fraction.Denominator > (long)t.Fraction.Numerator * total;

    private static void AssertLawfulDisclosure(RuleProfile profile, List<RecordedEvent> history, string step, int visit)
    {
        var events = history.Where(e => e.Data switch
        {
            DisclosureCountersigned c => c.StepId == step && c.Visit == visit,
            DisclosurePublished p => p.StepId == step && p.Visit == visit,
            DisclosureClosed c => c.StepId == step && c.Visit == visit,
            _ => false,
        }).ToList();
        var published = events.Single(e => e.Data is DisclosurePublished);
        var closed = events.Single(e => e.Data is DisclosureClosed);
        if (profile.Options.DisclosureCountersign)
        {
            Assert.True(events.Single(e => e.Data is DisclosureCountersigned).Sequence < published.Sequence);
        }

        var days = ((DisclosurePublished)published.Data).PeriodDays;
        Assert.True(days >= profile.MinimumDisclosureDays && days >= 5);
        var publishedDay = published.At.ToOffset(TimeSpan.FromHours(8)).Date;
        var earliestClose = new DateTimeOffset(publishedDay.AddDays(days + 1), TimeSpan.FromHours(8));
        Assert.True(closed.At >= earliestClose, $"{step} closed at {closed.At} before {earliestClose}");

        // Every objection lodged in this visit was disposed of before the close.
        var lodged = history.Where(e => e.Sequence < closed.Sequence && e.Data is ObjectionLodged o && o.StepId == step && o.Visit == visit)
            .Select(e => ((ObjectionLodged)e.Data).ObjectionId);
        foreach (var id in lodged)
        {
            var last = history.Last(e => e.Sequence < closed.Sequence && e.Data switch
            {
                ObjectionLodged o => o.ObjectionId == id && o.StepId == step,
                ObjectionAnswered a => a.ObjectionId == id && a.StepId == step,
                ObjectionEscalated x => x.ObjectionId == id && x.StepId == step,
                ObjectionRuled r => r.ObjectionId == id && r.StepId == step,
                _ => false,
            });
            Assert.True(last.Data is ObjectionAnswered or ObjectionRuled, $"objection {id} was open when {step} closed");
        }
    }
}
