using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Privacy;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>The body of POST /api/public/proposals/{id}/objections/{receipt}/escalate: why the answer does not satisfy.</summary>
public sealed record EscalationForm(string Reason);

/// <summary>
/// The villager who lodged an objection takes the committee's answer to the township, with the receipt number as the
/// proof that it is theirs (no account needed), within the profile's escalation window; the engine decides.
/// </summary>
public sealed record EscalatePublicObjection(string ProposalId, string ReceiptNumber, EscalationForm Form, string RemoteAddress) : ICommand<EscalationReceipt>;

public sealed record EscalationReceipt(string ProposalId, string ReceiptNumber, int EventSequence, string EventHash);

public sealed class EscalatePublicObjectionHandler(Database store, WorkflowLibrary library, ProposalRunner runner, PersonalDataKey personal, ObjectionLimit limit) : ICommandHandler<EscalatePublicObjection, EscalationReceipt>
{
    public async ValueTask<EscalationReceipt> Handle(EscalatePublicObjection command, CancellationToken cancellationToken)
    {
        await limit.TakeAsync(command.RemoteAddress, cancellationToken);
        // A proposal on a non-public definition (people's mediation) is, to the public, one that does not exist.
        var proposal = await store.GetProposalAsync(command.ProposalId, cancellationToken) is { } found && library.IsPublic(found.DefinitionKey)
            ? found
            : throw ServerText.Problem(StatusCodes.Status404NotFound, "proposal.not-found", "ProposalNotFound", command.ProposalId);
        var result = await runner.RunAsync(command.ProposalId, Actor.Villager(personal.Pseudonym(command.RemoteAddress)),
            new EscalateObjection(proposal.CurrentStep, command.ReceiptNumber, command.Form.Reason), null, cancellationToken);
        var escalated = result.Events.First(e => e.Type == nameof(ObjectionEscalated));
        return new EscalationReceipt(command.ProposalId, command.ReceiptNumber, escalated.Sequence, escalated.Hash);
    }
}
