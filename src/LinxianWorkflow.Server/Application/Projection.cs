using System.Text.Json;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Server.Notifications;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Application;

/// <summary>
/// Turns an accepted decision into the rows written with its events: the read row, the open tasks (who may
/// act on what, due and reminder dates), timer rows, public disclosures and outbox messages.
/// </summary>
public static class Projection
{
    public static Commit Build(
        WorkflowDefinition definition, RuleProfile profile, InstanceState before, Decision decision, IReadOnlyList<StoredEvent> stored,
        Actor actor, DateTimeOffset now, IdempotencyRow? idempotency)
    {
        var state = decision.State;
        var start = state.Start!;
        var id = start.ProposalId;
        var step = definition.Step(state.CurrentStep!);
        var segments = start.VillagePath.Split('/');
        var (due, remind) = DueDates(state, null);
        var proposal = new ProposalRow
        {
            Id = id,
            VillagePath = start.VillagePath,
            VillageCode = segments[^1],
            TownshipCode = segments.Length > 1 ? segments[^2] : "",
            Title = start.Title,
            Category = start.Category,
            AmountFen = (long)decimal.Round(start.AmountYuan * 100m),
            Status = state.Status == InstanceStatus.Ended ? "ended" : "running",
            Result = state.Result is { } r ? JsonNamingPolicy.KebabCaseLower.ConvertName(r.ToString()) : null,
            CurrentStep = step.Id,
            StepKind = JsonNamingPolicy.KebabCaseLower.ConvertName(step.Kind.ToString()),
            Visit = state.Visit,
            Version = state.Version,
            DefinitionKey = definition.Key,
            ProfileKey = profile.Key,
            StartedAt = before.Status == InstanceStatus.NotStarted ? now : DateTimeOffset.MinValue,
            UpdatedAt = now,
            StepEnteredAt = state.StepEnteredAt,
            DueAt = state.Status == InstanceStatus.Ended ? null : due,
            Overdue = state.Overdue,
            LastHash = stored[^1].Hash,
        };

        var tasks = new List<TaskRow>();
        void Open(string task, IEnumerable<string> roles, string? objectionId)
        {
            if (tasks.Any(t => t.Task == task))
            {
                return; // one task per step: reporting progress and completing it are the same piece of work
            }

            var (taskDue, taskRemind) = objectionId is null ? (due, remind) : DueDates(state, objectionId);
            tasks.AddRange(roles.Distinct().Select(role => new TaskRow
            {
                InstanceId = id,
                Task = task,
                Role = role,
                Visit = state.Visit,
                VillagePath = start.VillagePath,
                StepId = step.Id,
                DueAt = taskDue,
                RemindAt = taskRemind,
                OpenedAt = now,
            }));
        }

        // Open tasks are the engine's open actions that someone in the village or township must take: the step's own
        // work, an objection to answer or rule on, a rehearing demand to answer (not concerns, uploads or the public's).
        foreach (var action in OpenActions.List(definition, profile, state, now))
        {
            if (TaskOf(action) is { } task)
            {
                Open(task, action.Roles.Where(r => r is not (Roles.Public or Roles.System)), action.ObjectionId);
            }
        }

        var newTimers = new List<TimerRow>();
        var settled = new List<(string, string)>();
        var disclosures = new List<DisclosureRow>();
        var outbox = new List<(string, string)>();
        for (var i = 0; i < decision.Events.Count; i++)
        {
            var e = decision.Events[i];
            switch (e.Data)
            {
                case TimerScheduled t:
                    newTimers.Add(new TimerRow
                    {
                        InstanceId = id,
                        TimerId = t.TimerId,
                        StepId = t.StepId,
                        Visit = t.Visit,
                        Purpose = Kebab(t.Purpose),
                        OnExpiry = Kebab(t.OnExpiry),
                        ObjectionId = t.ObjectionId,
                        DueAt = t.DueAt,
                        Status = "pending",
                        CreatedAt = now,
                    });
                    break;
                case TimerCancelled t:
                    settled.Add((t.TimerId, "cancelled"));
                    break;
                case TimerFired t:
                    settled.Add((t.TimerId, "fired"));
                    break;
                case DisclosurePublished p:
                    disclosures.Add(new DisclosureRow
                    {
                        InstanceId = id,
                        StepId = p.StepId,
                        Visit = p.Visit,
                        VillageCode = proposal.VillageCode,
                        Title = start.Title,
                        NoticeText = p.NoticeText,
                        Channels = string.Join('、', p.Channels),
                        PeriodDays = p.PeriodDays,
                        PublishedAt = e.At,
                        ClosableFrom = p.ClosableFrom,
                        EventSeq = e.Sequence,
                        EventHash = stored[i].Hash,
                    });
                    break;
                default:
                    break;
            }
        }

        var closed = decision.Events.Select(e => e.Data).OfType<DisclosureClosed>().Select(c => (c.StepId, c.Visit)).ToList();
        var notifications = Notifications(definition, profile, before, decision, now);
        // One wake-up per command: the scheduler (issue 4) reads what changed from the timers table itself.
        outbox.Add(("events-appended", JsonSerializer.Serialize(
            new { id, from = stored[0].Sequence, to = stored[^1].Sequence, timers = newTimers.Count + settled.Count }, EventCodec.Json)));
        var tallies = OverviewTally.Of(proposal.TownshipCode, before.CurrentStep, before.StepEnteredAt, before.Disclosure.ClosableFrom, decision.Events);
        return new Commit(id, before.Version, actor.Id, now, stored, proposal, tasks, newTimers, settled, disclosures, closed, outbox, notifications, idempotency)
        {
            Tallies = tallies,
        };
    }

