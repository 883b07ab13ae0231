using Dapper;

namespace LinxianWorkflow.Server.Storage;

/// <summary>A checkpoint a township's witness co-signed (the note holds the log's and the witness's signatures).</summary>
public sealed class WitnessSignatureRow
{
    public string Township { get; set; } = "";
    public long Size { get; set; }
    public string Note { get; set; } = "";
    public DateTimeOffset SignedAt { get; set => field = value.ToUniversalTime(); }
    public string SignedBy { get; set; } = "";
}

/// <summary>An entry of the whole log as an auditor exports it: the leaf's place and the event it stands for (null fields when the event row is gone).</summary>
public sealed class LogEntryRow
{
    public long Position { get; set; }
    public string InstanceId { get; set; } = "";
    public int Seq { get; set; }
    public string? Record { get; set; }
    public string? PrevHash { get; set; }
    public string? Hash { get; set; }
}

public sealed partial class WorkflowStore
{
    public async Task<string?> WitnessKeyAsync(string township, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>("SELECT verifier_key FROM witnesses WHERE township = @township", new { township });
    }

    public async Task RegisterWitnessAsync(string township, string verifierKey, DateTimeOffset at, string by, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            """
            INSERT INTO witnesses (township, verifier_key, registered_at, registered_by) VALUES (@township, @verifierKey, @at, @by)
            ON CONFLICT (township) DO UPDATE SET verifier_key = excluded.verifier_key, registered_at = excluded.registered_at, registered_by = excluded.registered_by
            """,
            new { township, verifierKey, at = at.ToUniversalTime(), by });
    }

    private const string WitnessColumns = "township AS Township, size AS Size, note AS Note, signed_at AS SignedAt, signed_by AS SignedBy";

    /// <summary>The township's newest co-signed checkpoint, or null before its first.</summary>
    public async Task<WitnessSignatureRow?> LastWitnessSignatureAsync(string township, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<WitnessSignatureRow>(
            $"SELECT {WitnessColumns} FROM witness_signatures WHERE township = @township ORDER BY size DESC LIMIT 1", new { township });
    }

    /// <summary>Each township's newest co-signed checkpoint no larger than <paramref name="size"/>.</summary>
    public async Task<List<WitnessSignatureRow>> WitnessSignaturesUpToAsync(long size, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<WitnessSignatureRow>(
            $"""
            SELECT {WitnessColumns} FROM witness_signatures w
            WHERE size = (SELECT max(size) FROM witness_signatures x WHERE x.township = w.township AND x.size <= @size)
            ORDER BY township
            """, new { size })];
    }

    /// <summary>Stores a co-signature; false when the township already signed that size.</summary>
    public async Task<bool> AddWitnessSignatureAsync(WitnessSignatureRow row, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.ExecuteAsync(
            "INSERT INTO witness_signatures (township, size, note, signed_at, signed_by) VALUES (@Township, @Size, @Note, @SignedAt, @SignedBy) ON CONFLICT DO NOTHING",
            row) == 1;
    }

    public async Task<CheckpointRow?> CheckpointAsync(long size, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CheckpointRow>(
            "SELECT size AS Size, root AS Root, note AS Note, created_at AS CreatedAt FROM checkpoints WHERE size = @size", new { size });
    }

    /// <summary>The log's leaves for one proposal, in log order.</summary>
    public async Task<List<LogLeafRow>> LogLeavesOfAsync(string instanceId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<LogLeafRow>(
            "SELECT position AS Position, instance_id AS InstanceId, seq AS Seq, leaf_hash AS LeafHash FROM log_leaves WHERE instance_id = @instanceId ORDER BY position",
            new { instanceId })];
    }

    /// <summary>Log entries from <paramref name="from"/> below <paramref name="to"/>, each with its event's record and hashes.</summary>
    public async Task<List<LogEntryRow>> LogEntriesAsync(long from, long to, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<LogEntryRow>(
            """
            SELECT l.position AS Position, l.instance_id AS InstanceId, l.seq AS Seq, e.record AS Record, e.prev_hash AS PrevHash, e.hash AS Hash
            FROM log_leaves l LEFT JOIN events e ON e.instance_id = l.instance_id AND e.seq = l.seq
            WHERE l.position >= @from AND l.position < @to ORDER BY l.position
            """, new { from, to })];
    }
}
