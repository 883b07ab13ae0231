using LinxianWorkflow.Audit;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>
/// A proposal's dossier for an auditor's own verification (LinxianWorkflow.Audit.DossierVerifier): every
/// event's stored record and chain hashes, its place in the Merkle log with its inclusion proof, and the
/// signed checkpoint they are proved against.
/// </summary>
public sealed record ExportDossier(Caller Caller, string ProposalId) : IQuery<Dossier>, IProposalMessage;

public sealed class ExportDossierHandler(WorkflowStore store) : IQueryHandler<ExportDossier, Dossier>
{
    public async ValueTask<Dossier> Handle(ExportDossier query, CancellationToken cancellationToken)
    {
        var stored = await store.LoadEventsAsync(query.ProposalId, cancellationToken);
        var checkpoint = await store.LatestCheckpointAsync(cancellationToken);
        var leaves = checkpoint is null ? [] : (await store.LeafHashesAsync(checkpoint.Size, cancellationToken)).Select(Convert.FromHexString).ToList();
        var events = new List<DossierEvent>();
        foreach (var e in stored)
        {
            var leaf = await store.LogLeafAsync(query.ProposalId, e.Sequence, cancellationToken);
            if (leaf is null || checkpoint is null || leaf.Position >= checkpoint.Size)
            {
                throw ServerText.Problem(StatusCodes.Status404NotFound, "log.not-yet", "LogNotYet", query.ProposalId, e.Sequence);
            }

            var proof = MerkleTree.InclusionProof(leaves, leaf.Position, checkpoint.Size);
            events.Add(new DossierEvent(e.Sequence, e.Record, e.PreviousHash, e.Hash, leaf.Position, [.. proof.Select(Convert.ToHexStringLower)]));
        }

        return new Dossier(query.ProposalId, events, checkpoint!.Note);
    }
}