    /// <summary>
    /// Who is told what, from the engine's open actions and the definition, never from a list of roles here: a
    /// reminder to those who may act on the step (or answer the objection) now; a missed deadline to them and to the
    /// definition's oversight; an escalated objection to those who may now rule on it; a meeting held on the
    /// emergency exception to its notice period to the oversight; the supervision committee's concern to the
    /// oversight and to those who answer the supervision committee; an objection's answer and its escalation to the
    /// villager who lodged it (role public: see <see cref="ObjectorNotices"/>).
    /// </summary>
    private static List<NotificationRow> Notifications(
        WorkflowDefinition definition, RuleProfile profile, InstanceState before, Decision decision, DateTimeOffset now)
    {
        // Who has work open on a step (or on one objection) as the engine sees it, before or after this decision: the
        // same open actions the task list is made of, not interventions, concerns or uploads.
        IEnumerable<string> Actors(InstanceState state, string stepId, string? objectionId) =>
            OpenActions.List(definition, profile, state, now)
                .Where(a => a.StepId == stepId && a.ObjectionId == objectionId && TaskOf(a) is not null)
                .SelectMany(a => a.Roles)
                .Where(r => r is not (Roles.Public or Roles.System));

        var start = decision.State.Start!;
        // A non-public procedure's notices (people's mediation) travel through group robots, working mailboxes and an SMS
        // provider like any other: they name the procedure, the case's number and the step, never the title, the parties or
        // what someone typed. The case itself is one click away, behind sign-in (docs/api.md, "What is public").
        object subject = definition.Public ? start.Title : ServerText.Get("NotifyPrivateSubject", definition.Name, start.ProposalId);
        object Typed(string text) => definition.Public ? text : ServerText.Get("NotifyPrivateSignIn");
        var list = new List<NotificationRow>();
        // The text's arguments are kept with it: an SMS is a registered template filled with them (docs/operations.md).
        void Tell(string kind, string stepId, IEnumerable<string> roles, string key, params object[] args)
        {
            var text = ServerText.Get(key, args);
            var parameters = TemplateParams(args);
            list.AddRange(roles.Distinct().Select(role => new NotificationRow
            {
                InstanceId = start.ProposalId,
                Role = role,
                AreaPath = start.VillagePath,
                Kind = kind,
                StepId = stepId,
                TextZh = text.Zh,
                TextEn = text.En,
                Params = parameters,
                CreatedAt = now,
            }));
        }

        foreach (var e in decision.Events.Select(e => e.Data))
        {
            switch (e)
            {
                case TimerFired { Purpose: TimerPurpose.Reminder } fired when before.Timers.TryGetValue(fired.TimerId, out var reminder):
                    var step = definition.Step(reminder.StepId);
                    var deadline = before.Timers.Values
                        .Where(t => t.StepId == reminder.StepId && t.ObjectionId == reminder.ObjectionId && t.Purpose == TimerPurpose.Deadline)
                        .Select(t => (DateTimeOffset?)t.DueAt).Min();
                    Tell("reminder", step.Id, Actors(before, step.Id, reminder.ObjectionId),
                        "NotifyReminder", subject, step.Name, deadline is { } d ? Engine.Time.ChinaTime.Display(d) : "—");
                    break;
                case DeadlineEscalated escalated when before.Timers.TryGetValue(escalated.TimerId, out var timer):
                    var late = definition.Step(escalated.StepId);
                    Tell("escalated", late.Id, [.. Actors(before, late.Id, timer.ObjectionId), .. definition.OversightRoles],
                        "NotifyEscalated", subject, late.Name, Engine.Time.ChinaTime.Display(timer.DueAt));
                    break;
                case MeetingRecorded { EmergencyNotice: true } meeting:
                    // The profile's emergency exception to a notice period is allowed, recorded, and flagged for the township.
                    Tell("emergency-notice", meeting.StepId, definition.OversightRoles,
                        "NotifyEmergencyNotice", subject, definition.Step(meeting.StepId).Name, Typed(meeting.Record.EmergencyReason ?? ""));
                    break;
                case ObjectionAnswered answered:
                    // The villager who lodged it, by the phone number they left, if any (the dispatcher looks it up when it sends).
                    Tell(ObjectorNotices.Answered, answered.StepId, [Roles.Public], "NotifyObjectorAnswered", subject, answered.ObjectionId);
                    break;
                case ObjectionEscalated objection:
                    Tell("objection-escalated", objection.StepId, [.. Actors(decision.State, objection.StepId, objection.ObjectionId), .. definition.OversightRoles],
                        "NotifyObjectionEscalated", subject, objection.ObjectionId, Typed(objection.Reason));
                    Tell(ObjectorNotices.Escalated, objection.StepId, [Roles.Public], "NotifyObjectorEscalated", subject, objection.ObjectionId);
                    break;
                case ConcernRaised concern:
                    // The supervision committee's concern goes to the oversight and to those who answer the supervision committee.
                    if (definition.Public)
                    {
                        Tell("concern", concern.StepId, [.. definition.OversightRoles, .. definition.Rehearing?.AnswerRoles ?? []],
                            "NotifyConcern", subject, definition.Step(concern.StepId).Name, concern.Text);
                    }
                    else
                    {
                        // Named as the definition names its concern (a dispute that may turn violent), not as the supervision committee's.
                        Tell("concern", concern.StepId, [.. definition.OversightRoles, .. definition.Rehearing?.AnswerRoles ?? []],
                            "NotifyPrivateConcern", subject, definition.Concern?.Name ?? definition.Step(concern.StepId).Name, definition.Step(concern.StepId).Name);
                    }
                    break;
                default:
                    break;
            }
        }

        return list;
    }

