using LinxianWorkflow.Server.Application;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>The latest signed checkpoint (or the one of a given size) and the proofs against it, made from the in-memory <see cref="LogTree"/>.</summary>
public sealed class LogSnapshot(CheckpointRow checkpoint, LogTree tree)
{
    public CheckpointRow Checkpoint { get; } = checkpoint;

    public static async Task<LogSnapshot?> LoadAsync(LogQueries logStore, LogTree tree, CancellationToken ct, long? size = null)
    {
        var checkpoint = size is { } n ? await logStore.CheckpointAsync(n, ct) : await logStore.LatestCheckpointAsync(ct);
        return checkpoint is null ? null : new LogSnapshot(checkpoint, tree);
    }

    /// <summary>The event's leaf and its inclusion proof; a 404 problem when the event is not under this checkpoint yet.</summary>
    public async Task<(LogLeafRow Leaf, List<string> Proof)> ProveAsync(LogQueries logStore, string proposalId, int sequence, CancellationToken ct)
    {
        var leaf = await logStore.LeafAsync(proposalId, sequence, ct);
        if (leaf is null || leaf.Position >= Checkpoint.Size)
        {
            throw NotYet(proposalId, sequence);
        }

        return (leaf, await tree.ReadAsync(Checkpoint.Size, t => Hex(t.InclusionProof(leaf.Position, Checkpoint.Size)), ct));
    }

    /// <summary>The proof that the log of <paramref name="from"/> leaves is a prefix of this checkpoint's (RFC 9162 §2.1.4), in hex.</summary>
    public Task<List<string>> ConsistencyAsync(long from, CancellationToken ct) =>
        tree.ReadAsync(Checkpoint.Size, t => Hex(t.ConsistencyProof(from, Checkpoint.Size)), ct);

    private static List<string> Hex(List<byte[]> nodes) => [.. nodes.Select(Convert.ToHexStringLower)];

    public static ProblemException NotYet(string proposalId, int sequence) =>
        ServerText.Problem(StatusCodes.Status404NotFound, "log.not-yet", "LogNotYet", proposalId, sequence);
}
