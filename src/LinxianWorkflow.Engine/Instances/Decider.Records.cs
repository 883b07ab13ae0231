using System.Globalization;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Instances;

// Records that do not move the proposal: a concern (the supervision committee's, a mediator's report that a dispute may
// turn violent), an attached document, an entry of a task step.
internal sealed partial class Decider
{
    private RuleViolation? RaiseConcern(RaiseConcern c)
    {
        if (definition.Concern is not { } concern)
        {
            return Text.Violation("concern.none", "ConcernNone", definition.Name);
        }

        var refused = Authorize(concern.Roles) ?? KnownStep(c.StepId) ?? Required(c.Text, Limits.Note, "concern");
        if (refused is not null)
        {
            return refused;
        }

        Emit(new ConcernRaised("concern-" + (State.Concerns + 1).ToString(CultureInfo.InvariantCulture), c.StepId, c.Text));
        return null;
    }

    private RuleViolation? AttachDocument(AttachDocument c)
    {
        var refused = Authorize(definition.VillageRoles) ?? KnownStep(c.StepId) ?? Required(c.FileName, Limits.Name, "fileName");
        if (refused is not null)
        {
            return refused;
        }

        if (c.Sha256 is not { Length: 64 } || !c.Sha256.All(char.IsAsciiHexDigitLower))
        {
            return Text.Violation("attachment.hash", "AttachmentHash");
        }

        if (!Limits.AttachmentTypes.Contains(c.MediaType))
        {
            return Text.Violation("attachment.type", "AttachmentType", c.MediaType, string.Join(", ", Limits.AttachmentTypes));
        }

        if (c.SizeBytes is <= 0 or > Limits.AttachmentBytes)
        {
            return Text.Violation("attachment.size", "AttachmentSize", c.SizeBytes, Limits.AttachmentBytes);
        }

        if (c.Description is { Length: > Limits.Note })
        {
            return Text.Violation("input.too-long", "InputTooLong", Text.Get("Field.description"), Limits.Note, c.Description.Length);
        }

        Emit(new DocumentAttached(c.StepId, c.Sha256, c.FileName.Trim(), c.MediaType, c.SizeBytes, c.Description));
        return null;
    }

    private RuleViolation? KnownStep(string? stepId) =>
        stepId is not null && definition.StepsById.ContainsKey(stepId) ? null : Text.Violation("step.unknown", "StepUnknown", stepId ?? "");

    private RuleViolation? RecordEntry(StepDefinition step, RecordEntry c)
    {
        if (!step.Entries.TryGetValue(c.Entry ?? "", out var entry))
        {
            return Text.Violation("entry.unknown", "EntryUnknown", step.Name, c.Entry ?? "", string.Join(", ", step.Entries.Keys.Order(StringComparer.Ordinal)));
        }

        var refused = Authorize(entry.Roles.Count > 0 ? entry.Roles : step.Roles) ?? OpenDemandBlocks();
        if (refused is not null)
        {
            return refused;
        }

        var (values, invalid) = FormCheck.Check(entry.Form, null, c.Form, State.FormValues);
        if (invalid is not null)
        {
            return invalid;
        }

        PendingTimer[] moved = [];
        DateTimeOffset newDue = default;
        if (entry.Extends is { } extends)
        {
            moved = [.. State.Timers.Values.Where(t => TimerDefinitionOf(t)?.Id == extends).OrderBy(t => t.TimerId, StringComparer.Ordinal)];
            var deadline = moved.FirstOrDefault(t => t.Purpose == TimerPurpose.Deadline);
            if (deadline is null)
            {
                return Text.Violation("entry.nothing-to-extend", "EntryNothingToExtend", entry.Name);
            }

            newDue = ChinaTime.StartOf(FormCheck.DateOf(values![entry.UntilField!])!.Value.AddDays(1));
            if (newDue <= deadline.DueAt)
            {
                return Text.Violation("entry.extends-earlier", "EntryExtendsEarlier", entry.Name, ChinaTime.Display(deadline.DueAt));
            }
        }

        Emit(new EntryRecorded(step.Id, State.Visit, entry.Id, values!));
        if (moved.FirstOrDefault(t => t.Purpose == TimerPurpose.Deadline) is { } old)
        {
            foreach (var timer in moved)
            {
                Emit(new TimerCancelled(timer.TimerId));
            }

            // A new id for the moved deadline (and its reminder): ids are never reused, so a job queued for the old one
            // finds nothing to fire.
            var definitionOf = TimerDefinitionOf(old)!;
            var id = $"{BaseTimerId(old)}.x{State.EntriesTotal[entry.Id].ToString(CultureInfo.InvariantCulture)}";
            if (definitionOf.ReminderBefore is { } reminder && newDue.AddDays(-reminder.Days) > now)
            {
                Emit(new TimerScheduled(id + ".reminder", old.StepId, old.Visit, TimerPurpose.Reminder, TimerExpiry.None, newDue.AddDays(-reminder.Days), null));
            }

            Emit(new TimerScheduled(id, old.StepId, old.Visit, TimerPurpose.Deadline, old.OnExpiry, newDue, null));
        }

        return null;
    }

    private TimerDefinition? TimerDefinitionOf(PendingTimer timer) => DeclaredTimer(definition, timer);

    /// <summary>True when a deadline scheduled from the declared timer <paramref name="timerId"/> is pending (an extension has something to move).</summary>
    internal static bool DeadlineRunning(WorkflowDefinition definition, InstanceState state, string timerId) =>
        state.Timers.Values.Any(t => t.Purpose == TimerPurpose.Deadline && DeclaredTimer(definition, t)?.Id == timerId);

    // The declared timer a pending one was scheduled from: its id is "{step}.{visit}.{timer}" with suffixes after.
    private static TimerDefinition? DeclaredTimer(WorkflowDefinition definition, PendingTimer timer)
    {
        if (!definition.StepsById.TryGetValue(timer.StepId, out var step))
        {
            return null;
        }

        var prefix = $"{timer.StepId}.{timer.Visit.ToString(CultureInfo.InvariantCulture)}.";
        return step.Timers.FirstOrDefault(t => timer.TimerId.StartsWith(prefix + t.Id, StringComparison.Ordinal)
            && (timer.TimerId.Length == prefix.Length + t.Id.Length || timer.TimerId[prefix.Length + t.Id.Length] == '.'));
    }

    // The declared timer's own id, without the reminder's suffix nor an earlier extension's (".x1"), so that a second
    // extension is ".x2", not ".x1.x2".
    private static string BaseTimerId(PendingTimer timer)
    {
        var id = timer.TimerId.EndsWith(".reminder", StringComparison.Ordinal) ? timer.TimerId[..^".reminder".Length] : timer.TimerId;
        var dot = id.LastIndexOf(".x", StringComparison.Ordinal);
        return dot > 0 && id.Length > dot + 2 && id[(dot + 2)..].All(char.IsAsciiDigit) ? id[..dot] : id;
    }
}
