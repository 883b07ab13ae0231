using System.Data.Common;
using LinxianWorkflow.Audit;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>Why this node does not sign the log: a rule, and a message (a key of ServerMessages) with its arguments.</summary>
public sealed record LogRefusal(string Rule, string Message, params object?[] Args)
{
    public const string KeyMismatch = "log.key-mismatch";
    public const string KeyMissing = "log.key-missing";
    public const string RolledBack = "log.rolled-back";

    public LocalizedText Text => ServerText.Get(Message, Args);

    /// <summary>As /health/ready answers it: the node cannot sign, so it is not ready (docs/operations.md).</summary>
    public ProblemException Problem() => ServerText.Problem(StatusCodes.Status503ServiceUnavailable, Rule, Message, Args);
}

/// <summary>A key handed over: the old and new verifier keys, the signed hand-over, where the new key was written.</summary>
public sealed record LogKeyRotation(NoteVerifierKey Old, NoteVerifierKey New, KeyHandOver HandOver, string Note, string NewKeyFile);

/// <summary>
/// One log identity per deployment (issue 16). The database records every key the log signs with (log_keys,
/// the first at the first start); this node signs only while its key is the recorded current one, the newest
/// checkpoint verifies under the key of its size, and the log still holds the newest checkpoint this node or a
/// township witness has seen (the state file beside the key, the witnesses' co-signatures) at the same root.
/// Checked at start and before each batch; a refusal is final until the node is restarted, is logged, and makes
/// /health/ready answer 503 with its rule; the service keeps answering. Key rotation lives here too.
/// </summary>
public sealed partial class LogIdentity(LogKey key, Database store, LogQueries logStore, LogTree tree, Hosting.AdjustableClock clock, ILogger<LogIdentity> log)
{
    private readonly LogStateFile _state = new(key.KeyFile + ".state");

    /// <summary>The deployment's current verifier key (the recorded one; this node's own before it is recorded; null when neither is known).</summary>
    public NoteVerifierKey? Verifier { get; private set; } = key.Verifier;

    public LogRefusal? Refusal { get; private set; }

    public string StateFile => _state.Path;

    /// <summary>What the checks read from the database: the keys, the newest checkpoint, the newest witnessed checkpoint.</summary>
    private sealed record Facts(List<LogKeyRow> Keys, CheckpointRow? Newest, Checkpoint? Witnessed);

    /// <summary>At start, after migrations: records the deployment's first key when there is none, then checks this node may sign.</summary>
    public async Task PrepareAsync(CancellationToken ct = default)
    {
        var facts = await FirstStartAsync(ct);
        if (Refusal is null)
        {
            var refusal = await tree.ReadAsync(long.MaxValue, levels => Judge(facts, levels), ct);
            if (refusal is null && facts.Newest is { } newest && (_state.Read() is not { } remembered || remembered.Size < newest.Size))
            {
                _state.Write(new LogState(newest.Size, Convert.FromHexString(newest.Root.Trim()), KeyFor(facts.Keys, newest.Size)!.KeyId)); // seen
            }

            Refuse(refusal);
        }

        if (Refusal is null && Verifier is { } verifier)
        {
            LogSigning(log, verifier, key.Source);
        }
    }

    /// <summary>The batcher's check before it signs, on its connection under the log's lock, with the tree topped up.</summary>
    public async Task<bool> MaySignAsync(DbConnection connection, MerkleLevels levels)
    {
        if (Refusal is null)
        {
            Refuse(Judge(await GatherAsync(connection), levels));
        }

        return Refusal is null;
    }

    /// <summary>Every key the log signed with, oldest first (a checkpoint is signed by one of them: <see cref="Open"/>).</summary>
    public async Task<List<NoteVerifierKey>> KeysAsync(CancellationToken ct) =>
        [.. (await logStore.KeysAsync(ct)).Select(k => NoteVerifierKey.Parse(k.VerifierKey)!)];

    /// <summary>The note's text if one of the log's keys signed it.</summary>
    public static string? Open(string note, IEnumerable<NoteVerifierKey> keys) =>
        keys.Select(k => SignedNote.Open(note, k)).FirstOrDefault(t => t is not null);

    /// <summary>After a checkpoint committed: remembered beside the key.</summary>
    public void RememberSigned(long size, byte[] root) => _state.Write(new LogState(size, root, Verifier!.KeyId));

