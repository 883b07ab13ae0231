using LinxianWorkflow.Audit;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>Where one event of a proposal stands in the Merkle log: its leaf, position, the latest signed checkpoint and the inclusion proof against it.</summary>
public sealed record GetEventProof(Caller Caller, string ProposalId, int Sequence) : IQuery<EventProof>, IProposalMessage;

public sealed record EventProof(string ProposalId, int Sequence, long Position, string LeafHash, long TreeSize, string Root, IReadOnlyList<string> Proof, string Checkpoint);

public sealed class GetEventProofHandler(WorkflowStore store) : IQueryHandler<GetEventProof, EventProof>
{
    public async ValueTask<EventProof> Handle(GetEventProof query, CancellationToken cancellationToken)
    {
        var leaf = await store.LogLeafAsync(query.ProposalId, query.Sequence, cancellationToken);
        var checkpoint = await store.LatestCheckpointAsync(cancellationToken);
        if (leaf is null || checkpoint is null || leaf.Position >= checkpoint.Size)
        {
            throw ServerText.Problem(StatusCodes.Status404NotFound, "log.not-yet", "LogNotYet", query.ProposalId, query.Sequence);
        }

        var leaves = (await store.LeafHashesAsync(checkpoint.Size, cancellationToken)).Select(Convert.FromHexString).ToList();
        var proof = MerkleTree.InclusionProof(leaves, leaf.Position, checkpoint.Size);
        return new EventProof(query.ProposalId, query.Sequence, leaf.Position, leaf.LeafHash.Trim(), checkpoint.Size, checkpoint.Root.Trim(),
            [.. proof.Select(Convert.ToHexStringLower)], checkpoint.Note);
    }
}
