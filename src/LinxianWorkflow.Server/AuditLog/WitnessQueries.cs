using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>A checkpoint a township's witness co-signed (the note holds the log's and the witness's signatures).</summary>
public sealed class WitnessSignatureRow
{
    public string Township { get; set; } = "";
    public long Size { get; set; }
    public string Note { get; set; } = "";
    public DateTimeOffset SignedAt { get; set => field = value.ToUniversalTime(); }
    public string SignedBy { get; set; } = "";

    /// <summary>How many log restarts the township had accepted when it co-signed (migration 0021).</summary>
    public int Epoch { get; set; }
}

/// <summary>A township's witness accepted a restart of the log (a hand-over after a restore), beginning epoch <see cref="Epoch"/>.</summary>
public sealed class WitnessRestartRow
{
    public string Township { get; set; } = "";
    public int Epoch { get; set; }

    /// <summary>The hand-over note with the township's witness signature added.</summary>
    public string HandOver { get; set; } = "";

    /// <summary>The hand-over's size: the restarted log extends its checkpoint of that size.</summary>
    public long RestartSize { get; set; }

    public DateTimeOffset AcceptedAt { get; set => field = value.ToUniversalTime(); }
    public string AcceptedBy { get; set; } = "";
}

/// <summary>The townships' witnesses (issue 14): their keys, the checkpoints they co-signed, the restarts they accepted.</summary>
public sealed class WitnessQueries(Database store)
{
    public async Task<string?> KeyAsync(string township, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>("SELECT verifier_key FROM witnesses WHERE township = @township", new { township });
    }

    public async Task RegisterAsync(string township, string verifierKey, DateTimeOffset at, string by, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await connection.ExecuteAsync(
            """
            INSERT INTO witnesses (township, verifier_key, registered_at, registered_by) VALUES (@township, @verifierKey, @at, @by)
            ON CONFLICT (township) DO UPDATE SET verifier_key = excluded.verifier_key, registered_at = excluded.registered_at, registered_by = excluded.registered_by
            """,
            new { township, verifierKey, at = at.ToUniversalTime(), by });
    }

    private const string SignatureColumns = "township, size, note, signed_at, signed_by, epoch";

    /// <summary>The township's current epoch: the restarts it accepted (its co-signatures before the newest are of a log given up).</summary>
    private const string CurrentEpoch = "(SELECT COALESCE(max(r.epoch), 0) FROM witness_restarts r WHERE r.township = w.township)";

    /// <summary>The township's newest co-signed checkpoint in its current epoch, or null before its first.</summary>
    public async Task<WitnessSignatureRow?> LastSignatureAsync(string township, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<WitnessSignatureRow>(
            $"SELECT {SignatureColumns} FROM witness_signatures w WHERE township = @township AND epoch = {CurrentEpoch} ORDER BY size DESC LIMIT 1", new { township });
    }

    /// <summary>Each township's newest co-signed checkpoint in its current epoch no larger than <paramref name="size"/>.</summary>
    public async Task<List<WitnessSignatureRow>> SignaturesUpToAsync(long size, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<WitnessSignatureRow>(
            $"""
            SELECT {SignatureColumns} FROM witness_signatures w
            WHERE epoch = {CurrentEpoch}
              AND size = (SELECT max(size) FROM witness_signatures x WHERE x.township = w.township AND x.epoch = w.epoch AND x.size <= @size)
            ORDER BY township
            """, new { size })];
    }

    /// <summary>Stores a co-signature; false when the township already signed that size in that epoch.</summary>
    public async Task<bool> AddSignatureAsync(WitnessSignatureRow row, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteAsync(
            "INSERT INTO witness_signatures (township, epoch, size, note, signed_at, signed_by) VALUES (@Township, @Epoch, @Size, @Note, @SignedAt, @SignedBy) ON CONFLICT DO NOTHING",
            row) == 1;
    }

    /// <summary>The township's newest accepted restart, or null when it accepted none.</summary>
    public async Task<WitnessRestartRow?> LastRestartAsync(string township, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<WitnessRestartRow>(
            "SELECT township, epoch, hand_over, restart_size, accepted_at, accepted_by " +
            "FROM witness_restarts WHERE township = @township ORDER BY epoch DESC LIMIT 1", new { township });
    }

    /// <summary>Records a restart the township accepted; false when that epoch was begun already (a second hand-in at once).</summary>
    public async Task<bool> AddRestartAsync(WitnessRestartRow row, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteAsync(
            "INSERT INTO witness_restarts (township, epoch, hand_over, restart_size, accepted_at, accepted_by) " +
            "VALUES (@Township, @Epoch, @HandOver, @RestartSize, @AcceptedAt, @AcceptedBy) ON CONFLICT DO NOTHING",
            row) == 1;
    }
}