    private async Task<Facts> FirstStartAsync(CancellationToken ct)
    {
        await using var connection = await store.OpenAsync(ct);
        var facts = await GatherAsync(connection);
        if (facts.Keys.Count > 0)
        {
            return facts;
        }

        if (key.Key is null && facts.Newest is null)
        {
            key.Generate();
            LogGenerated(log, key.KeyFile);
        }

        if (key.Verifier is not { } own)
        {
            Refuse(new LogRefusal(LogRefusal.KeyMissing, "LogKeyMissing", "-", key.KeyFile, LogKey.EnvironmentVariable));
            return facts;
        }

        if (facts.Newest is { } newest && SignedNote.Open(newest.Note, own) is null)
        {
            Refuse(new LogRefusal(LogRefusal.KeyMismatch, "LogKeyNotNewest", own.ToString(), newest.Size));
            return facts;
        }

        await LogQueries.AddKeyAsync(connection, new LogKeyRow { Seq = 1, VerifierKey = own.ToString(), SignsAfter = 0, CreatedAt = clock.Real.GetUtcNow() });
        return await GatherAsync(connection); // another node may have recorded its key first
    }

    private static async Task<Facts> GatherAsync(DbConnection connection)
    {
        var keys = await LogQueries.KeysAsync(connection);
        var newest = await LogQueries.LatestCheckpointAsync(connection);

        // A witnessed checkpoint counts under the key of its size only: one the old key signed beyond a hand-over after a restore was given up.
        var note = await LogQueries.NewestWitnessedNoteAsync(connection);
        var witnessed = note is not null && SignedNote.UnverifiedText(note) is { } text && Checkpoint.Parse(text) is { } c
            && KeyFor(keys, c.Size) is { } signer && SignedNote.Open(note, signer) is not null ? c : null;
        return new Facts(keys, newest, witnessed);
    }

    private static NoteVerifierKey? KeyFor(List<LogKeyRow> keys, long size) =>
        keys.LastOrDefault(k => k.SignsAfter < size) is { } row ? NoteVerifierKey.Parse(row.VerifierKey) : null;

    private LogRefusal? Judge(Facts facts, MerkleLevels levels)
    {
        if (facts.Keys.Count == 0)
        {
            return new LogRefusal(LogRefusal.KeyMissing, "LogKeyMissing", "-", key.KeyFile, LogKey.EnvironmentVariable);
        }

        var current = NoteVerifierKey.Parse(facts.Keys[^1].VerifierKey)!;
        Verifier = current;
        if (key.Verifier is not { } own)
        {
            return new LogRefusal(LogRefusal.KeyMissing, "LogKeyMissing", current.ToString(), key.KeyFile, LogKey.EnvironmentVariable);
        }

        if (own.ToString() != current.ToString())
        {
            return new LogRefusal(LogRefusal.KeyMismatch, "LogKeyMismatch", own.ToString(), current.ToString(), key.Source);
        }

        if (facts.Newest is { } newest && (KeyFor(facts.Keys, newest.Size) is not { } signer || SignedNote.Open(newest.Note, signer) is null))
        {
            return new LogRefusal(LogRefusal.KeyMismatch, "LogKeyNotNewest", current.ToString(), newest.Size);
        }

        return RolledBack(facts, levels) is { } gone ? new LogRefusal(LogRefusal.RolledBack, "LogRolledBack", gone.Size, levels.Count, _state.Path) : null;
    }

    /// <summary>The newest checkpoint remembered outside the database when the log no longer holds it at the same root.</summary>
    private LogState? RolledBack(Facts facts, MerkleLevels levels)
    {
        var remembered = _state.Read();

        // A checkpoint an old key signed beyond the size its hand-over names was given up on the record (a hand-over after a restore).
        var signer = remembered is null ? -1 : facts.Keys.FindIndex(k => NoteVerifierKey.Parse(k.VerifierKey)!.KeyId == remembered.KeyId);
        if (signer >= 0 && signer + 1 < facts.Keys.Count && remembered!.Size > facts.Keys[signer + 1].SignsAfter)
        {
            remembered = null;
        }

        if (facts.Witnessed is { } w && (remembered is null || w.Size > remembered.Size))
        {
            remembered = new LogState(w.Size, w.Root, 0);
        }

        return remembered is { } r && (levels.Count < r.Size || !levels.Root(r.Size).AsSpan().SequenceEqual(r.Root)) ? remembered : null;
    }

