using CsCheck;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Instances;

// 人民调解 (docs mediation.md) on the same engine, every path of it: acceptance or refusal, informing every party,
// sessions before an agreement, a written agreement only with every signature and the seal, termination that tells the
// parties where else to go, the one-month deadline and its extension by consent, judicial confirmation within 30 days,
// follow-up before archiving, and the judicial office above it all.
public class MediationTests
{
    private const string Acceptance = "acceptance";
    private const string Informing = "informing";
    private const string Sessions = "mediation";
    private const string Performance = "performance";
    private const string Court = "court";
    private const string Deadline = "informing.2.conclusion-deadline";

    private static WorkflowDefinition Definition => Repository.MediationDefinition;

    private static RuleProfile Profile => Repository.MediationProfile;

    private static readonly SampleActors People = SampleActors.For(Repository.MediationDefinition, Harness.Village);

    private static Actor Chair => People.Holding([MediationRoles.Chair]);

    private static Actor Mediator => People.Holding([MediationRoles.Mediator]);

    private static Actor Assistant => People.Holding([MediationRoles.JudicialAssistant]);

    private static readonly Actor ForeignMediator = new("mediator-2", "外村调解员", [new RoleGrant(MediationRoles.Mediator, Harness.OtherVillage)]);

    private static readonly Actor ForeignAssistant = new("assistant-2", "外镇司法所", [new RoleGrant(MediationRoles.JudicialAssistant, Harness.OtherTownship)]);

    private const string Parties = "张甲\n李乙";

    private static Dictionary<string, string> Form(params (string Field, string Value)[] values) =>
        values.ToDictionary(v => v.Field, v => v.Value, StringComparer.Ordinal);

    private static string Day(DateTimeOffset instant) => ChinaTime.DateOf(instant).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    // ---- getting a case to a step ----------------------------------------------------------------------------

    private static StartProposal Registration(string parties = Parties, string source = "party-application") =>
        new("m-1", Harness.Village, "宅基地边界纠纷", "两户因院墙位置发生争执", "homestead", 0m, source,
            Form: Form(("parties", parties), ("applicationForm", "oral")));

    private static Harness Registered()
    {
        var h = new Harness(Profile, Definition);
        h.Do(Chair, Registration());
        Assert.Equal(Acceptance, h.Step);
        return h;
    }

    private static Harness AtInforming()
    {
        var h = Registered();
        h.Do(Chair, new CompleteTask(Acceptance, "accepted", null, Form(("mediators", "刘调解"))));
        return h;
    }

    private static Dictionary<string, string> Informed(string parties = Parties) => Form(("informedParties", parties), ("sessionsInPublic", "private"));

    private static Harness AtSessions()
    {
        var h = AtInforming();
        h.Now = h.Now.AddDays(2);
        h.Do(Mediator, new CompleteTask(Informing, "informed", null, Informed()));
        Assert.Equal(Sessions, h.Step);
        return h;
    }

    private static RecordEntry Session(Harness h, string signedBy = Parties) =>
        new(Sessions, "session", Form(("heldOn", Day(h.Now)), ("place", "村调委会调解室"), ("record", "双方陈述，调解员释法说理。"), ("signedBy", signedBy)));

    private static Dictionary<string, string> Written(Harness h) => Form(
        ("terms", "院墙后移三十厘米，费用各半，三十日内完成。"), ("performBy", Day(h.Now.AddDays(30))),
        ("agreementSignedBy", Parties), ("mediatorSigned", "true"), ("sealApplied", "true"));

    private static Harness AtPerformance()
    {
        var h = AtSessions();
        h.Now = h.Now.AddDays(3);
        h.Do(Mediator, Session(h));
        h.Do(Mediator, new CompleteTask(Sessions, "writtenAgreement", null, Written(h)));
        Assert.Equal(Performance, h.Step);
        return h;
    }

    private static RecordEntry FollowUp(Harness h, string performance = "performed") =>
        new(Performance, "follow-up", Form(("visitedOn", Day(h.Now)), ("performanceStatus", performance), ("visitNotes", "回访双方，院墙已后移。")));

    private static Dictionary<string, string> Application(Harness h) =>
        Form(("appliedOn", Day(h.Now)), ("courtName", "临县人民法院"), ("appliedBy", Parties));

