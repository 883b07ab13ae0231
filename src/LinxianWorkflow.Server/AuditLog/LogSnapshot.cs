using LinxianWorkflow.Audit;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>The latest signed checkpoint with the leaves under it: what an event's inclusion proof is made from.</summary>
public sealed class LogSnapshot(CheckpointRow checkpoint, List<byte[]> leaves)
{
    public CheckpointRow Checkpoint { get; } = checkpoint;

    public static async Task<LogSnapshot?> LoadAsync(WorkflowStore store, CancellationToken ct)
    {
        var checkpoint = await store.LatestCheckpointAsync(ct);
        return checkpoint is null
            ? null
            : new LogSnapshot(checkpoint, [.. (await store.LeafHashesAsync(checkpoint.Size, ct)).Select(Convert.FromHexString)]);
    }

    /// <summary>The event's leaf and its inclusion proof; a 404 problem when the event is not under this checkpoint yet.</summary>
    public async Task<(LogLeafRow Leaf, List<string> Proof)> ProveAsync(WorkflowStore store, string proposalId, int sequence, CancellationToken ct)
    {
        var leaf = await store.LogLeafAsync(proposalId, sequence, ct);
        if (leaf is null || leaf.Position >= Checkpoint.Size)
        {
            throw NotYet(proposalId, sequence);
        }

        return (leaf, [.. MerkleTree.InclusionProof(leaves, leaf.Position, Checkpoint.Size).Select(Convert.ToHexStringLower)]);
    }

    /// <summary>The proof that the log of <paramref name="from"/> leaves is a prefix of this checkpoint's (RFC 9162 §2.1.4), in hex.</summary>
    public List<string> Consistency(long from) =>
        [.. MerkleTree.ConsistencyProof(leaves, from, Checkpoint.Size).Select(Convert.ToHexStringLower)];

    /// <summary>The snapshot's leaf hashes, in log order.</summary>
    public IReadOnlyList<byte[]> Leaves => leaves;

    public static ProblemException NotYet(string proposalId, int sequence) =>
        ServerText.Problem(StatusCodes.Status404NotFound, "log.not-yet", "LogNotYet", proposalId, sequence);
}
