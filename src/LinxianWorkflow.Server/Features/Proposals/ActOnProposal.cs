using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>
/// Takes one action on a proposal (POST /api/proposals/{id}/actions/{action}): record a meeting, review,
/// publish, answer an objection… The action names an engine command (<see cref="ActionCatalog.Commands"/>);
/// the engine decides, by the definition and the rule profile, whether this caller may and whether the rules
/// are met. One use case for all of them, because the engine is where they differ (docs/decisions/0002).
/// </summary>
public sealed record ActOnProposal(Caller Caller, string ProposalId, string Action, WorkflowCommand Command, string BodyText, int? ExpectedVersion, string? IdempotencyKey)
    : ICommand<ActionResult>, IVersionedMessage, IChangeMessage, IIdempotentMessage
{
    public string Fingerprint() => $"act\n{ProposalId}\n{Action}\n{ExpectedVersion}\n{BodyText}";
}

public sealed class ActOnProposalHandler(ProposalRunner runner) : ICommandHandler<ActOnProposal, ActionResult>
{
    public async ValueTask<ActionResult> Handle(ActOnProposal command, CancellationToken cancellationToken) =>
        await runner.RunAsync(command.ProposalId, command.Caller.Actor, command.Command, command, cancellationToken, command.ExpectedVersion);
}
