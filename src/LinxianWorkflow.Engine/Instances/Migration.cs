using System.Collections.Frozen;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Instances;

/// <summary>
/// What moving one running instance to another version of its definition (and profile) would do, or did: the step it
/// lands on, the timers cancelled and created, and every reason it may not move. When <see cref="Problems"/> is empty,
/// <see cref="Events"/> are the records to append (the <see cref="InstanceMigrated"/> record first) and
/// <see cref="State"/> the state after them; otherwise both are empty and the instance stays as it is.
/// </summary>
public sealed record MigrationPlan(
    string ProposalId,
    string From,
    string To,
    string FromStep,
    string? ToStep,
    IReadOnlyList<PendingTimer> TimersCancelled,
    IReadOnlyList<TimerScheduled> TimersCreated,
    IReadOnlyList<RuleViolation> Problems,
    IReadOnlyList<RecordedEvent> Events,
    InstanceState State)
{
    /// <summary>True when the instance may move (the plan has no problem).</summary>
    public bool Allowed => Problems.Count == 0;
}

/// <summary>
/// Moves running instances between versions of one definition with an explicit step mapping, the way a migration plan
/// does (Camunda's), never by swapping the graph under them: every step the instance's records name must have a place
/// in the new version (the same id, or the one the mapping gives), the current step must land on a step of the same
/// kind, and the profile must still know the proposal's category and the meetings already held. Timers are rebuilt
/// as if the step had been entered under the new version at the instant it really was entered, so a deadline keeps
/// its anchor; a timer already past in the new version fires at the next sweep, unless the step was already escalated. A disclosure under way (published, its
/// period or objections running) and an open rehearing demand are refused: they move after they close.
/// </summary>
public static class Migration
{
    /// <summary>The dry run and the migration alike: nothing is stored; the caller appends <see cref="MigrationPlan.Events"/> when allowed.</summary>
    /// <param name="from">The definition the instance runs on now.</param>
    /// <param name="fromProfile">The profile it runs on now.</param>
    /// <param name="to">The version to move to (the same definition id).</param>
    /// <param name="toProfile">The profile version to move to (the same profile id).</param>
    /// <param name="state">The instance's state.</param>
    /// <param name="mapping">Old step id → new step id, for steps renamed or replaced; a step not named keeps its id.</param>
    /// <param name="actor">Who migrates (recorded; the service checks who may).</param>
    /// <param name="reason">Why, in words (the notice of the new rules, a county's decision).</param>
    /// <param name="now">The instant of the migration.</param>
    public static MigrationPlan Plan(
        WorkflowDefinition from, RuleProfile fromProfile, WorkflowDefinition to, RuleProfile toProfile,
        InstanceState state, IReadOnlyDictionary<string, string> mapping, Actor actor, string reason, DateTimeOffset now)
    {
        var start = state.Start ?? throw new ArgumentException("The instance has not started.", nameof(state));
        var problems = new List<RuleViolation>();
        var current = state.CurrentStep ?? "";
        string Map(string step) => mapping.TryGetValue(step, out var target) ? target : step;

        if (from.Id != to.Id || fromProfile.Id != toProfile.Id || toProfile.Workflow != to.Id)
        {
            problems.Add(Text.Violation("migration.other-definition", "MigrationOtherDefinition", from.Key, to.Key, fromProfile.Key, toProfile.Key));
        }

        if (from.Version == to.Version && fromProfile.Version == toProfile.Version)
        {
            problems.Add(Text.Violation("migration.same-version", "MigrationSameVersion", from.Key, fromProfile.Key));
        }

        if (state.Status != InstanceStatus.Running)
        {
            problems.Add(Text.Violation("migration.ended", "MigrationEnded", start.ProposalId));
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > Limits.Note)
        {
            problems.Add(Text.Violation("migration.reason", "MigrationReason", Limits.Note));
        }

        if (to.Version < from.Version || toProfile.Version < fromProfile.Version)
        {
            problems.Add(Text.Violation("migration.downgrade", "MigrationDowngrade", from.Key, to.Key, fromProfile.Key, toProfile.Key));
        }

        foreach (var (old, target) in mapping.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!from.StepsById.ContainsKey(old))
            {
                problems.Add(Text.Violation("migration.mapping", "MigrationMappingFrom", old, from.Key));
            }

            if (!to.StepsById.ContainsKey(target))
            {
                problems.Add(Text.Violation("migration.mapping", "MigrationMappingTo", old, target, to.Key));
            }
        }

        // Where the instance lands: a step of the same kind in the new version.
        string? landing = null;
        if (state.Status == InstanceStatus.Running && from.StepsById.TryGetValue(current, out var here))
        {
            if (!to.StepsById.TryGetValue(Map(current), out var there))
            {
                problems.Add(Text.Violation("migration.current-step", "MigrationCurrentStep", here.Id, to.Key));
            }
            else if (there.Kind != here.Kind)
            {
                problems.Add(Text.Violation("migration.step-kind", "MigrationStepKind", here.Id, Projection(here.Kind), there.Id, Projection(there.Kind)));
            }
            else if (there.Kind == StepKind.Meeting && !here.MeetingKinds.All(there.MeetingKinds.Contains))
            {
                problems.Add(Text.Violation("migration.meeting-kinds", "MigrationMeetingKinds", here.Id, there.Id, string.Join(", ", here.MeetingKinds.Except(there.MeetingKinds))));
            }
            else
            {
                landing = there.Id;
            }
        }

