using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.AuditLog;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>Where one event of a proposal stands in the Merkle log: its leaf, position, the latest signed checkpoint and the inclusion proof against it.</summary>
public sealed record GetEventProof(Caller Caller, string ProposalId, int Sequence) : IQuery<EventProof>, IProposalMessage;

public sealed record EventProof(string ProposalId, int Sequence, long Position, string LeafHash, long TreeSize, string Root, IReadOnlyList<string> Proof, string Checkpoint);

public sealed class GetEventProofHandler(ProposalAccess access, LogQueries logStore, LogTree tree) : IQueryHandler<GetEventProof, EventProof>
{
    public async ValueTask<EventProof> Handle(GetEventProof query, CancellationToken cancellationToken)
    {
        await access.LoadAsync(query.Caller, query.ProposalId, cancellationToken);
        var log = await LogSnapshot.LoadAsync(logStore, tree, cancellationToken) ?? throw LogSnapshot.NotYet(query.ProposalId, query.Sequence);
        var (leaf, proof) = await log.ProveAsync(logStore, query.ProposalId, query.Sequence, cancellationToken);
        return new EventProof(query.ProposalId, query.Sequence, leaf.Position, leaf.LeafHash.Trim(), log.Checkpoint.Size, log.Checkpoint.Root.Trim(), proof, log.Checkpoint.Note);
    }
}
