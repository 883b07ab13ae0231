using System.Text.Json.Nodes;
using CsCheck;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Tests.Instances;

// The rule holes closed by the engine: distinct exclusions, separation of duties, 一肩挑 only with both grants,
// notices neither back-dated nor in the future, and the window for taking a dismissed objection to the township.
public class RuleHoleTests
{
    private const string PartyStep = "party-member-review";
    private const string Disclosure = "resolution-disclosure";

    private static DateTimeOffset Cst(int month, int day, int hour = 0, int minute = 0) => new(2026, month, day, hour, minute, 0, ChinaTime.Offset);

    // ---- 1. exclusions ------------------------------------------------------------------------------------

    private static Harness AtPartyMembers(RuleProfile? profile = null) => new Harness(profile).Start().AdvanceTo(PartyStep);

    // 31 members with one name excluded three times: counted as three, due would be 28, quorum 19 and 19 present a
    // quorum with 15 yes carrying it; counted once, due is 30 and quorum 20, so 19 present is no meeting.
    [Fact]
    public void A_member_excluded_twice_is_refused_and_due_is_not_lowered()
    {
        var h = AtPartyMembers();
        var repeated = h.Meeting("party-members", 31, 19, 15,
            exclusions: [new Exclusion("赵六", "abroad"), new Exclusion("赵六", "seriously-ill"), new Exclusion("赵六", "abroad")]);
        var violation = h.Refuse(Harness.Secretary, new RecordMeeting(PartyStep, repeated), "meeting.exclusion-duplicate");
        Assert.Contains("赵六", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains("赵六", violation.Message.En, StringComparison.Ordinal);
        Assert.DoesNotContain(h.All<MeetingRecorded>(), m => m.StepId == PartyStep);

        h.Do(Harness.Secretary, new RecordMeeting(PartyStep, repeated with { Exclusions = [new Exclusion("赵六", "abroad")] }));
        var recorded = h.Last<MeetingRecorded>();
        Assert.Equal(30, recorded.Due);
        Assert.Equal(20, recorded.QuorumRequired);
        Assert.Equal(MeetingVerdict.NoQuorum, recorded.Verdict);
        Assert.Equal(PartyStep, h.Step);
    }

    [Theory]
    [InlineData("赵六", " 赵六 ")]
    [InlineData("赵六", "赵 六")]
    [InlineData("赵六", "赵\u3000六")]
    [InlineData("赵六", "\u3000赵六\u3000")]
    [InlineData("赵六", "赵六\t")]
    [InlineData("王A", "王Ａ")]
    [InlineData("赵 六", "赵六")]
    [InlineData("赵六", "赵\u200B六")]
    [InlineData("赵六", "\uFEFF赵六")]
    [InlineData("赵六", "赵\u00AD六")]
    public void The_same_name_spaced_differently_is_the_same_member_and_is_refused(string first, string second)
    {
        var h = AtPartyMembers();
        var record = h.Meeting("party-members", 45, 30, 23, exclusions: [new Exclusion(first, "abroad"), new Exclusion(second, "seriously-ill")]);
        var violation = h.Refuse(Harness.Secretary, new RecordMeeting(PartyStep, record), "meeting.exclusion-duplicate");
        Assert.Contains(second.Trim(), violation.Message.Zh, StringComparison.Ordinal);
        Assert.DoesNotContain(h.All<MeetingRecorded>(), m => m.StepId == PartyStep);
    }

    [Fact]
    public void An_exclusion_named_only_by_invisible_characters_is_refused()
    {
        var h = AtPartyMembers();
        var record = h.Meeting("party-members", 45, 30, 23, exclusions: [new Exclusion("\u200B\uFEFF", "abroad")]);
        h.Refuse(Harness.Secretary, new RecordMeeting(PartyStep, record), "input.required");
    }

    [Fact]
    public void Distinct_members_are_each_excluded_and_due_is_members_less_exclusions()
    {
        var h = AtPartyMembers();
        Exclusion[] exclusions =
        [
            new("赵六", "abroad"), new("赵六六", "seriously-ill"), new("王A", "away-over-six-months"), new("王B", "deprived-of-rights"),
        ];
        h.Do(Harness.Secretary, new RecordMeeting(PartyStep, h.Meeting("party-members", 45, 28, 21, exclusions: exclusions)));
        var recorded = h.Last<MeetingRecorded>();
        Assert.Equal(41, recorded.Due);
        Assert.Equal(28, recorded.QuorumRequired);
        Assert.Equal(21, recorded.PassRequired);
        Assert.Equal(MeetingVerdict.Passed, recorded.Verdict);
        Assert.Equal(4, recorded.Record.Exclusions.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\u3000")]
    [InlineData("\t \u3000")]
    public void An_exclusion_without_a_name_is_refused(string blank)
    {
        var h = AtPartyMembers();
        var record = h.Meeting("party-members", 45, 30, 23, exclusions: [new Exclusion("赵六", "abroad"), new Exclusion(blank, "abroad")]);
        h.Refuse(Harness.Secretary, new RecordMeeting(PartyStep, record), "input.required");
        Assert.DoesNotContain(h.All<MeetingRecorded>(), m => m.StepId == PartyStep);
    }

    private static readonly string[] ExclusionNames = ["赵六", " 赵六", "赵 六", "赵\u3000六", "钱七", "钱七\u3000", "孙八", "李九", "周十", "王A", "王Ａ"];

    private static readonly Gen<Exclusion> Exclusions =
        Gen.Select(Gen.Int[0, ExclusionNames.Length - 1], Gen.OneOfConst("abroad", "seriously-ill", "away-over-six-months"),
            (name, reason) => new Exclusion(ExclusionNames[name], reason));

    // Members, exclusions (names often repeated or spaced differently), and present / yes / no as shares of the room.
    private static readonly Gen<(int Members, Exclusion[] Exclusions, int Present, int Yes, int No)> Records =
        Gen.Select(Gen.Int[1, 60], Exclusions.Array[0, 4], Gen.Int[40, 100], Gen.Int[30, 100], Gen.Int[0, 100],
            (members, exclusions, present, yes, no) => (members, exclusions, present, yes, no));

    private static readonly Lazy<Harness> DefaultAtPartyMembers = new(() => AtPartyMembers());
    private static readonly Lazy<Harness> LinxianAtPartyMembers = new(() => AtPartyMembers(Repository.LinxianProfile));

    [Fact]
    public void A_meeting_lacking_quorum_of_the_distinct_members_due_is_never_recorded_as_passed()
    {
        var counts = new int[3];
        foreach (var h in new[] { DefaultAtPartyMembers.Value, LinxianAtPartyMembers.Value })
        {
            Records.Sample((members, exclusions, presentShare, yesShare, noShare) =>
            {
                var outcome = JudgeRandomRecord(h, members, exclusions, presentShare, yesShare, noShare);
                counts[outcome]++;
            }, iter: 300, threads: 1);
        }

        // The generator must reach every case, or the property says nothing.
        Assert.True(counts[0] >= 30, $"only {counts[0]} random records were refused");
        Assert.True(counts[1] >= 30, $"only {counts[1]} random records passed");
        Assert.True(counts[2] >= 30, $"only {counts[2]} random records were recorded without passing");
    }

    // 0: refused, 1: recorded as passed, 2: recorded otherwise.
    private static int JudgeRandomRecord(Harness h, int members, Exclusion[] exclusions, int presentShare, int yesShare, int noShare)
    {
        var entered = h.State.StepEnteredAt;
        var held = entered.AddDays(3).AddHours(1);
        var now = held.AddHours(1);
        var room = Math.Max(members - exclusions.Length, 0);
        var present = room * presentShare / 100;
        var yes = present * yesShare / 100;
        var no = (present - yes) * noShare / 100;
        var record = new MeetingRecord("party-members", held, entered, members, exclusions, present, yes, no, 0, "会议记录", "孙干部");
        var decision = WorkflowEngine.Decide(h.Definition, h.Profile, h.State, Harness.Secretary, new RecordMeeting(PartyStep, record), now);

        // Names as a clerk writes them: white space (full-width too) and full-width letters do not make a new member.
        var distinct = exclusions.Select(e => string.Concat(e.Member.Where(c => !char.IsWhiteSpace(c))).Normalize(System.Text.NormalizationForm.FormKC))
            .Distinct(StringComparer.Ordinal).Count();
        if (!decision.Accepted)
        {
            return 0;
        }

        Assert.Equal(exclusions.Length, distinct);
        var recorded = decision.Events.Select(e => e.Data).OfType<MeetingRecorded>().Single();
        var rule = h.Profile.MeetingRuleFor("party-members", "public-welfare");
        var due = members - distinct;
        Assert.Equal(due, recorded.Due);
        if (recorded.Verdict != MeetingVerdict.Passed)
        {
            return 2;
        }

        Assert.Equal(rule.Quorum.MinimumCount(due), recorded.QuorumRequired);
        Assert.True(present >= rule.Quorum.MinimumCount(due), $"passed with {present} present of {due} due ({members} members, {distinct} excluded)");
        Assert.True(yes >= rule.Pass.MinimumCount(rule.Pass.Base == CountBase.Due ? due : present));
        return 1;
    }

    // ---- 2. separation of duties --------------------------------------------------------------------------

    private static Actor Dual(string conflict, string scope = Harness.Village) =>
        new("dual", "张监委", [new RoleGrant(SiyiRoles.SupervisionMember, Harness.Village), new RoleGrant(conflict, scope)]);

    private static readonly Dictionary<string, (string Zh, string En)> RoleNames = new()
    {
        [SiyiRoles.SupervisionMember] = ("村务监督委员会成员", "a supervision committee member"),
        [SiyiRoles.PartySecretary] = ("村党组织书记", "the party secretary"),
        [SiyiRoles.VillageChair] = ("村委会主任", "the village committee chair"),
        [SiyiRoles.CommitteeMember] = ("村“两委”成员", "a two-committee member"),
    };

    public static TheoryData<string, string> ConflictsAndActs()
    {
        var data = new TheoryData<string, string>();
        foreach (var conflict in new[] { SiyiRoles.PartySecretary, SiyiRoles.VillageChair, SiyiRoles.CommitteeMember })
        {
            foreach (var act in new[] { "endorse", "countersign", "concern", "rehearing", "escalate" })
            {
                data.Add(conflict, act);
            }
        }

        return data;
    }

    // A supervision act at the state it needs, under the Linxian profile (which has the supervision check).
    private static (Harness H, WorkflowCommand Command) SupervisionAct(string act, RuleProfile? profile = null)
    {
        var h = new Harness(profile ?? Repository.LinxianProfile).Start();
        switch (act)
        {
            case "endorse":
                h.AdvanceTo("supervision-check");
                return (h, new CompleteTask("supervision-check", "endorsed"));
            case "countersign":
                h.AdvanceTo(Disclosure);
                return (h, new CountersignDisclosure(Disclosure, "同意公开"));
            case "concern":
                return (h, new RaiseConcern("intake", "议题来源不清"));
            case "rehearing":
                h.AdvanceTo("villager-resolution");
                return (h, new DemandRehearing(PartyStep, "党员大会未通知流动党员"));
            default:
                h.AdvanceTo(Disclosure);
                h.Do(Harness.Supervisor, new CountersignDisclosure(Disclosure));
                h.Do(Harness.Chair, new PublishDisclosure(Disclosure, "决议", ["公开栏"]));
                h.Do(Harness.Villager, new LodgeObjection(Disclosure, "R-1", "补偿不公"));
                h.Do(Harness.Chair, new AnswerObjection(Disclosure, "R-1", "符合标准", ObjectionRuling.Dismissed));
                return (h, new EscalateObjection(Disclosure, "R-1", "答复不充分"));
        }
    }

    [Theory]
    [MemberData(nameof(ConflictsAndActs))]
    public void A_supervision_member_who_holds_a_conflicting_role_in_the_same_village_is_refused_and_told_both_roles(string conflict, string act)
    {
        var (h, command) = SupervisionAct(act);
        var violation = h.Refuse(Dual(conflict), command, "duty.separation");
        Assert.Contains(RoleNames[SiyiRoles.SupervisionMember].Zh, violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains(RoleNames[conflict].Zh, violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains(RoleNames[SiyiRoles.SupervisionMember].En, violation.Message.En, StringComparison.Ordinal);
        Assert.Contains(RoleNames[conflict].En, violation.Message.En, StringComparison.Ordinal);
        Assert.Contains(Harness.Village, violation.Message.Zh, StringComparison.Ordinal);

        // The same person holding the other role in another village acts, in the supervision role.
        var events = h.Do(Dual(conflict, Harness.OtherVillage), command);
        Assert.All(events, e => Assert.Equal(SiyiRoles.SupervisionMember, e.Role));
    }

    [Theory]
    [InlineData("countersign")]
    [InlineData("concern")]
    [InlineData("rehearing")]
    [InlineData("escalate")]
    public void A_profile_that_relaxes_the_separation_lets_a_supervision_and_committee_member_act_but_not_the_chair(string act)
    {
        var relaxed = Relaxed();
        string[] conflicts = [SiyiRoles.PartySecretary, SiyiRoles.VillageChair];
        Assert.Equal(conflicts, relaxed.ConflictsOf(SiyiRoles.SupervisionMember).Order(StringComparer.Ordinal));

        var (h, command) = SupervisionAct(act, relaxed);
        h.Refuse(Dual(SiyiRoles.VillageChair), command, "duty.separation");
        h.Refuse(Dual(SiyiRoles.PartySecretary), command, "duty.separation");
        h.Do(Dual(SiyiRoles.CommitteeMember), command);
    }

    private static RuleProfile Relaxed()
    {
        var json = JsonNode.Parse(Repository.ReadWorkflow(Path.Combine("profiles", "default.profile.json")))!;
        json["separationOfDuties"] = new JsonObject { [SiyiRoles.SupervisionMember] = new JsonArray(SiyiRoles.PartySecretary, SiyiRoles.VillageChair) };
        var (profile, errors) = ProfileCompiler.Compile(json.ToJsonString(), "relaxed.profile.json");
        Assert.Empty(errors);
        return profile!;
    }

    [Fact]
    public void A_forbidden_combination_of_grants_is_found_in_the_same_village_or_an_area_containing_it()
    {
        var profile = Repository.LinxianProfile;
        var found = Authorization.ForbiddenCombination(profile,
            [new RoleGrant(SiyiRoles.VillageChair, Harness.Village), new RoleGrant(SiyiRoles.SupervisionMember, Harness.Village), new RoleGrant(SiyiRoles.CommitteeMember, Harness.Village)]);
        Assert.NotNull(found);
        Assert.Equal(SiyiRoles.SupervisionMember, found.Value.Role);
        Assert.Equal(SiyiRoles.VillageChair, found.Value.Conflict);
        Assert.Equal(Harness.Village, found.Value.Scope);

        var pair = Authorization.ForbiddenCombination(profile, [new RoleGrant(SiyiRoles.SupervisionMember, Harness.Village), new RoleGrant(SiyiRoles.CommitteeMember, Harness.Village)]);
        Assert.Equal((SiyiRoles.SupervisionMember, SiyiRoles.CommitteeMember, Harness.Village), pair);

        // A committee member's grant over the township reaches into the supervision member's village.
        var wide = Authorization.ForbiddenCombination(profile, [new RoleGrant(SiyiRoles.CommitteeMember, Harness.Township), new RoleGrant(SiyiRoles.SupervisionMember, Harness.Village)]);
        Assert.Equal((SiyiRoles.SupervisionMember, SiyiRoles.CommitteeMember, Harness.Village), wide);
    }

    [Fact]
    public void No_forbidden_combination_for_secretary_and_chair_or_for_roles_in_different_villages()
    {
        var profile = Repository.LinxianProfile;
        Assert.Null(Authorization.ForbiddenCombination(profile, [new RoleGrant(SiyiRoles.VillageChair, Harness.Village), new RoleGrant(SiyiRoles.PartySecretary, Harness.Village)]));
        Assert.Null(Authorization.ForbiddenCombination(profile, [new RoleGrant(SiyiRoles.SupervisionMember, Harness.Village), new RoleGrant(SiyiRoles.CommitteeMember, Harness.OtherVillage)]));
        Assert.Null(Authorization.ForbiddenCombination(Relaxed(), [new RoleGrant(SiyiRoles.SupervisionMember, Harness.Village), new RoleGrant(SiyiRoles.CommitteeMember, Harness.Village)]));
    }

    // ---- 3. merged steps (一肩挑) ---------------------------------------------------------------------------

    private static StartProposal MergedStart => new("p-1", Harness.Village, "硬化村内主干道", "方案摘要", "public-welfare", 48_000m, "cadre", null, SecretaryIsChair: true);

    [Fact]
    public void Merging_the_first_two_steps_is_refused_to_a_secretary_who_is_not_also_chair()
    {
        var h = new Harness(Repository.LinxianProfile);
        var violation = h.Refuse(Harness.Secretary, MergedStart, "proposal.merged-steps");
        Assert.Contains("村党组织书记", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains("村委会主任", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Equal(InstanceStatus.NotStarted, h.State.Status);
    }

    [Fact]
    public void Merging_the_first_two_steps_is_refused_to_a_chair_who_is_not_also_secretary()
    {
        var h = new Harness(Repository.LinxianProfile);
        h.Refuse(Harness.Chair, MergedStart, "proposal.merged-steps");
    }

    [Fact]
    public void Merging_is_refused_to_one_holding_both_grants_only_for_another_village_or_the_chair_grant_elsewhere()
    {
        var h = new Harness(Repository.LinxianProfile);
        var elsewhere = new Actor("sc-2", "外村书记兼主任", [new RoleGrant(SiyiRoles.PartySecretary, Harness.OtherVillage), new RoleGrant(SiyiRoles.VillageChair, Harness.OtherVillage)]);
        h.Refuse(elsewhere, MergedStart, "auth.jurisdiction");

        var split = new Actor("sc-3", "本村书记、外村主任", [new RoleGrant(SiyiRoles.PartySecretary, Harness.Village), new RoleGrant(SiyiRoles.VillageChair, Harness.OtherVillage)]);
        h.Refuse(split, MergedStart, "proposal.merged-steps");
    }

    [Fact]
    public void One_person_holding_both_grants_for_the_village_merges_and_the_branch_proposal_is_skipped()
    {
        var h = new Harness(Repository.LinxianProfile);
        h.Do(Harness.SecretaryChair, MergedStart);
        Assert.Contains(RuleProfile.OptionMergeBranchProposal, h.State.Options);
        h.Do(Harness.Secretary, new CompleteTask("intake", "accepted"));
        Assert.Equal("two-committee-deliberation", h.Step);
        Assert.Equal("branch-proposal", h.Last<StepSkipped>().StepId);
        Assert.DoesNotContain(h.All<StepEntered>(), e => e.StepId == "branch-proposal");
    }

    [Fact]
    public void Without_a_secretary_is_chair_claim_a_secretary_starts_and_the_branch_proposes()
    {
        var h = new Harness(Repository.LinxianProfile);
        h.Do(Harness.Secretary, MergedStart with { SecretaryIsChair = false });
        Assert.DoesNotContain(RuleProfile.OptionMergeBranchProposal, h.State.Options);
        h.Do(Harness.Secretary, new CompleteTask("intake", "accepted"));
        Assert.Equal("branch-proposal", h.Step);
    }

    // ---- 4. notice dates ----------------------------------------------------------------------------------

    // Registered on 1 December at 09:00; the party members' step is entered on 5 December at 12:00.
    private static Harness PartyMembersEnteredLater()
    {
        var h = new Harness().Start();
        h.Now = Cst(12, 5, 8);
        h.AdvanceTo(PartyStep);
        Assert.Equal(new DateOnly(2026, 12, 1), ChinaTime.DateOf(h.State.StartedAt));
        Assert.Equal(new DateOnly(2026, 12, 5), ChinaTime.DateOf(h.State.StepEnteredAt));
        return h;
    }

    private static RecordMeeting PartyMeeting(Harness h, DateTimeOffset held, DateTimeOffset? notice) =>
        new(PartyStep, new MeetingRecord("party-members", held, notice, 45, [], 40, 30, 10, 0, "会议记录", "孙干部"));

    [Fact]
    public void A_notice_dated_the_day_before_the_proposal_was_registered_is_refused_as_back_dated()
    {
        var h = AtPartyMembers();
        Assert.Equal(ChinaTime.DateOf(h.State.StartedAt), ChinaTime.DateOf(h.State.StepEnteredAt));
        var held = Cst(12, 4, 14);
        h.Now = held.AddHours(1);
        var violation = h.Refuse(Harness.Secretary, PartyMeeting(h, held, Cst(11, 30, 23, 59)), "meeting.notice-backdated");
        Assert.Contains("2026-11-30", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains("2026-12-01", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains("2026-12-01", violation.Message.En, StringComparison.Ordinal);

        // From 00:00 on the day it was registered (and the step entered), three days' notice is kept on 4 December.
        h.Do(Harness.Secretary, PartyMeeting(h, held, Cst(12, 1)));
        Assert.Equal("villager-resolution", h.Step);
    }

    [Fact]
    public void A_notice_dated_before_the_step_was_entered_is_refused_as_back_dated_by_its_China_date()
    {
        var h = PartyMembersEnteredLater();
        var held = Cst(12, 8, 10);
        h.Now = held.AddHours(1);

        // 15:59 UTC on 4 December is 23:59 on 4 December in China: the day before the step began.
        var lastMinuteBefore = new DateTimeOffset(2026, 12, 4, 15, 59, 0, TimeSpan.Zero);
        var violation = h.Refuse(Harness.Secretary, PartyMeeting(h, held, lastMinuteBefore), "meeting.notice-backdated");
        Assert.Contains("2026-12-04", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains("2026-12-05", violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains("党员大会审议", violation.Message.Zh, StringComparison.Ordinal);
        Assert.DoesNotContain(h.All<MeetingRecorded>(), m => m.StepId == PartyStep);

        // 16:00 UTC on 4 December is 00:00 on 5 December in China: the step's own day, before the hour it began.
        var entryDay = new DateTimeOffset(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);
        Assert.True(entryDay < h.State.StepEnteredAt);
        h.Do(Harness.Secretary, PartyMeeting(h, held, entryDay));
        Assert.Equal(MeetingVerdict.Passed, h.Last<MeetingRecorded>().Verdict);
    }

    [Fact]
    public void A_notice_on_the_steps_own_day_still_has_to_keep_its_period()
    {
        var h = PartyMembersEnteredLater();
        var notice = Cst(12, 5, 0);
        var tooSoon = Cst(12, 7, 23, 59);
        h.Now = tooSoon.AddMinutes(1);
        h.Refuse(Harness.Secretary, PartyMeeting(h, tooSoon, notice), "meeting.notice-period");
        h.Do(Harness.Secretary, PartyMeeting(h, Cst(12, 8, 0), notice));
    }

    [Fact]
    public void A_notice_later_than_now_is_refused()
    {
        var h = PartyMembersEnteredLater();
        var held = Cst(12, 8, 10);
        h.Now = Cst(12, 8, 11);
        var violation = h.Refuse(Harness.Secretary, PartyMeeting(h, held, h.Now.AddMinutes(1)), "meeting.notice-future");
        Assert.Contains(ChinaTime.Display(h.Now.AddMinutes(1)), violation.Message.Zh, StringComparison.Ordinal);
        Assert.DoesNotContain(h.All<MeetingRecorded>(), m => m.StepId == PartyStep);
    }

    [Fact]
    public void A_notice_after_the_meeting_but_not_in_the_future_is_refused()
    {
        var h = PartyMembersEnteredLater();
        var held = Cst(12, 8, 10);
        h.Now = Cst(12, 8, 12);
        var violation = h.Refuse(Harness.Secretary, PartyMeeting(h, held, held.AddMinutes(1)), "meeting.notice-order");
        Assert.Contains(ChinaTime.Display(held), violation.Message.Zh, StringComparison.Ordinal);
        Assert.DoesNotContain(h.All<MeetingRecorded>(), m => m.StepId == PartyStep);
    }

    // A meeting that needs no notice may still carry one; dated exactly now and at the meeting's own minute it is
    // accepted, a minute later it is refused.
    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(1, 0, "meeting.notice-future")]
    [InlineData(0, 1, "meeting.notice-order")]
    public void A_notice_given_to_a_meeting_without_a_notice_period_is_checked_to_the_minute(int minutesAfterNow, int minutesAfterMeeting, string? rule)
    {
        var h = new Harness().Start().AdvanceTo("two-committee-deliberation");
        var now = h.Now.AddHours(2);
        h.Now = now;
        var held = minutesAfterMeeting > 0 ? now.AddHours(-1) : now;
        var notice = minutesAfterMeeting > 0 ? held.AddMinutes(minutesAfterMeeting) : now.AddMinutes(minutesAfterNow);
        var command = new RecordMeeting("two-committee-deliberation", new MeetingRecord("two-committee", held, notice, 9, [], 9, 9, 0, 0, "会议记录"));
        if (rule is null)
        {
            h.Do(Harness.Secretary, command);
            Assert.Equal(MeetingVerdict.Passed, h.Last<MeetingRecorded>().Verdict);
        }
        else
        {
            h.Refuse(Harness.Secretary, command, rule);
        }
    }

    // ---- 6. the window for taking a dismissed objection to the township -----------------------------------

    // Posted on 7 December (closable from 15 December); R-1 is dismissed at 23:30 on 12 December, so it may be
    // taken to the township until 00:00 on 18 December (five days: 13-17 December).
    private static readonly DateTimeOffset AnsweredAt = Cst(12, 12, 23, 30);
    private static readonly DateTimeOffset WindowEnds = Cst(12, 18);

    private static Harness Dismissed(params string[] more)
    {
        var h = new Harness().Start().AdvanceTo(Disclosure);
        h.Do(Harness.Supervisor, new CountersignDisclosure(Disclosure));
        h.Do(Harness.Chair, new PublishDisclosure(Disclosure, "决议", ["公开栏"]));
        Assert.Equal(Cst(12, 15), h.State.Disclosure.ClosableFrom);
        foreach (var id in more.Prepend("R-1"))
        {
            h.Do(Harness.Villager, new LodgeObjection(Disclosure, id, "补偿不公"));
        }

        h.Now = AnsweredAt;
        h.Do(Harness.Chair, new AnswerObjection(Disclosure, "R-1", "符合县定标准", ObjectionRuling.Dismissed));
        return h;
    }

    [Fact]
    public void The_escalation_window_runs_the_profiles_days_after_the_answers_day_in_China()
    {
        Assert.Equal(5, Repository.DefaultProfile.ObjectionEscalationDays);
        Assert.Equal(WindowEnds, ChinaTime.PeriodEnd(AnsweredAt, Repository.DefaultProfile.ObjectionEscalationDays));
        Assert.Equal(AnsweredAt, Dismissed().State.Disclosure.Objections["R-1"].AnsweredAt);
    }

    public static TheoryData<string> Escalators() => ["villager", "another villager", "supervisor"];

    private static Actor Escalator(string who) => who switch
    {
        "villager" => Harness.Villager,
        "another villager" => Actor.Villager("villager-2"),
        _ => Harness.Supervisor,
    };

    [Theory]
    [MemberData(nameof(Escalators))]
    public void A_dismissed_objection_may_be_taken_to_the_township_until_a_minute_before_the_window_ends(string who)
    {
        var h = Dismissed();
        h.Now = WindowEnds.AddMinutes(-1);
        h.Do(Escalator(who), new EscalateObjection(Disclosure, "R-1", "答复与事实不符"));
        Assert.Equal(ObjectionStatus.Escalated, h.State.Disclosure.Objections["R-1"].Status);
        Assert.False(h.Last<ObjectionEscalated>().ByDeadline);
    }

    [Theory]
    [MemberData(nameof(Escalators))]
    public void A_dismissed_objection_cannot_be_taken_to_the_township_once_the_window_has_ended(string who)
    {
        var h = Dismissed();
        h.Now = WindowEnds;
        var violation = h.Refuse(Escalator(who), new EscalateObjection(Disclosure, "R-1", "答复与事实不符"), "objection.escalation-window");
        Assert.Contains(ChinaTime.Display(WindowEnds), violation.Message.Zh, StringComparison.Ordinal);
        Assert.Contains("R-1", violation.Message.En, StringComparison.Ordinal);
        Assert.Contains("5", violation.Message.En, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disclosure_with_a_dismissed_objection_stays_open_until_the_escalation_window_ends()
    {
        var h = Dismissed();
        h.Now = h.State.Disclosure.ClosableFrom!.Value;
        var violation = h.Refuse(Harness.Chair, new CloseDisclosure(Disclosure), "disclosure.escalation-window");
        Assert.Contains(ChinaTime.Display(WindowEnds), violation.Message.Zh, StringComparison.Ordinal);
        h.Now = WindowEnds.AddMinutes(-1);
        h.Refuse(Harness.Chair, new CloseDisclosure(Disclosure), "disclosure.escalation-window");
        h.Now = WindowEnds;
        h.Do(Harness.Chair, new CloseDisclosure(Disclosure));
        Assert.Equal("implementation", h.Step);
    }

    [Fact]
    public void The_last_dismissed_objections_window_decides_when_the_disclosure_may_close()
    {
        var h = Dismissed("R-2");
        h.Now = Cst(12, 13, 0, 10);
        h.Do(Harness.Chair, new AnswerObjection(Disclosure, "R-2", "已解释", ObjectionRuling.Dismissed));
        var lastWindowEnds = Cst(12, 19);
        h.Now = lastWindowEnds.AddMinutes(-1);
        var violation = h.Refuse(Harness.Chair, new CloseDisclosure(Disclosure), "disclosure.escalation-window");
        Assert.Contains(ChinaTime.Display(lastWindowEnds), violation.Message.Zh, StringComparison.Ordinal);
        h.Now = lastWindowEnds;
        h.Do(Harness.Chair, new CloseDisclosure(Disclosure));
    }

    [Fact]
    public void An_objection_the_township_has_ruled_on_no_longer_holds_the_disclosure_open()
    {
        var h = Dismissed();
        h.Now = Cst(12, 13, 9);
        h.Do(Harness.Villager, new EscalateObjection(Disclosure, "R-1", "不服"));
        h.Now = Cst(12, 14, 9);
        h.Refuse(Harness.Chair, new CloseDisclosure(Disclosure), "disclosure.minimum-period");
        h.Do(Harness.Reviewer, new RuleOnObjection(Disclosure, "R-1", ObjectionRuling.Dismissed, "补偿符合标准"));
        h.Now = h.State.Disclosure.ClosableFrom!.Value;
        h.Do(Harness.Chair, new CloseDisclosure(Disclosure));
        Assert.Equal("implementation", h.Step);
    }
}