    private static IReadOnlyList<string> Outcomes(Harness h) =>
        OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "complete-task").ChoicesOf("outcome");

    private static void Ended(Harness h, string step, EndResult result)
    {
        Assert.Equal(InstanceStatus.Ended, h.State.Status);
        Assert.Equal(step, h.Step);
        Assert.Equal(result, h.Last<InstanceEnded>().Result);
        Assert.Empty(h.State.Timers);
        Assert.Empty(OpenActions.List(h.Definition, h.Profile, h.State, h.Now));
    }

    // ---- registration ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("张甲", "form.min-count")]
    [InlineData("", "form.required")]
    [InlineData("张甲\n李乙\n张甲", "form.duplicate-name")]
    [InlineData("张甲、 张甲", "form.duplicate-name")]
    public void A_case_is_registered_with_at_least_two_distinct_parties(string parties, string rule)
    {
        var h = new Harness(Profile, Definition);
        var violation = h.Refuse(Chair, Registration(parties), rule);
        Assert.Contains("当事人", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.NotStarted, h.State.Status);
    }

    [Theory]
    [InlineData("villager-suggestion")] // a source of 四议两公开, not of mediation
    [InlineData("court")]
    [InlineData("")]
    public void A_case_comes_from_one_of_the_definitions_sources(string source)
    {
        var h = new Harness(Profile, Definition);
        var violation = h.Refuse(Chair, Registration(source: source), "proposal.source");
        Assert.Contains("party-application", violation.Message.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_keeps_the_parties_one_to_a_line_and_starts_at_acceptance_without_a_deadline()
    {
        var h = new Harness(Profile, Definition);
        h.Do(Mediator, Registration("张甲、李乙，王丙"));
        Assert.Equal("张甲\n李乙\n王丙", h.Last<ProposalStarted>().Form!["parties"]);
        Assert.Equal(Acceptance, h.Step);
        Assert.Empty(h.State.Timers);
        h.Refuse(Assistant, Registration() with { ProposalId = "m-2" }, "instance.already-started");
        Assert.False(WorkflowEngine.Decide(Definition, Profile, InstanceState.Empty, Assistant, Registration(), h.Now).Accepted);
        Assert.False(WorkflowEngine.Decide(Definition, Profile, InstanceState.Empty, ForeignMediator, Registration(), h.Now).Accepted);
    }

    [Fact]
    public void A_case_runs_only_under_a_profile_of_its_own_procedure()
    {
        var siyiLinxian = Repository.Catalog.LatestProfile("siyi-liangkai", "linxian")!;
        Assert.Equal(Profile.Id, siyiLinxian.Id);
        var error = Assert.Throws<ArgumentException>(() => WorkflowEngine.Decide(Definition, siyiLinxian, InstanceState.Empty, Chair, Registration(), DateTimeOffset.UnixEpoch));
        Assert.Contains("siyi-liangkai", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => WorkflowEngine.Decide(Repository.Definition, Profile, InstanceState.Empty, Harness.Secretary,
            new StartProposal("p-1", Harness.Village, "题", "摘要", "homestead", 0m, "cadre"), DateTimeOffset.UnixEpoch));
    }

    // ---- acceptance --------------------------------------------------------------------------------------------

    [Fact]
    public void Declining_needs_a_reason_and_the_body_the_parties_were_told_to_go_to()
    {
        var h = Registered();
        h.Refuse(Chair, new CompleteTask(Acceptance, "declined", "属于行政争议，不属人民调解范围"), "form.required");
        h.Refuse(Chair, new CompleteTask(Acceptance, "declined", null, Form(("directedTo", "乡人民政府"))), "input.required");
        h.Refuse(Mediator, new CompleteTask(Acceptance, "declined", "行政争议", Form(("directedTo", "乡人民政府"))), "auth.role");

        h.Do(Chair, new CompleteTask(Acceptance, "declined", "属于行政争议，不属人民调解范围", Form(("directedTo", "乡人民政府"))));
        Assert.Equal("乡人民政府", h.Last<TaskCompleted>().Form!["directedTo"]);
        Ended(h, "declined", EndResult.Terminated);
    }

    [Fact]
    public void Accepting_names_the_mediators_and_a_field_of_another_outcome_is_refused()
    {
        var h = Registered();
        h.Refuse(Chair, new CompleteTask(Acceptance, "accepted"), "form.required");
        h.Refuse(Chair, new CompleteTask(Acceptance, "accepted", null, Form(("mediators", "刘调解"), ("directedTo", "法院"))), "form.unknown-field");
        h.Do(Chair, new CompleteTask(Acceptance, "accepted", null, Form(("mediators", "刘调解"), ("directedTo", ""))));
        Assert.Equal(Informing, h.Step);
    }

    [Theory]
    [InlineData(Acceptance)]
    [InlineData(Informing)]
    public void A_party_clearly_refusing_mediation_ends_the_case(string step)
    {
        var h = step == Acceptance ? Registered() : AtInforming();
        var actor = step == Acceptance ? Chair : Mediator;
        h.Refuse(actor, new CompleteTask(step, "refused", "李乙表示不愿调解"), "form.required");
        h.Refuse(actor, new CompleteTask(step, "refused", null, Form(("refusingParty", "李乙"))), "input.required");

        h.Do(actor, new CompleteTask(step, "refused", "李乙表示不愿调解，要求直接起诉", Form(("refusingParty", "李乙"))));
        Ended(h, "party-refused", EndResult.Terminated);
        h.Refuse(Mediator, Session(h) with { StepId = "party-refused" }, "instance.ended");
    }

    // ---- informing ---------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("张甲", "李乙")]
    [InlineData("李乙\n王丙", "张甲")]
    public void Informing_must_cover_every_party_and_names_the_one_missing(string informed, string missing)
    {
        var h = AtInforming();
        var task = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "complete-task");
        var field = task.Inputs.Single(i => i.Path == "form.informedParties");
        Assert.Equal(InputKind.Names, field.Kind);
        Assert.Contains("张甲、李乙", field.Help!.Zh, StringComparison.Ordinal);

        var violation = h.Refuse(Mediator, new CompleteTask(Informing, "informed", null, Informed(informed)), "form.covers");
        Assert.Contains(missing, violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains(missing, violation.Message.En, StringComparison.Ordinal);

        h.Do(Mediator, new CompleteTask(Informing, "informed", null, Informed("李乙\n张甲\n王丙")));
        Assert.Equal(Sessions, h.Step);
    }

    [Fact]
    public void A_mediator_of_another_village_or_the_chair_alone_does_not_inform()
    {
        var h = AtInforming();
        h.Refuse(ForeignMediator, new CompleteTask(Informing, "informed", null, Informed()), "auth.jurisdiction");
        h.Refuse(Chair, new CompleteTask(Informing, "informed", null, Informed()), "auth.role");
        h.Refuse(Assistant, new CompleteTask(Informing, "informed", null, Informed()), "auth.role");
        Assert.DoesNotContain(OpenActions.For(h.Definition, h.Profile, h.State, ForeignMediator, h.Now), a => a.Action == "complete-task");
        Assert.Contains(OpenActions.For(h.Definition, h.Profile, h.State, Mediator, h.Now), a => a.Action == "complete-task");
    }

    // ---- sessions and agreement -------------------------------------------------------------------------------

    [Theory]
    [InlineData("writtenAgreement")]
    [InlineData("oralAgreement")]
    public void An_agreement_needs_a_session_recorded_first(string outcome)
    {
        var h = AtSessions();
        Assert.Equal(["terminated"], Outcomes(h));
        var task = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "complete-task");
        Assert.Contains(task.Hints, hint => hint.Zh.Contains("调解笔录", StringComparison.Ordinal));
        var violation = h.Refuse(Mediator, new CompleteTask(Sessions, outcome, null, Written(h)), "task.entry-required");
        Assert.Contains("调解笔录", violation.Message.Zh, StringComparison.Ordinal);

        h.Do(Mediator, Session(h));
        Assert.Equal(Sessions, h.Step);
        Assert.Equal(1, h.State.EntriesThisVisit["session"]);
        Assert.Equal(["oralAgreement", "terminated", "writtenAgreement"], Outcomes(h));
    }

    [Fact]
    public void A_session_record_is_signed_by_every_party_and_sessions_are_counted()
    {
        var h = AtSessions();
        var violation = h.Refuse(Mediator, Session(h, "张甲"), "form.covers");
        Assert.Contains("李乙", violation.Message.Zh, StringComparison.Ordinal);
        h.Refuse(ForeignMediator, Session(h), "auth.jurisdiction");
        h.Refuse(Chair, Session(h), "auth.role");
        h.Refuse(Mediator, new RecordEntry(Sessions, "follow-up", Session(h).Form), "entry.unknown");
        h.Refuse(Mediator, Session(h) with { StepId = Performance }, "step.not-current");

        h.Do(Mediator, Session(h));
        h.Now = h.Now.AddDays(1);
        h.Do(Mediator, Session(h));
        var sessions = h.All<EntryRecorded>().ToList();
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, s => Assert.Equal(("session", Sessions), (s.Entry, s.StepId)));
        Assert.Equal(2, h.State.EntriesThisVisit["session"]);
        var entry = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "record-entry" && a.EntryId == "session");
        Assert.Contains(entry.Hints, hint => hint.Zh.Contains('2', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sealApplied", "false", "form.must-be")]
    [InlineData("mediatorSigned", "false", "form.must-be")]
    [InlineData("mediatorSigned", "否", "form.must-be")]
    [InlineData("sealApplied", "", "form.required")]
    [InlineData("sealApplied", "perhaps", "form.type")]
    [InlineData("agreementSignedBy", "张甲", "form.covers")]
    [InlineData("agreementSignedBy", "", "form.required")]
    [InlineData("terms", "", "form.required")]
    [InlineData("performBy", "next month", "form.type")]
    public void A_written_agreement_takes_effect_only_with_every_partys_signature_the_mediators_and_the_seal(string field, string value, string rule)
    {
        var h = AtSessions();
        h.Do(Mediator, Session(h));
        var form = Written(h);
        form[field] = value;
        h.Refuse(Mediator, new CompleteTask(Sessions, "writtenAgreement", null, form), rule);
        Assert.Equal(Sessions, h.Step);

        h.Do(Mediator, new CompleteTask(Sessions, "writtenAgreement", null, Written(h)));
        var completed = h.Last<TaskCompleted>();
        Assert.Equal(("true", "true", Parties), (completed.Form!["sealApplied"], completed.Form["mediatorSigned"], completed.Form["agreementSignedBy"]));
        Assert.Equal(Performance, h.Step);
    }

    [Fact]
    public void An_oral_agreement_is_recorded_with_every_partys_consent_and_no_seal()
    {
        var h = AtSessions();
        h.Do(Mediator, Session(h));
        var oral = Form(("terms", "当场赔偿五百元。"), ("performBy", Day(h.Now)), ("agreedBy", "张甲"));
        h.Refuse(Mediator, new CompleteTask(Sessions, "oralAgreement", null, oral), "form.covers");
        oral["agreedBy"] = Parties;
        oral["sealApplied"] = "true";
        h.Refuse(Mediator, new CompleteTask(Sessions, "oralAgreement", null, oral), "form.unknown-field");
        oral.Remove("sealApplied");

        h.Do(Mediator, new CompleteTask(Sessions, "oralAgreement", null, oral));
        Assert.Equal(("oralAgreement", Performance), (h.Last<TaskCompleted>().Outcome, h.Step));
    }

    [Theory]
    [InlineData("otherRoutesTold", "false", "双方分歧过大", "form.must-be")]
    [InlineData("otherRoutesTold", "", "双方分歧过大", "form.required")]
    [InlineData("terminationCause", "", "双方分歧过大", "form.required")]
    [InlineData("terminationCause", "gave-up", "双方分歧过大", "form.type")]
    [InlineData("terminationCause", "no-agreement", "", "input.required")]
    public void Termination_tells_the_parties_where_else_to_go_and_gives_a_reason(string field, string value, string reason, string rule)
    {
        var h = AtSessions(); // no session needed to end mediation
        var form = Form(("terminationCause", "no-agreement"), ("otherRoutesTold", "true"));
        form[field] = value;
        h.Refuse(Mediator, new CompleteTask(Sessions, "terminated", reason, form), rule);

        h.Do(Mediator, new CompleteTask(Sessions, "terminated", "双方分歧过大", Form(("terminationCause", "party-withdrew"), ("otherRoutesTold", "是"))));
        Assert.Equal("true", h.Last<TaskCompleted>().Form!["otherRoutesTold"]);
        Ended(h, "mediation-ended", EndResult.Terminated);
    }

    // ---- the one-month deadline --------------------------------------------------------------------------------

    [Fact]
    public void The_month_runs_from_acceptance_through_informing_and_sessions_as_one_timer()
    {
        var h = AtInforming();
        var accepted = h.State.StepEnteredAt;
        var due = Profile.PeriodEnd(accepted, new DurationSpec(0, "conclusionDays"));
        Assert.Equal(ChinaTime.PeriodEnd(accepted, 30), due);
        Assert.Equal(due, h.State.Timers[Deadline].DueAt);
        Assert.Equal(due.AddDays(-5), h.State.Timers[Deadline + ".reminder"].DueAt);

        h.Now = h.Now.AddDays(2);
        h.Do(Mediator, new CompleteTask(Informing, "informed", null, Informed()));
        Assert.Equal(Sessions, h.Step);
        Assert.DoesNotContain(h.All<TimerCancelled>(), c => c.TimerId.StartsWith(Deadline, StringComparison.Ordinal));
        Assert.Equal([Deadline, Deadline + ".reminder"], h.State.Timers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(due, h.State.Timers[Deadline].DueAt);
        Assert.Equal(due, OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "complete-task").DueAt);

        h.Do(Mediator, Session(h));
        h.Do(Mediator, new CompleteTask(Sessions, "writtenAgreement", null, Written(h)));
        Assert.Equal(Performance, h.Step);
        Assert.Empty(h.State.Timers); // concluded: the month no longer runs
        Assert.Contains(h.All<TimerCancelled>(), c => c.TimerId == Deadline);
    }

    [Theory]
    [InlineData(30)]
    [InlineData(20)]
    public void The_month_is_the_profiles_conclusion_period(int days)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(Repository.ReadWorkflow("profiles/renmin-tiaojie.linxian.profile.json"))!.AsObject();
        json["days"]!["conclusionDays"] = days;
        var (profile, errors) = ProfileCompiler.Compile(json.ToJsonString(), "p.profile.json");
        Assert.Empty(errors);
        var h = new Harness(profile, Definition);
        h.Do(Chair, Registration());
        h.Do(Chair, new CompleteTask(Acceptance, "accepted", null, Form(("mediators", "刘调解"))));
        Assert.Equal(ChinaTime.PeriodEnd(h.State.StepEnteredAt, days), h.State.Timers[Deadline].DueAt);
    }

    [Fact]
    public void When_the_month_passes_in_sessions_the_reminder_fires_then_the_deadline_is_escalated()
    {
        var h = AtSessions();
        var due = h.State.Timers[Deadline].DueAt;
        h.Refuse(Actor.System, new FireTimer(Deadline), "timer.not-due");
        h.Refuse(Mediator, new FireTimer(Deadline), "auth.role");

        h.Now = due.AddDays(-5);
        h.Do(Actor.System, new FireTimer(Deadline + ".reminder"));
        Assert.Equal(TimerPurpose.Reminder, h.Last<TimerFired>().Purpose);
        Assert.Empty(h.All<DeadlineEscalated>());
        Assert.False(h.State.Overdue);

        h.Now = due;
        h.Do(Actor.System, new FireTimer(Deadline));
        var escalated = h.Last<DeadlineEscalated>();
        Assert.Equal((Sessions, Deadline), (escalated.StepId, escalated.TimerId));
        Assert.True(h.State.Overdue);
        Assert.Equal(Sessions, h.Step); // late is reported, not ended
        Assert.Empty(h.Do(Actor.System, new FireTimer(Deadline))); // at most once
        Assert.DoesNotContain(OpenActions.List(h.Definition, h.Profile, h.State, h.Now), a => a.EntryId == "extension"); // nothing left to extend
    }

    private static RecordEntry Extension(DateOnly until, string consentedBy = Parties) =>
        new(Sessions, "extension", Form(("consentedBy", consentedBy), ("extendedTo", until.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ("extensionReason", "双方同意再调解一次")));

    [Fact]
    public void The_parties_consent_moves_the_deadline_under_a_new_timer_id_and_the_old_one_fires_nothing()
    {
        var h = AtSessions();
        var oldDue = h.State.Timers[Deadline].DueAt;
        var lastDay = ChinaTime.DateOf(oldDue).AddDays(-1);
        h.Refuse(Mediator, Extension(lastDay), "entry.extends-earlier");
        h.Refuse(Mediator, Extension(lastDay.AddDays(-10)), "entry.extends-earlier");
        var violation = h.Refuse(Mediator, Extension(lastDay.AddDays(15), "张甲"), "form.covers");
        Assert.Contains("李乙", violation.Message.Zh, StringComparison.Ordinal);

        var events = h.Do(Mediator, Extension(lastDay.AddDays(15))).Select(e => e.Data).ToList();
        Assert.IsType<EntryRecorded>(events[0]);
        Assert.Equal([Deadline, Deadline + ".reminder"], events.OfType<TimerCancelled>().Select(c => c.TimerId).Order(StringComparer.Ordinal));
        var moved = events.OfType<TimerScheduled>().Single(t => t.Purpose == TimerPurpose.Deadline);
        Assert.Equal(Deadline + ".x1", moved.TimerId);
        Assert.Equal(ChinaTime.StartOf(lastDay.AddDays(16)), moved.DueAt);
        Assert.Equal(TimerExpiry.Escalate, moved.OnExpiry);
        Assert.Equal(moved.DueAt.AddDays(-5), events.OfType<TimerScheduled>().Single(t => t.Purpose == TimerPurpose.Reminder).DueAt);
        Assert.Equal([Deadline + ".x1", Deadline + ".x1.reminder"], h.State.Timers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(moved.DueAt, OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "complete-task").DueAt);

        h.Now = oldDue;
        Assert.Empty(h.Do(Actor.System, new FireTimer(Deadline))); // a job queued for the old id finds nothing
        Assert.False(h.State.Overdue);

        h.Do(Mediator, Extension(lastDay.AddDays(20)));
        Assert.Contains(Deadline + ".x2", h.State.Timers.Keys);
        Assert.DoesNotContain(Deadline + ".x1", h.State.Timers.Keys);

        h.Now = h.State.Timers[Deadline + ".x2"].DueAt;
        h.Do(Actor.System, new FireTimer(Deadline + ".x2"));
        Assert.Equal(Deadline + ".x2", h.Last<DeadlineEscalated>().TimerId);
    }

    // ---- judicial confirmation -------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, true)]
    [InlineData(29, true)]
    [InlineData(30, true)] // thirty days counted from the day after: the 30th is the last
    [InlineData(31, false)]
    [InlineData(45, false)]
    public void Judicial_confirmation_is_applied_for_only_within_30_days_of_the_agreement(int daysAfter, bool open)
    {
        var h = AtPerformance();
        var windowEnds = ChinaTime.PeriodEnd(h.State.StepEnteredAt, 30);
        h.Now = ChinaTime.StartOf(ChinaTime.DateOf(h.State.StepEnteredAt).AddDays(daysAfter)).AddHours(10);
        Assert.Equal(open, h.Now < windowEnds);
        Assert.Equal(open, Outcomes(h).Contains("confirmationApplied"));
        if (open)
        {
            var hints = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "complete-task").Hints;
            Assert.Contains(hints, hint => hint.Zh.Contains(ChinaTime.Display(windowEnds), StringComparison.Ordinal));
            h.Refuse(Mediator, new CompleteTask(Performance, "confirmationApplied", null, Form(("appliedOn", Day(h.Now)), ("courtName", "临县人民法院"), ("appliedBy", "张甲"))), "form.covers");
            h.Do(Mediator, new CompleteTask(Performance, "confirmationApplied", null, Application(h)));
            Assert.Equal(Court, h.Step);
        }
        else
        {
            var violation = h.Refuse(Mediator, new CompleteTask(Performance, "confirmationApplied", null, Application(h)), "task.window-closed");
            Assert.Contains("30", violation.Message.Zh, StringComparison.Ordinal);
            Assert.Empty(Outcomes(h)); // nothing to choose until a follow-up visit is recorded; the hints say so
            Assert.Contains(OpenActions.List(h.Definition, h.Profile, h.State, h.Now), a => a.Action == "record-entry" && a.EntryId == "follow-up");
        }
    }

    [Theory]
    [InlineData("confirmed", Performance)]
    [InlineData("remediate", Sessions)]
    [InlineData("toCourt", "to-court")]
    public void The_courts_decision_leads_back_to_performance_to_mediation_again_or_to_court(string outcome, string next)
    {
        var h = AtPerformance();
        h.Do(Mediator, new CompleteTask(Performance, "confirmationApplied", null, Application(h)));
        h.Refuse(Mediator, new CompleteTask(Court, outcome), "form.required");
        h.Refuse(Chair, new CompleteTask(Court, outcome, null, Form(("decidedOn", Day(h.Now)))), "auth.role");
        h.Now = h.Now.AddDays(20);
        h.Do(Mediator, new CompleteTask(Court, outcome, null, Form(("decidedOn", Day(h.Now)), ("rulingNumber", "(2026)晋1124民特12号"))));
        Assert.Equal(next, h.Step);
        switch (next)
        {
            case Sessions:
                // Mediating again needs a new session before a new agreement; the month is not restarted.
                Assert.Equal(["terminated"], Outcomes(h));
                h.Refuse(Mediator, new CompleteTask(Sessions, "writtenAgreement", null, Written(h)), "task.entry-required");
                Assert.Empty(h.State.Timers);
                break;
            case Performance:
                h.Refuse(Mediator, new CompleteTask(Performance, "performed"), "task.entry-required");
                break;
            default:
                Ended(h, "to-court", EndResult.Terminated);
                break;
        }
    }

    // ---- follow-up and archive ---------------------------------------------------------------------------------

    [Theory]
    [InlineData("performed", null, "archived")]
    [InlineData("notPerformed", "李乙未按期后移院墙，经督促仍未履行", "archived")]
    public void A_follow_up_visit_is_recorded_before_the_case_is_archived(string outcome, string? reason, string end)
    {
        var h = AtPerformance();
        var form = outcome == "notPerformed" ? Form(("courtAdvised", "true")) : null;
        Assert.DoesNotContain(outcome, Outcomes(h));
        h.Refuse(Mediator, new CompleteTask(Performance, outcome, reason, form), "task.entry-required");

        h.Now = h.Now.AddDays(31);
        h.Do(Mediator, FollowUp(h, outcome == "performed" ? "performed" : "not-yet"));
        Assert.Contains(outcome, Outcomes(h));
        if (outcome == "notPerformed")
        {
            h.Refuse(Mediator, new CompleteTask(Performance, outcome, null, form), "input.required");
            h.Refuse(Mediator, new CompleteTask(Performance, outcome, reason, Form(("courtAdvised", "false"))), "form.must-be");
        }

        h.Do(Mediator, new CompleteTask(Performance, outcome, reason, form));
        Ended(h, end, EndResult.Archived);
    }

    // ---- the judicial office and concerns ------------------------------------------------------------------------

    [Theory]
    [InlineData(Acceptance, true)]
    [InlineData(Informing, true)]
    [InlineData(Sessions, true)]
    [InlineData(Performance, false)]
    public void Only_the_townships_judicial_office_takes_a_case_over_and_only_before_an_agreement(string step, bool allowed)
    {
        var h = step switch
        {
            Acceptance => Registered(),
            Informing => AtInforming(),
            Sessions => AtSessions(),
            _ => AtPerformance(),
        };
        var takeOver = new Intervene("take-over", "纠纷有激化可能，由司法所直接调处");
        h.Refuse(Chair, takeOver, "auth.role");
        h.Refuse(Mediator, takeOver, "auth.role");
        h.Refuse(ForeignAssistant, takeOver, "auth.jurisdiction");
        h.Refuse(Assistant, takeOver with { Reason = " " }, allowed ? "input.required" : "intervention.not-here");
        Assert.Equal(allowed, OpenActions.For(h.Definition, h.Profile, h.State, Assistant, h.Now).Any(a => a.Action == "intervene"));
        if (!allowed)
        {
            h.Refuse(Assistant, takeOver, "intervention.not-here");
            return;
        }

        h.Do(Assistant, takeOver);
        Assert.Equal(MediationRoles.JudicialAssistant, h.History.Single(e => e.Data is InterventionApplied).Role);
        Ended(h, "taken-over", EndResult.Terminated);
    }

    [Fact]
    public void A_report_that_the_dispute_may_turn_violent_comes_from_the_mediator_or_the_chair_not_the_judicial_office()
    {
        var h = AtSessions();
        h.Do(Mediator, new RaiseConcern(Sessions, "李乙扬言报复，纠纷可能激化"));
        Assert.Equal(MediationRoles.Mediator, h.History[^1].Role);
        h.Do(Chair, new RaiseConcern(Sessions, "已报司法所和派出所"));
        Assert.Equal(2, h.All<ConcernRaised>().Count());
        Assert.Equal(Sessions, h.Step);

        h.Refuse(Assistant, new RaiseConcern(Sessions, "关切"), "auth.role");
        h.Refuse(ForeignMediator, new RaiseConcern(Sessions, "关切"), "auth.jurisdiction");
        h.Refuse(Mediator, new RaiseConcern(Sessions, " "), "input.required");
        var concern = OpenActions.List(h.Definition, h.Profile, h.State, h.Now).Single(a => a.Action == "raise-concern");
        Assert.Equal([MediationRoles.Mediator, MediationRoles.Chair], concern.Roles);
        Assert.Contains("激化", concern.Label.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_of_a_mediation_case_is_offered_to_the_public()
    {
        var h = AtSessions();
        Assert.False(Definition.Public);
        Assert.Empty(OpenActions.For(h.Definition, h.Profile, h.State, Harness.Villager, h.Now));
        Assert.All(OpenActions.List(h.Definition, h.Profile, h.State, h.Now), a => Assert.DoesNotContain(Roles.Public, a.Roles));
    }

    // ---- the property: random walks end cleanly ----------------------------------------------------------------

    private static readonly Gen<int[]> Walks = Gen.Int[0, 1_000_000].Array[5, 80];

    [Fact]
    public void Random_walks_over_open_actions_end_at_an_end_step_with_no_timer_left_and_every_form_valid()
    {
        var ends = new HashSet<string>(StringComparer.Ordinal);
        Walks.Sample(moves =>
        {
            var h = Walk(moves);
            Assert.Equal(InstanceStatus.Ended, h.State.Status);
            Assert.Equal(StepKind.End, Definition.Step(h.Step!).Kind);
            Assert.Empty(h.State.Timers);
            ends.Add(h.Step!);
            CheckForms(h.History);
        }, iter: 150, threads: 1);

        // The walks see most ways out, or the property says little.
        Assert.True(ends.Count >= 5, "ends reached: " + string.Join(", ", ends));
        Assert.Contains("archived", ends);
    }

    // Random open actions, built with sample forms by one holding a random role of each; now and then time passes and
    // a due timer fires. After the moves, the ordinary path to the end.
    private static Harness Walk(int[] moves)
    {
        var h = new Harness(Profile, Definition);
        h.Do(Chair, Registration(moves[0] % 3 == 0 ? "张甲\n李乙\n王丙" : Parties));
        foreach (var move in moves.Skip(1))
        {
            if (h.State.Status != InstanceStatus.Running)
            {
                break;
            }

            var random = new Random(move);
            h.Now = h.Now.AddHours(random.Next(5) == 0 ? random.Next(24, 24 * 20) : random.Next(0, 6));
            if (random.Next(6) == 0 && h.State.Timers.Values.MinBy(t => t.DueAt) is { } timer)
            {
                h.Now = timer.DueAt > h.Now ? timer.DueAt : h.Now;
                h.Do(Actor.System, new FireTimer(timer.TimerId));
                continue;
            }

            var open = OpenActions.List(h.Definition, h.Profile, h.State, h.Now)
                .Where(a => a.IsOpenAt(h.Now) && (a.Action != "intervene" || random.Next(8) == 0))
                .Where(a => a.Action != "complete-task" || a.ChoicesOf("outcome").Count > 0).ToList();
            var action = open[random.Next(open.Count)];
            var role = action.Roles[random.Next(action.Roles.Count)];
            var actor = People.Holding([role]);
            h.Do(actor, CommandFor(h, action, random));
        }

        for (var guard = 0; h.State.Status == InstanceStatus.Running; guard++)
        {
            Assert.True(guard < 20, $"stuck at {h.Step}");
            var next = SampleDriver.Next(h.Definition, h.Profile, h.State, People, h.Now)!.Value;
            h.Now = next.At;
            h.Do(next.Actor, next.Command);
        }

        return h;
    }

    private static WorkflowCommand CommandFor(Harness h, OpenAction action, Random random)
    {
        var step = action.StepId is null ? null : Definition.Step(action.StepId);
        switch (action.Action)
        {
            case "complete-task":
                var outcomes = action.ChoicesOf("outcome");
                var outcome = outcomes[random.Next(outcomes.Count)];
                return new CompleteTask(step!.Id, outcome, "理由说明", step.Form.Fields.Count == 0 ? null : SampleDriver.SampleForm(step.Form, outcome, h.State, h.Now));
            case "record-entry":
                var entry = step!.Entries[action.EntryId!];
                var values = SampleDriver.SampleForm(entry.Form, null, h.State, h.Now).ToDictionary(StringComparer.Ordinal);
                if (entry.UntilField is { } until)
                {
                    values[until] = ChinaTime.DateOf(action.DueAt!.Value).AddDays(random.Next(1, 30)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                }

                return new RecordEntry(step.Id, entry.Id, values);
            case "intervene":
                return new Intervene(action.InterventionId!, "司法所接手");
            case "raise-concern":
                return new RaiseConcern(action.ChoicesOf("stepId")[0], "纠纷可能激化");
            case "attach-document":
                return new AttachDocument(h.Step!, new string('c', 64), "调解协议书.pdf", "application/pdf", 4096);
            default:
                throw new InvalidOperationException("an action 人民调解 does not offer: " + action.Action);
        }
    }

    // Every recorded form passes the check it was recorded under, replayed against the values recorded before it.
    private static void CheckForms(IReadOnlyList<RecordedEvent> history)
    {
        var state = InstanceState.Empty;
        foreach (var recorded in history)
        {
            (FormDefinition Form, string? Outcome, IReadOnlyDictionary<string, string>? Values)? recordedForm = recorded.Data switch
            {
                ProposalStarted s => (Definition.StartForm, null, s.Form),
                TaskCompleted t => (Definition.Step(t.StepId).Form, t.Outcome, t.Form),
                EntryRecorded e => (Definition.Step(e.StepId).Entries[e.Entry].Form, null, e.Form),
                _ => null,
            };
            if (recordedForm is var (form, outcome, values))
            {
                var (clean, violation) = FormCheck.Check(form, outcome, values, state.FormValues);
                Assert.True(violation is null, $"{recorded.Data.GetType().Name} #{recorded.Sequence}: {violation}");
                Assert.Equal(clean!.OrderBy(p => p.Key, StringComparer.Ordinal), (values ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal));
            }

            state = state.Apply(recorded.Data, recorded.At);
        }
    }
}
