using System.Globalization;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Instances;

// Task, review, meeting and progress steps.
internal sealed partial class Decider
{
    private RuleViolation? CompleteTask(StepDefinition step, CompleteTask c)
    {
        var refused = Authorize(step.Roles) ?? OpenDemandBlocks();
        if (refused is not null)
        {
            return refused;
        }

        if (step.OutcomeOrNull(c.Outcome) is not { } outcome)
        {
            return Text.Violation("task.outcome", "TaskOutcome", step.Name, c.Outcome, string.Join(", ", step.Outcomes.Keys));
        }

        var invalid = outcome.RequiresReason ? Required(c.Note, Limits.Note, "reason") : OptionalNote(c.Note);
        if (invalid is not null)
        {
            return invalid;
        }

        if (outcome.Within is { } within && now >= profile.PeriodEnd(State.StepEnteredAt, within))
        {
            return Text.Violation("task.window-closed", "TaskWindowClosed", step.Name, c.Outcome, within.DaysUnder(profile),
                ChinaTime.Display(profile.PeriodEnd(State.StepEnteredAt, within)));
        }

        if (outcome.EntriesRequired.FirstOrDefault(e => State.EntriesThisVisit.GetValueOrDefault(e) == 0) is { } missing)
        {
            return Text.Violation("task.entry-required", "TaskEntryRequired", step.Name, c.Outcome, step.Entries[missing].Name);
        }

        var (form, badForm) = FormCheck.Check(step.Form, outcome.Name, c.Form, State.FormValues);
        if (badForm is not null)
        {
            return badForm;
        }

        if (outcome.Unless == Guards.MandatoryAgenda && OpenActions.MandatoryAgendaMet(profile, State.Start!) is { } met)
        {
            var backing = State.Start!.Backing!;
            return Text.Violation("intake.mandatory-agenda", "MandatoryAgenda", Text.Get("Group." + backing.Group),
                backing.Supporters, backing.GroupSize, met.AtLeast.ToString(), step.Name);
        }

        Emit(new TaskCompleted(step.Id, State.Visit, outcome.Name, c.Note, form!.Count == 0 ? null : form));
        Leave(step, outcome.Name, outcome.To);
        return null;
    }

    private RuleViolation? Review(StepDefinition step, ReviewStep c)
    {
        var refused = Authorize(step.Roles) ?? OpenDemandBlocks()
            ?? (c.Decision == ReviewDecision.Approve ? OptionalNote(c.Reasons) : Required(c.Reasons, Limits.Note, "reason"));
        if (refused is not null)
        {
            return refused;
        }

        Emit(new StepReviewed(step.Id, State.Visit, c.Decision, c.Reasons));
        var outcome = step.Outcomes[c.Decision switch
        {
            ReviewDecision.Approve => "approved",
            ReviewDecision.Return => "returned",
            _ => "rejected",
        }];
        Leave(step, outcome.Name, outcome.To);
        return null;
    }

    private RuleViolation? RecordMeeting(StepDefinition step, RecordMeeting c)
    {
        var record = c.Record;
        var refused = Authorize(step.Roles) ?? OpenDemandBlocks();
        if (refused is not null)
        {
            return refused;
        }

        if (!step.MeetingKinds.Contains(record.MeetingKind))
        {
            return Text.Violation("meeting.kind", "MeetingKind", step.Name, record.MeetingKind,
                string.Join(", ", step.MeetingKinds));
        }

        var rule = profile.MeetingRuleFor(record.MeetingKind, State.Start!.Category);
        var emergency = false;
        var invalid = CheckRecord(rule, record) ?? CheckDates(step, rule, record, out emergency);
        if (invalid is not null)
        {
            return invalid;
        }

        var judgement = MeetingJudge.Judge(rule, record);
        Emit(new MeetingRecorded(step.Id, State.Visit, State.MeetingAttempts + 1, record, judgement.Due, judgement.Verdict,
            judgement.QuorumRequired, rule.Pass.Base, judgement.PassRequired, emergency));
        switch (judgement.Verdict)
        {
            case MeetingVerdict.Passed:
                Leave(step, "passed", step.Outcomes["passed"].To);
                break;
            case MeetingVerdict.Failed:
                var failures = State.FailedVotes.GetValueOrDefault(step.Id);
                var to = step.RepeatedFailure is { } repeated && failures >= repeated.Count
                    ? repeated.To
                    : step.Outcomes["failed"].To;
                Leave(step, "failed", to);
                break;
            default:
                // No quorum: not a meeting. The attempt stays in the history and the step stays open.
                break;
        }

        return null;
    }

