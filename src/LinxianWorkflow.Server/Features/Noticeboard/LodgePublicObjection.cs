using System.Security.Cryptography;
using System.Text;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>The body of POST /api/public/proposals/{id}/objections.</summary>
public sealed record ObjectionForm(string Text, string? Contact = null);

/// <summary>
/// A villager lodges an objection to a posted disclosure without an account (rate-limited per address at the
/// HTTP layer). It is an event like any other; the receipt number is the objection's id.
/// </summary>
public sealed record LodgePublicObjection(string ProposalId, ObjectionForm Form, string RemoteAddress) : ICommand<ObjectionReceipt>;

public sealed record ObjectionReceipt(string ProposalId, string ReceiptNumber, int EventSequence, string EventHash);

public sealed class LodgePublicObjectionHandler(WorkflowStore store, ProposalRunner runner) : ICommandHandler<LodgePublicObjection, ObjectionReceipt>
{
    public async ValueTask<ObjectionReceipt> Handle(LodgePublicObjection command, CancellationToken cancellationToken)
    {
        var proposal = await store.GetProposalAsync(command.ProposalId, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "proposal.not-found", "ProposalNotFound", command.ProposalId);
        var receipt = "YY" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5));

        var text = command.Form.Contact is { Length: > 0 } contact ? $"{command.Form.Text}\n联系方式：{contact}" : command.Form.Text;
        var result = await runner.RunAsync(command.ProposalId, Objector(command.RemoteAddress),
            new LodgeObjection(proposal.CurrentStep, receipt, text), null, cancellationToken);
        var lodged = result.Events.First(e => e.Type == nameof(ObjectionLodged));
        return new ObjectionReceipt(command.ProposalId, receipt, lodged.Sequence, lodged.Hash);
    }

    /// <summary>A villager without an account, recorded by a salted digest of their address, not the address itself.</summary>
    public static Actor Objector(string remoteAddress) =>
        Actor.Villager("villager-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("linxian-objector:" + remoteAddress)))[..16]);
}