        // Every step the records name keeps a place of the same kind, one to one (two steps merged into one would merge
        // their records); every meeting already held keeps its rules; the category stays known.
        var named = state.PassedMeetings.Concat(state.FailedVotes.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var recorded in named)
        {
            if (!to.StepsById.TryGetValue(Map(recorded), out var place))
            {
                problems.Add(Text.Violation("migration.record-step", "MigrationRecordStep", recorded, to.Key));
            }
            else if (place.Kind != StepKind.Meeting)
            {
                problems.Add(Text.Violation("migration.step-kind", "MigrationRecordKind", recorded, place.Id, Projection(place.Kind)));
            }
        }

        foreach (var merged in named.Append(current).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)
            .GroupBy(Map, StringComparer.Ordinal).Where(g => g.Count() > 1).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            problems.Add(Text.Violation("migration.mapping-merge", "MigrationMappingMerge", string.Join("、", merged.Order(StringComparer.Ordinal)), merged.Key));
        }

        foreach (var kind in state.LastRoster.Keys.Order(StringComparer.Ordinal).Where(k => !toProfile.Meetings.ContainsKey(k)))
        {
            problems.Add(Text.Violation("migration.meeting-rules", "MigrationMeetingRules", kind, toProfile.Key));
        }

        if (!toProfile.Categories.ContainsKey(start.Category))
        {
            problems.Add(Text.Violation("migration.category", "MigrationCategory", start.Category, toProfile.Key));
        }

        if (state.Disclosure.PublishedAt is not null)
        {
            problems.Add(Text.Violation("migration.disclosure-open", "MigrationDisclosureOpen", current));
        }

        if (state.OpenDemand is not null)
        {
            problems.Add(Text.Violation("migration.rehearing-open", "MigrationRehearingOpen", state.OpenDemand.DemandId));
        }

        if (problems.Count > 0 || landing is null)
        {
            return new MigrationPlan(start.ProposalId, Key(from, fromProfile), Key(to, toProfile), current, landing, [], [], problems, [], state);
        }

        var cancelled = state.Timers.Values.OrderBy(t => t.TimerId, StringComparer.Ordinal).ToList();

        // The records: the migration itself, every pending timer cancelled, the landing step's timers anew.
        var events = new List<RecordedEvent>();
        var next = state;
        void Emit(WorkflowEvent e)
        {
            events.Add(new RecordedEvent(next.Version + 1, now, actor.Id, actor.Name, Roles.Administrator, actor.OnBehalfOf, e));
            next = next.Apply(e, now);
        }

        var kept = mapping.Where(m => m.Key != m.Value).ToFrozenDictionary(StringComparer.Ordinal);
        Emit(new InstanceMigrated(from.Id, from.Version, to.Version, fromProfile.Id, fromProfile.Version, toProfile.Version, current, landing, kept, reason.Trim()));
        foreach (var timer in cancelled)
        {
            Emit(new TimerCancelled(timer.TimerId));
        }

        // Timer ids carry the migration's number: a second migration never reuses the id of a timer row the first made.
        // A step already escalated (overdue) is not reminded or escalated again: the township already has it.
        var created = new List<TimerScheduled>();
        var step = to.Step(landing);
        var entered = state.StepEnteredAt;
        var suffix = $".m{state.Migrations + 1}";
        foreach (var timer in step.Timers.Where(t => t.Anchor == TimerAnchor.StepEntered))
        {
            var purpose = timer.Kind == TimerKind.MinimumPeriod ? TimerPurpose.PeriodEnd : TimerPurpose.Deadline;
            if (purpose == TimerPurpose.Deadline && state.Overdue)
            {
                continue;
            }

            var due = toProfile.PeriodEnd(entered, timer.Duration);
            var id = $"{step.Id}.{state.Visit}.{timer.Id}{suffix}";
            var provisional = toProfile.IsProvisional(entered, timer.Duration);
            if (timer.ReminderBefore is { } reminder && due.AddDays(-reminder.Days) > now)
            {
                created.Add(new TimerScheduled(id + ".reminder", step.Id, state.Visit, TimerPurpose.Reminder, TimerExpiry.None, due.AddDays(-reminder.Days), null, provisional));
            }

            created.Add(new TimerScheduled(id, step.Id, state.Visit, purpose, timer.OnExpiry, due, null, provisional));
        }

        // The resolution's own implementation date carries over to a progress step, as on entry (unless already escalated).
        if (step.Kind == StepKind.Progress && state.ImplementationDueBy is { } dueBy && !state.Overdue)
        {
            var due = ChinaTime.StartOf(dueBy.AddDays(1));
            var id = $"{step.Id}.{state.Visit}.resolution-deadline{suffix}";
            if (due.AddDays(-3) > now)
            {
                created.Add(new TimerScheduled(id + ".reminder", step.Id, state.Visit, TimerPurpose.Reminder, TimerExpiry.None, due.AddDays(-3), null));
            }

            created.Add(new TimerScheduled(id, step.Id, state.Visit, TimerPurpose.Deadline, TimerExpiry.Escalate, due, null));
        }

        foreach (var timer in created)
        {
            Emit(timer);
        }

        return new MigrationPlan(start.ProposalId, Key(from, fromProfile), Key(to, toProfile), current, landing, cancelled, created, [], events, next);
    }

    private static string Key(WorkflowDefinition definition, RuleProfile profile) => $"{definition.Key} / {profile.Key}";

    private static string Projection(StepKind kind) => kind.ToString().ToLowerInvariant();
}
