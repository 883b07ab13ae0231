using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Application;

/// <summary>
/// How a use case about one proposal loads it: the read row, once, with the caller's jurisdiction over its village
/// checked (404 when there is no such proposal, 403 naming the village when it is outside the caller's areas). Every
/// handler of an <see cref="IProposalMessage"/> starts here; the authorization behaviour checks who the caller is,
/// this checks where they may look.
/// </summary>
public sealed class ProposalAccess(Database store, AreaRegistry areas)
{
    public async Task<ProposalRow> LoadAsync(Caller caller, string proposalId, CancellationToken ct)
    {
        var proposal = await store.GetProposalAsync(proposalId, ct)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "proposal.not-found", "ProposalNotFound", proposalId);
        return caller.CanRead(proposal.VillagePath)
            ? proposal
            : throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.jurisdiction", "AuthJurisdiction", areas.DisplayName(proposal.VillagePath));
    }
}
