using System.Data.Common;
using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>A leaf of the Merkle log: an event, by its place in the log.</summary>
public sealed class LogLeafRow
{
    public long Position { get; set; }
    public string InstanceId { get; set; } = "";
    public int Seq { get; set; }
    public string LeafHash { get; set; } = "";
}

/// <summary>One event of a command waiting for the log (Seq and Record null when the command's event rows are gone).</summary>
public sealed class LogFeedRow
{
    public long OutboxId { get; set; }
    public string InstanceId { get; set; } = "";
    public int? Seq { get; set; }
    public string? Record { get; set; }
}

public sealed class CheckpointRow
{
    public long Size { get; set; }
    public string Root { get; set; } = "";
    public string Note { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set => field = value.ToUniversalTime(); }
}

/// <summary>A key the log signs (or signed) with: its place in the deployment's sequence of keys, the sizes it signs, the hand-over naming it.</summary>
public sealed class LogKeyRow
{
    public int Seq { get; set; }
    public string VerifierKey { get; set; } = "";

    /// <summary>The key signs checkpoints larger than this size (0 for the first key).</summary>
    public long SignsAfter { get; set; }

    /// <summary>The signed note in which the previous key named this one; null for the first key.</summary>
    public string? HandOver { get; set; }

    public DateTimeOffset CreatedAt { get; set => field = value.ToUniversalTime(); }
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

/// <summary>
/// The Merkle log's tables: its leaves, signed checkpoints and keys, and the outbox feed the batcher appends from. The
/// batcher and the key's rotation work on one connection under the log's lock, so those statements take the connection;
/// the readers (proofs, exports, verification) open their own.
/// </summary>
public sealed class LogQueries(Database store)
{
    private const long LogLock = 0x4c6f67; // "Log": one batcher at a time across nodes

    /// <summary>
    /// The events of the first <paramref name="limit"/> commands not in the log yet (their outbox rows, oldest
    /// first), in one query: each command's outbox id with its events in order (no event when its rows are gone).
    /// </summary>
    public static async Task<List<LogFeedRow>> FeedAsync(DbConnection connection, int limit)
    {
        var postgres = connection is Npgsql.NpgsqlConnection;
        var from = postgres ? "(payload::json->>'from')::int" : "CAST(json_extract(payload, '$.from') AS INTEGER)";
        var to = postgres ? "(payload::json->>'to')::int" : "CAST(json_extract(payload, '$.to') AS INTEGER)";
        return [.. await connection.QueryAsync<LogFeedRow>(
            $"""
            WITH feed AS (
                SELECT id, instance_id, {from} AS f, {to} AS t FROM outbox
                WHERE kind = 'events-appended' AND processed_at IS NULL ORDER BY id LIMIT @limit)
            SELECT feed.id AS outbox_id, feed.instance_id, e.seq, e.record
            FROM feed LEFT JOIN events e ON e.instance_id = feed.instance_id AND e.seq BETWEEN feed.f AND feed.t
            ORDER BY feed.id, e.seq
            """, new { limit })];
    }

    /// <summary>Leaf hashes from position <paramref name="from"/> on, in log order.</summary>
    public static async Task<List<string>> LeafHashesAfterAsync(DbConnection connection, long from) =>
        [.. await connection.QueryAsync<string>("SELECT leaf_hash FROM log_leaves WHERE position >= @from ORDER BY position", new { from })];

