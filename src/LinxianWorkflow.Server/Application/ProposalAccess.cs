using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Application;

/// <summary>
/// How a use case about one proposal loads it: the read row, once, with the caller's jurisdiction over its village
/// checked (404 when there is no such proposal, or one of a non-public procedure the caller may not read; 403 naming
/// the village when it is outside the caller's areas). Every
/// handler of an <see cref="IProposalMessage"/> starts here; the authorization behaviour checks who the caller is,
/// this checks where they may look.
/// </summary>
public sealed class ProposalAccess(Database store, AreaRegistry areas, WorkflowLibrary library)
{
    public async Task<ProposalRow> LoadAsync(Caller caller, string proposalId, CancellationToken ct)
    {
        var proposal = await store.GetProposalAsync(proposalId, ct)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "proposal.not-found", "ProposalNotFound", proposalId);
        // A case of a non-public procedure (people's mediation) is read only by the roles its definition declares and by those
        // who read everything; to anyone else it does not exist (a 403 naming its village would say that it does).
        if (library.Catalog.Definitions.GetValueOrDefault(proposal.DefinitionKey) is { Public: false } closed && !caller.CanRead(closed, proposal.VillagePath))
        {
            throw ServerText.Problem(StatusCodes.Status404NotFound, "proposal.not-found", "ProposalNotFound", proposalId);
        }

        return caller.CanRead(proposal.VillagePath)
            ? proposal
            : throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.jurisdiction", "AuthJurisdiction", areas.DisplayName(proposal.VillagePath));
    }
}
