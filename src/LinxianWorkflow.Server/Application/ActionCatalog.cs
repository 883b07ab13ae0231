using System.Collections.Frozen;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Server.Application;

/// <summary>
/// One input of an action as the API describes it: its JSON path, kind, whether required, its allowed values; for a
/// typed form's field ("form.parties"), its label, the names of its choices, a line of help, and the outcomes it belongs to.
/// </summary>
public sealed record ActionInputView(
    string Path, string Kind, bool Required, IReadOnlyList<string> Choices, IReadOnlyList<string> RequiredFor,
    LocalizedText? Label = null, IReadOnlyList<LocalizedText>? ChoiceNames = null, LocalizedText? Help = null, IReadOnlyList<string>? For = null);

/// <summary>
/// An action a caller may take now, as the engine lists it (<see cref="OpenActions"/>): its name (the URL segment), the
/// step, what it needs, and what to know first (the meeting's numbers, when a disclosure may close, a deadline).
/// </summary>
public sealed record ActionView(
    string Action,
    string? StepId,
    LocalizedText Label,
    string? ObjectionId = null,
    IReadOnlyList<string>? Outcomes = null,
    string? InterventionId = null,
    string? DemandId = null,
    IReadOnlyList<ActionInputView>? Inputs = null,
    IReadOnlyList<LocalizedText>? Hints = null,
    DateTimeOffset? DueAt = null,
    DateTimeOffset? AvailableFrom = null,
    DateTimeOffset? AvailableUntil = null,
    IReadOnlyList<MeetingHint>? Meetings = null,
    string? EntryId = null)
{
    /// <summary>The allowed values of one input (empty when it has none).</summary>
    public IReadOnlyList<string> ChoicesOf(string path) => Inputs?.FirstOrDefault(i => i.Path == path)?.Choices ?? [];
}

/// <summary>
/// The actions of the API (POST /api/proposals/{id}/actions/{action}): the engine's, less the two that have their own
/// endpoints (a villager's objection is public; a document is uploaded as a file). Which a caller may take now is the
/// engine's answer; the server keeps no copy of the procedure.
/// </summary>
public static class ActionCatalog
{
    /// <summary>Action names the action endpoint takes, and the command each one's body is read as.</summary>
    public static readonly FrozenDictionary<string, Type> Commands = OpenActions.Commands
        .Where(p => p.Key is not ("lodge-objection" or "attach-document"))
        .ToFrozenDictionary(StringComparer.Ordinal);

    public static IReadOnlyList<ActionView> Available(WorkflowDefinition definition, RuleProfile profile, InstanceState state, Caller caller, DateTimeOffset now) =>
        [.. OpenActions.For(definition, profile, state, caller.Actor, now)
            .Where(a => a.Action != "lodge-objection")
            .Select(View)];

    public static ActionView View(OpenAction a) => new(
        a.Action, a.StepId, a.Label, a.ObjectionId,
        a.Action == "complete-task" ? a.ChoicesOf("outcome") : null,
        a.InterventionId, a.DemandId,
        [.. a.Inputs.Select(i => new ActionInputView(i.Path, Projection.Kebab(i.Kind), i.Required, i.Choices, i.RequiredFor,
            i.Label, i.ChoiceNames, i.Help, i.For is { Count: > 0 } f ? f : null))],
        a.Hints, a.DueAt, a.AvailableFrom, a.AvailableUntil, a.Meetings, a.EntryId);

    /// <summary>True when the caller may attach documents to the proposal now (checked before a file is stored; the engine checks again).</summary>
    public static bool MayAttach(WorkflowDefinition definition, RuleProfile profile, InstanceState state, Caller caller, DateTimeOffset now) =>
        OpenActions.For(definition, profile, state, caller.Actor, now).Any(a => a.Action == "attach-document");
}