    private static RuleViolation? CheckRecord(MeetingRule rule, MeetingRecord record)
    {
        if (record.Members < 1 || record.Exclusions.Count >= record.Members)
        {
            return Text.Violation("meeting.members", "MeetingMembers", rule.Name, record.Members, record.Exclusions.Count);
        }

        // Each exclusion names a distinct member: a repeated name (however spaced) cannot lower "due".
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var exclusion in record.Exclusions)
        {
            if (Required(exclusion.Member, Limits.Name, "member") is { } bad)
            {
                return bad;
            }

            var name = NormalizedName(exclusion.Member);
            if (name.Length == 0)
            {
                return Required("", Limits.Name, "member"); // only invisible characters: no name
            }

            if (!excluded.Add(name))
            {
                return Text.Violation("meeting.exclusion-duplicate", "MeetingExclusionDuplicate", rule.Name, exclusion.Member.Trim());
            }

            if (!rule.ExclusionReasons.Contains(exclusion.Reason))
            {
                return rule.ExclusionReasons.Count == 0
                    ? Text.Violation("meeting.exclusion", "MeetingNoExclusions", rule.Name)
                    : Text.Violation("meeting.exclusion", "MeetingExclusionReason", rule.Name, exclusion.Member, exclusion.Reason,
                        string.Join(", ", rule.ExclusionReasons.Order()));
            }
        }

        var due = record.Members - record.Exclusions.Count;
        if (record.Present < 0 || record.Present > due)
        {
            return Text.Violation("meeting.present", "MeetingPresent", due, record.Present);
        }

        if (record.Yes < 0 || record.No < 0 || record.Abstain < 0 || record.Yes + record.No + record.Abstain > record.Present)
        {
            return Text.Violation("meeting.votes", "MeetingVotes", record.Present, record.Yes, record.No, record.Abstain);
        }

        if (rule.TownshipAttendeeRequired && string.IsNullOrWhiteSpace(record.TownshipAttendee))
        {
            return Text.Violation("meeting.township-attendee", "MeetingTownshipAttendee", rule.Name);
        }

