using System.Collections.Frozen;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Server.Application;

/// <summary>An action a caller may take now: its name (the URL segment), the step, and what it needs.</summary>
public sealed record ActionView(string Action, string? StepId, LocalizedText Label, string? ObjectionId = null, IReadOnlyList<string>? Outcomes = null, string? InterventionId = null, string? DemandId = null);

/// <summary>
/// The actions of the API (POST /api/proposals/{id}/actions/{action}) and the engine command each one's
/// JSON body is read as. Which of them a caller may take now is worked out from the definition, the state
/// and the caller's grants; the engine has the last word when the command arrives.
/// </summary>
public static class ActionCatalog
{
    public static readonly FrozenDictionary<string, Type> Commands = new Dictionary<string, Type>
    {
        ["complete-task"] = typeof(CompleteTask),
        ["record-meeting"] = typeof(RecordMeeting),
        ["review"] = typeof(ReviewStep),
        ["countersign"] = typeof(CountersignDisclosure),
        ["publish"] = typeof(PublishDisclosure),
        ["answer-objection"] = typeof(AnswerObjection),
        ["escalate-objection"] = typeof(EscalateObjection),
        ["rule-on-objection"] = typeof(RuleOnObjection),
        ["close-disclosure"] = typeof(CloseDisclosure),
        ["report-progress"] = typeof(ReportProgress),
        ["complete-implementation"] = typeof(CompleteImplementation),
        ["intervene"] = typeof(Intervene),
        ["demand-rehearing"] = typeof(DemandRehearing),
        ["answer-rehearing"] = typeof(AnswerRehearing),
        ["raise-concern"] = typeof(RaiseConcern),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string[] Escalators = [Roles.SupervisionMember];
    private static readonly string[] Supervisors = [Roles.SupervisionMember];

    /// <summary>Who may attach documents (POST /api/proposals/{id}/attachments); the engine checks again.</summary>
    public static readonly string[] Attachers = [Roles.PartySecretary, Roles.VillageChair, Roles.CommitteeMember, Roles.SupervisionMember];

    public static IReadOnlyList<ActionView> Available(WorkflowDefinition definition, RuleProfile profile, InstanceState state, Caller caller)
    {
        var actions = new List<ActionView>();
        if (state.Status != InstanceStatus.Running || state.Start is not { } start)
        {
            return actions;
        }

        bool May(IReadOnlyList<string> roles) => caller.Grants.Any(g => roles.Contains(g.Role) && g.Covers(start.VillagePath));
        var step = definition.Step(state.CurrentStep!);
        void Add(string action, IReadOnlyList<string> roles, string? objectionId = null, IReadOnlyList<string>? outcomes = null)
        {
            if (May(roles))
            {
                actions.Add(new ActionView(action, step.Id, step.Name, objectionId, outcomes));
            }
        }

        switch (step.Kind)
        {
            case StepKind.Task:
                Add("complete-task", step.Roles, outcomes: [.. step.Outcomes.Keys.Order(StringComparer.Ordinal)]);
                break;
            case StepKind.Meeting:
                Add("record-meeting", step.Roles);
                break;
            case StepKind.Review:
                Add("review", step.Roles);
                break;
            case StepKind.Progress:
                Add("report-progress", step.Roles);
                if (state.ProgressReports > 0)
                {
                    Add("complete-implementation", step.Roles);
                }

                break;
            case StepKind.Disclosure:
                var disclosure = state.Disclosure;
                if (disclosure.PublishedAt is null)
                {
                    if (profile.Options.DisclosureCountersign && !disclosure.Countersigned)
                    {
                        Add("countersign", step.CountersignRoles);
                    }
                    else
                    {
                        Add("publish", step.Roles);
                    }
                }
                else if (disclosure.OpenObjections == 0)
                {
                    Add("close-disclosure", step.Roles);
                }

                foreach (var objection in disclosure.Objections.Values.OrderBy(o => o.ObjectionId, StringComparer.Ordinal))
                {
                    switch (objection.Status)
                    {
                        case ObjectionStatus.Lodged:
                            Add("answer-objection", step.AnswerRoles, objection.ObjectionId);
                            break;
                        case ObjectionStatus.Answered:
                            Add("escalate-objection", Escalators, objection.ObjectionId);
                            break;
                        case ObjectionStatus.Escalated:
                            Add("rule-on-objection", step.RulingRoles, objection.ObjectionId);
                            break;
                        default:
                            break;
                    }
                }

                break;
            default:
                break;
        }

        foreach (var intervention in definition.Interventions.Values.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            if (intervention.AllowedAt.Contains(step.Id) && May(intervention.Roles))
            {
                actions.Add(new ActionView("intervene", step.Id, intervention.Name, InterventionId: intervention.Id));
            }
        }

        if (definition.Rehearing is { } rehearing)
        {
            if (state.OpenDemand is { } demand)
            {
                if (May(rehearing.AnswerRoles))
                {
                    actions.Add(new ActionView("answer-rehearing", demand.TargetStepId, Text.Get("Kind.Meeting"), DemandId: demand.DemandId));
                }
            }
            else if (state.PassedMeetings.Count > 0 && May(rehearing.DemandRoles))
            {
                actions.Add(new ActionView("demand-rehearing", null, Text.Get("Kind.Meeting")));
            }
        }

        // Records that do not move the proposal: a concern about any step, a document attached to the current one.
        if (May(Supervisors))
        {
            actions.Add(new ActionView("raise-concern", null, step.Name));
        }

        if (May(Attachers))
        {
            actions.Add(new ActionView("attach-document", step.Id, step.Name));
        }

        return actions;
    }
}
