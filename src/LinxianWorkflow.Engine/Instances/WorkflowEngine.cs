using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Instances;

/// <summary>The engine's answer to a command: the new events and the state after them, or the rule it broke.</summary>
/// <param name="Events">The events to append, numbered from the state's version + 1; empty when refused or when nothing was left to do (a timer fired twice).</param>
/// <param name="State">The state after the events (the given state when refused).</param>
/// <param name="Violation">The broken rule, or null when accepted.</param>
public sealed record Decision(IReadOnlyList<RecordedEvent> Events, InstanceState State, RuleViolation? Violation)
{
    /// <summary>True when the command was accepted.</summary>
    public bool Accepted => Violation is null;
}

/// <summary>
/// The pure engine: given a definition, a profile, an instance's state, an actor, a command and the
/// current instant, it decides. It reads no clock, touches no storage and schedules nothing; timers are
/// events for the caller to act on.
/// </summary>
public static class WorkflowEngine
{
    /// <summary>Decides <paramref name="command"/> for <paramref name="actor"/> at <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">The profile is another procedure's, or the state belongs to another definition or profile version: load the one it started with.</exception>
    public static Decision Decide(WorkflowDefinition definition, RuleProfile profile, InstanceState state, Actor actor, WorkflowCommand command, DateTimeOffset now)
    {
        // Two procedures may each have a "linxian" profile: one of another procedure has none of this one's periods or categories.
        if (profile.Workflow != definition.Id)
        {
            throw new ArgumentException($"Profile {profile.Workflow}/{profile.Key} sets the rules of {profile.Workflow}, not of {definition.Key}.", nameof(profile));
        }

        if (state.Start is { } start
            && (start.DefinitionId != definition.Id || state.DefinitionVersion != definition.Version
                || start.ProfileId != profile.Id || state.ProfileVersion != profile.Version))
        {
            throw new ArgumentException(
                $"Instance {start.ProposalId} runs on {start.DefinitionId}@{state.DefinitionVersion} with profile {start.ProfileId}@{state.ProfileVersion}, " +
                $"not {definition.Key} with {profile.Key}: an instance stays on its versions until it is migrated.",
                nameof(definition));
        }

        var decider = new Decider(definition, profile, state, actor, now);
        var violation = decider.Run(command);
        return violation is null
            ? new Decision(decider.Events, decider.State, null)
            : new Decision([], state, violation);
    }
}
