using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Timers;

/// <summary>
/// A timer falls due: the system fires it through the same engine path as any command. Safe to run twice
/// and from two nodes at once: the engine does nothing for a timer already fired or cancelled, and the
/// events' key lets only one of two racing firings land. Answers whether this call had an effect.
/// </summary>
public sealed record FireDueTimer(string ProposalId, string TimerId) : ICommand<bool>;

public sealed class FireDueTimerHandler(ProposalRunner runner) : ICommandHandler<FireDueTimer, bool>
{
    public async ValueTask<bool> Handle(FireDueTimer command, CancellationToken cancellationToken)
    {
        try
        {
            var result = await runner.RunAsync(command.ProposalId, Actor.System, new FireTimer(command.TimerId), null, cancellationToken);
            return result.Events.Count > 0;
        }
        catch (ProblemException e) when (e.Rule == "timer.not-due")
        {
            return false; // early (a clock behind the scheduler's): the sweep fires it when it is due.
        }
        catch (ConcurrencyConflictException)
        {
            return false; // another command or node moved the proposal first; the sweep looks again.
        }
    }
}