    private void Refuse(LogRefusal? refusal)
    {
        if (refusal is not null && Refusal is null)
        {
            Refusal = refusal;
            LogRefused(log, refusal.Rule, refusal.Text.Zh, refusal.Text.En);
        }
    }

    /// <summary>
    /// `rotate-log-key`: a new key, a hand-over the old key signs (and the new one), recorded as the log's next key, under
    /// the log's lock so no batch is signed meanwhile. After a restore older than the log (<paramref name="afterRestore"/>),
    /// the hand-over names the checkpoint given up. Null, with <see cref="Refusal"/> set, when this node's key may not hand over.
    /// </summary>
    public async Task<LogKeyRotation?> RotateAsync(bool afterRestore, CancellationToken ct = default)
    {
        await PrepareAsync(ct);
        if (Refusal is not null && !(afterRestore && Refusal.Rule == LogRefusal.RolledBack))
        {
            return null;
        }

        using var next = LogKey.Create();
        var old = key.Verifier!;
        var successor = key.VerifierOf(next);
        var newKeyFile = key.KeyFile + ".new";
        LogKeyRotation? rotation = null;
        for (var attempt = 0; rotation is null; attempt++)
        {
            // On PostgreSQL the lock is taken without waiting; a batch in progress ends within moments.
            if (!await logStore.WithLockAsync(async connection => rotation = await HandOverAsync(connection, next, old, successor, newKeyFile), ct) && attempt >= 100)
            {
                throw new InvalidOperationException("another node holds the log's lock");
            }

            if (rotation is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), clock.Real, ct);
            }
        }

        if (key.Source == key.KeyFile)
        {
            File.Move(key.KeyFile, $"{key.KeyFile}.{old.KeyId:x8}.retired");
            File.Move(newKeyFile, key.KeyFile);
            return rotation with { NewKeyFile = key.KeyFile };
        }

        return rotation;
    }

    private async Task<LogKeyRotation> HandOverAsync(DbConnection connection, NSec.Cryptography.Key next, NoteVerifierKey old, NoteVerifierKey successor, string newKeyFile)
    {
        var facts = await GatherAsync(connection);
        if (facts.Keys[^1].VerifierKey != old.ToString())
        {
            throw new InvalidOperationException("another rotation took place meanwhile");
        }

        var size = facts.Newest?.Size ?? 0;
        var root = facts.Newest is { } newest ? Convert.FromHexString(newest.Root.Trim()) : MerkleTree.EmptyRoot();
        var abandoned = Refusal is null ? null : _state.Read() is { } gone ? new Checkpoint(key.Origin, gone.Size, gone.Root) : null;
        var handOver = new KeyHandOver(key.Origin, old, successor, size, root, abandoned);
        var note = handOver.Sign(key.Key!, next);
        LogKey.Write(newKeyFile, next);
        if (!await LogQueries.AddKeyAsync(connection, new LogKeyRow
        {
            Seq = facts.Keys[^1].Seq + 1,
            VerifierKey = successor.ToString(),
            SignsAfter = size,
            HandOver = note,
            CreatedAt = clock.Real.GetUtcNow(),
        }))
        {
            File.Delete(newKeyFile);
            throw new InvalidOperationException("another rotation took place meanwhile");
        }

        _state.Write(new LogState(size, root, old.KeyId));
        LogRotated(log, old, successor, size);
        return new LogKeyRotation(old, successor, handOver, note, newKeyFile);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The log is signed on this node with {Verifier} (from {Source})")]
    private static partial void LogSigning(ILogger logger, NoteVerifierKey verifier, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The deployment's first log key was generated into {Path}: copy it to every other node (docs/operations.md)")]
    private static partial void LogGenerated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "此节点不签署公开日志 / this node does not sign the log ({Rule}): {Zh} / {En}")]
    private static partial void LogRefused(ILogger logger, string rule, string zh, string en);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log's key was handed over from {Old} to {New} after size {Size}")]
    private static partial void LogRotated(ILogger logger, NoteVerifierKey old, NoteVerifierKey @new, long size);
}