    /// <summary>Runs <paramref name="work"/> on one connection while holding the log's lock (PostgreSQL; SQLite has one writer anyway); false when another node holds it.</summary>
    public async Task<bool> WithLockAsync(Func<DbConnection, Task> work, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        if (store.IsPostgres && !await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@LogLock)", new { LogLock }))
        {
            return false;
        }

        try
        {
            await work(connection);
            return true;
        }
        finally
        {
            if (store.IsPostgres)
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@LogLock)", new { LogLock });
            }
        }
    }

    /// <summary>Appends leaves, marks their commands logged and stores the signed checkpoint, in one transaction (set-based on PostgreSQL).</summary>
    public static async Task AppendAsync(DbConnection connection, IReadOnlyList<LogLeafRow> leaves, IReadOnlyList<long> outboxIds, CheckpointRow checkpoint, DateTimeOffset at)
    {
        await using var tx = await connection.BeginTransactionAsync();
        if (connection is Npgsql.NpgsqlConnection)
        {
            await connection.ExecuteAsync(
                "INSERT INTO log_leaves (position, instance_id, seq, leaf_hash) SELECT * FROM unnest(@positions, @instances, @seqs, @hashes)",
                new
                {
                    positions = leaves.Select(l => l.Position).ToArray(),
                    instances = leaves.Select(l => l.InstanceId).ToArray(),
                    seqs = leaves.Select(l => l.Seq).ToArray(),
                    hashes = leaves.Select(l => l.LeafHash).ToArray(),
                },
                tx);
            await connection.ExecuteAsync("UPDATE outbox SET processed_at = @at WHERE id = ANY(@ids)", new { ids = outboxIds.ToArray(), at = at.ToUniversalTime() }, tx);
        }
        else
        {
            await connection.ExecuteAsync(
                "INSERT INTO log_leaves (position, instance_id, seq, leaf_hash) VALUES (@Position, @InstanceId, @Seq, @LeafHash)", leaves, tx);
            await connection.ExecuteAsync("UPDATE outbox SET processed_at = @at WHERE id IN @ids", new { ids = outboxIds, at = at.ToUniversalTime() }, tx);
        }

        await connection.ExecuteAsync(
            "INSERT INTO checkpoints (size, root, note, created_at) VALUES (@Size, @Root, @Note, @CreatedAt) ON CONFLICT DO NOTHING", checkpoint, tx);
        await tx.CommitAsync();
    }

    public async Task<CheckpointRow?> LatestCheckpointAsync(CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await LatestCheckpointAsync(connection);
    }

    public async Task<LogLeafRow?> LeafAsync(string instanceId, int seq, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<LogLeafRow>(
            "SELECT position, instance_id, seq, leaf_hash FROM log_leaves WHERE instance_id = @instanceId AND seq = @seq",
            new { instanceId, seq });
    }

    private const string KeyColumns = "seq, verifier_key, signs_after, hand_over, created_at";

    /// <summary>Every key of the deployment's log, oldest first (the last is the one that signs now).</summary>
    public static async Task<List<LogKeyRow>> KeysAsync(DbConnection connection) =>
        [.. await connection.QueryAsync<LogKeyRow>($"SELECT {KeyColumns} FROM log_keys ORDER BY seq")];

    public async Task<List<LogKeyRow>> KeysAsync(CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await KeysAsync(connection);
    }

    /// <summary>Records a key; false when another took its place in the sequence first (two first starts, two rotations at once).</summary>
    public static async Task<bool> AddKeyAsync(DbConnection connection, LogKeyRow row) =>
        await connection.ExecuteAsync(
            "INSERT INTO log_keys (seq, verifier_key, signs_after, hand_over, created_at) VALUES (@Seq, @VerifierKey, @SignsAfter, @HandOver, @CreatedAt) ON CONFLICT DO NOTHING",
            row) == 1;

    /// <summary>The newest checkpoint, on the batcher's connection.</summary>
    public static Task<CheckpointRow?> LatestCheckpointAsync(DbConnection connection) =>
        connection.QuerySingleOrDefaultAsync<CheckpointRow>(
            "SELECT size, root, note, created_at FROM checkpoints ORDER BY size DESC LIMIT 1");

    /// <summary>The largest checkpoint any township co-signed in its current epoch (its note), or null.</summary>
    public static Task<string?> NewestWitnessedNoteAsync(DbConnection connection) =>
        connection.QuerySingleOrDefaultAsync<string>(
            "SELECT note FROM witness_signatures w WHERE epoch = (SELECT COALESCE(max(r.epoch), 0) FROM witness_restarts r WHERE r.township = w.township) ORDER BY size DESC LIMIT 1");

    public async Task<CheckpointRow?> CheckpointAsync(long size, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CheckpointRow>(
            "SELECT size, root, note, created_at FROM checkpoints WHERE size = @size", new { size });
    }

    /// <summary>The log's leaves for one proposal, in log order.</summary>
    public async Task<List<LogLeafRow>> LeavesOfAsync(string instanceId, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<LogLeafRow>(
            "SELECT position, instance_id, seq, leaf_hash FROM log_leaves WHERE instance_id = @instanceId ORDER BY position",
            new { instanceId })];
    }

    /// <summary>
    /// Log entries from <paramref name="from"/> below <paramref name="to"/>, each with its event's record and hashes: streamed
    /// from one unbuffered reader, so the export's memory does not grow with the log.
    /// </summary>
    public async IAsyncEnumerable<LogEntryRow> EntriesAsync(long from, long to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            """
            SELECT l.position, l.instance_id, l.seq, e.record, e.prev_hash, e.hash
            FROM log_leaves l LEFT JOIN events e ON e.instance_id = l.instance_id AND e.seq = l.seq
            WHERE l.position >= @from AND l.position < @to ORDER BY l.position
            """, new { from, to }, cancellationToken: ct));
        var parse = reader.GetRowParser<LogEntryRow>();
        while (await reader.ReadAsync(ct))
        {
            yield return parse(reader);
        }
    }
}