        return Required(record.Minutes, Limits.Document, "minutes")
            ?? (record.TownshipAttendee is { Length: > Limits.Name } ? Required(record.TownshipAttendee, Limits.Name, "townshipAttendee") : null);
    }

    private RuleViolation? CheckDates(StepDefinition step, MeetingRule rule, MeetingRecord record, out bool emergency)
    {
        emergency = false;
        if (record.HeldAt > now)
        {
            return Text.Violation("meeting.future", "MeetingInFuture", ChinaTime.Display(record.HeldAt));
        }

        if (record.ImplementationDueBy is { } dueBy && dueBy <= ChinaTime.DateOf(record.HeldAt))
        {
            return Text.Violation("meeting.implementation-date", "MeetingImplementationDate",
                dueBy.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ChinaTime.DateOf(record.HeldAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (record.HeldAt < State.StepEnteredAt)
        {
            return Text.Violation("meeting.sequence", "MeetingBeforeStep", step.Name, ChinaTime.Display(State.StepEnteredAt),
                ChinaTime.Display(record.HeldAt));
        }

        if (record.NoticeGivenAt is { } given && CheckNoticeDate(step, record, given) is { } badNotice)
        {
            return badNotice;
        }

        if (rule.NoticeDays == 0)
        {
            return null;
        }

        if (record.NoticeGivenAt is not { } notice)
        {
            return Text.Violation("meeting.notice-missing", "MeetingNoticeMissing", rule.Name, rule.NoticeDays);
        }

        var noticeDate = ChinaTime.DateOf(notice);
        var heldDate = ChinaTime.DateOf(record.HeldAt);
        if (ChinaTime.KeepsNotice(noticeDate, heldDate, rule.NoticeDays))
        {
            return null;
        }

        if (profile.Options.EmergencyNotice && !string.IsNullOrWhiteSpace(record.EmergencyReason))
        {
            emergency = true;
            return Required(record.EmergencyReason, Limits.Note, "reason");
        }

        return Text.Violation("meeting.notice-period", "MeetingNoticePeriod", rule.Name, rule.NoticeDays,
            noticeDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            noticeDate.AddDays(rule.NoticeDays).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            heldDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    // A notice is dated no later than its meeting nor than now, and (by its China date) not before the proposal was
    // registered nor before the step it gives notice for was entered: a period cannot be met by back-dating.
    private RuleViolation? CheckNoticeDate(StepDefinition step, MeetingRecord record, DateTimeOffset notice)
    {
        if (notice > now)
        {
            return Text.Violation("meeting.notice-future", "MeetingNoticeInFuture", ChinaTime.Display(notice));
        }

        if (notice > record.HeldAt)
        {
            return Text.Violation("meeting.notice-order", "MeetingNoticeAfterMeeting", ChinaTime.Display(notice), ChinaTime.Display(record.HeldAt));
        }

        var noticeDate = ChinaTime.DateOf(notice);
        if (noticeDate < ChinaTime.DateOf(State.StartedAt))
        {
            return Text.Violation("meeting.notice-backdated", "MeetingNoticeBeforeProposal", Day(noticeDate), Day(ChinaTime.DateOf(State.StartedAt)));
        }

        return noticeDate < ChinaTime.DateOf(State.StepEnteredAt)
            ? Text.Violation("meeting.notice-backdated", "MeetingNoticeBeforeStep", Day(noticeDate), step.Name, Day(ChinaTime.DateOf(State.StepEnteredAt)))
            : null;
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // Names compared as a clerk would write them: white space (full-width too) and invisible formatting characters
    // (zero-width space, BOM, soft hyphen) ignored, compatibility forms folded (Ａ = A).
    private static string NormalizedName(string name) =>
        string.Concat(name.Normalize(System.Text.NormalizationForm.FormKC)
            .Where(ch => !char.IsWhiteSpace(ch) && CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.Format));

    private RuleViolation? ReportProgress(StepDefinition step, ReportProgress c)
    {
        var refused = Authorize(step.Roles)
            ?? (OpenActions.Stages.Contains(c.Stage) ? null : Text.Violation("progress.stage", "ProgressStage", c.Stage))
            ?? Required(c.Summary, Limits.Document, "summary")
            ?? (c.CostYuan is { } cost ? Amount(cost) : null);
        if (refused is not null)
        {
            return refused;
        }

        Emit(new ProgressReported(step.Id, State.Visit, c.Stage, c.Summary, c.CostYuan, c.Disclose));
        return null;
    }

    private RuleViolation? CompleteImplementation(StepDefinition step, CompleteImplementation c)
    {
        var refused = Authorize(step.Roles) ?? OpenDemandBlocks()
            ?? (State.ProgressReports == 0 ? Text.Violation("progress.no-report", "ProgressNoReport", step.Name) : null)
            ?? Required(c.Summary, Limits.Document, "summary")
            ?? Amount(c.TotalCostYuan);
        if (refused is not null)
        {
            return refused;
        }

        Emit(new ImplementationCompleted(step.Id, State.Visit, c.Summary, c.TotalCostYuan));
        Leave(step, "completed", step.Outcomes["completed"].To);
        return null;
    }

    private static RuleViolation? OptionalNote(string? note) =>
        note is { Length: > Limits.Note } ? Required(note, Limits.Note, "note") : null;
}