    /// <summary>A text's arguments as an SMS template's parameters: strings, names in Chinese (zh-CN templates).</summary>
    public static string TemplateParams(params object[] args) =>
        JsonSerializer.Serialize(args.Select(a => a is LocalizedText t ? t.Zh : Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture) ?? ""), EventCodec.Json);

    private static string? TaskOf(OpenAction action) => action.Action switch
    {
        "answer-objection" => "answer:" + action.ObjectionId,
        "rule-on-objection" => "rule:" + action.ObjectionId,
        "answer-rehearing" => "rehearing:" + action.DemandId,
        "countersign" => "countersign",
        "publish" => "publish",
        "close-disclosure" => "close",
        "complete-task" or "record-meeting" or "review" or "report-progress" or "complete-implementation" => "step",
        _ => null,
    };

    /// <summary>An enum value as the API and the read rows spell it ("no-quorum").</summary>
    public static string Kebab<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    private static (DateTimeOffset? Due, DateTimeOffset? Remind) DueDates(InstanceState state, string? objectionId)
    {
        var timers = state.Timers.Values.Where(t => t.ObjectionId == objectionId && t.StepId == state.CurrentStep).ToList();
        var due = timers.Where(t => t.Purpose == TimerPurpose.Deadline).Select(t => (DateTimeOffset?)t.DueAt).Min();
        var remind = timers.Where(t => t.Purpose == TimerPurpose.Reminder).Select(t => (DateTimeOffset?)t.DueAt).Min();
        return (due, remind);
    }
}
