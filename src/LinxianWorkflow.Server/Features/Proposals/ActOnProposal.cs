using System.Text.Json;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>
/// Takes one action on a proposal (POST /api/proposals/{id}/actions/{action}): record a meeting, review,
/// publish, answer an objection… The action names an engine command (<see cref="ActionCatalog.Commands"/>);
/// the engine decides, by the definition and the rule profile, whether this caller may and whether the rules
/// are met. One use case for all of them, because the engine is where they differ (docs/decisions/0002).
/// </summary>
public sealed record ActOnProposal(Caller Caller, string ProposalId, string Action, WorkflowCommand Command, int? ExpectedVersion, string? IdempotencyKey)
    : ICommand<ActionRecorded>, IProposalMessage, IChangeMessage, IIdempotentMessage
{
    // The bound command, not the bytes it came in: a retry whose JSON is laid out differently is the same request.
    public string Fingerprint() => $"act\n{ProposalId}\n{Action}\n{ExpectedVersion}\n{JsonSerializer.Serialize(Command, Command.GetType(), EventCodec.Json)}";
}

public sealed class ActOnProposalHandler(ProposalAccess access, ProposalRunner runner) : ICommandHandler<ActOnProposal, ActionRecorded>
{
    public async ValueTask<ActionRecorded> Handle(ActOnProposal command, CancellationToken cancellationToken)
    {
        var proposal = await access.LoadAsync(command.Caller, command.ProposalId, cancellationToken);
        return await runner.RunAsync(command.ProposalId, command.Caller.Actor, command.Command, command, cancellationToken, command.ExpectedVersion, row: proposal);
    }
}
