using LinxianWorkflow.Audit;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Hosting;
using Mediator;

namespace LinxianWorkflow.Server.Features.Audit;

// Witnessing (issue 5): a township co-signs the log's checkpoints with a key of its own, each time after
// checking the new checkpoint extends the last one it signed. A log rewritten later cannot show a proof
// that it extends a witnessed checkpoint, even with the log's own key.

/// <summary>An administrator registers (or replaces) the verifier key a township's reviewers co-sign with.</summary>
public sealed record RegisterWitness(Caller Caller, WitnessRegistration Registration) : ICommand<WitnessRegistration>, IAdministrationMessage, IValidatedMessage
{
    public ProblemException? Validate() =>
        string.IsNullOrWhiteSpace(Registration.Township) || Registration.Township.Length > 200
            ? ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "witness.township", "WitnessTownship")
            : NoteVerifierKey.Parse(Registration.Key.Trim()) is null
                ? ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "witness.key", "WitnessKeyInvalid")
                : null;
}

/// <summary>A township (its area path, e.g. 141124/141124100) and its witness verifier key (name+keyid+base64).</summary>
public sealed record WitnessRegistration(string Township, string Key);

public sealed class RegisterWitnessHandler(WitnessQueries witnesses, AdjustableClock clock, AreaRegistry areas) : ICommandHandler<RegisterWitness, WitnessRegistration>
{
    public async ValueTask<WitnessRegistration> Handle(RegisterWitness command, CancellationToken cancellationToken)
    {
        // A township's witness key is its administrators' to register: one county's administrator never another's.
        if (!command.Caller.Administers(command.Registration.Township.Trim()))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "admin.scope", "WitnessOutside", areas.DisplayName(command.Registration.Township.Trim()));
        }

        var key = NoteVerifierKey.Parse(command.Registration.Key.Trim())!.ToString();
        await witnesses.RegisterAsync(command.Registration.Township, key, clock.Real.GetUtcNow(), command.Caller.Id, cancellationToken);
        return new WitnessRegistration(command.Registration.Township, key);
    }
}

/// <summary>What a township reviewer's witness tool asks for: the newest checkpoint and the proof it extends the last one the township signed.</summary>
public sealed record GetWitnessRequest(Caller Caller, string? Township) : IQuery<WitnessRequest>, ICallerMessage;

/// <summary>
/// The newest signed checkpoint, the last checkpoint this township co-signed (null before its first) and the
/// consistency proof between them; the witness checks all three before it signs. When the log was restarted below
/// what the township co-signed (a restore, then `rotate-log-key --after-restore`), <paramref name="HandOver"/> is the
/// hand-over that gave its checkpoint up, and the proof is from the hand-over's checkpoint instead: the witness
/// accepts the restart only on it (POST /api/witness/restarts), else it keeps refusing.
/// </summary>
public sealed record WitnessRequest(string Township, string WitnessKey, string Checkpoint, long Size, string? Previous, long PreviousSize, IReadOnlyList<string> Consistency, string? HandOver = null);

public sealed class GetWitnessRequestHandler(LogQueries logStore, WitnessQueries witnesses, LogTree tree, AreaRegistry areas) : IQueryHandler<GetWitnessRequest, WitnessRequest>
{
    public async ValueTask<WitnessRequest> Handle(GetWitnessRequest query, CancellationToken cancellationToken)
    {
        var township = Witnessing.TownshipOf(query.Caller, query.Township);
        var witnessKey = await witnesses.KeyAsync(township, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.not-registered", "WitnessNotRegistered", areas.DisplayName(township));
        var log = await LogSnapshot.LoadAsync(logStore, tree, cancellationToken) ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "log.empty", "LogEmpty");
        var previous = await witnesses.LastSignatureAsync(township, cancellationToken);
        var restart = previous is null ? null : Witnessing.RestartFor(await logStore.KeysAsync(cancellationToken), previous);
        var accepted = previous is null ? await witnesses.LastRestartAsync(township, cancellationToken) : null;
        var from = Math.Min(log.Checkpoint.Size, restart?.SignsAfter ?? previous?.Size ?? accepted?.RestartSize ?? 0);
        return new WitnessRequest(township, witnessKey, log.Checkpoint.Note, log.Checkpoint.Size, previous?.Note, previous?.Size ?? 0,
            await log.ConsistencyAsync(from, cancellationToken), restart?.HandOver);
    }
}

/// <summary>A township reviewer hands in the checkpoint note with the township's witness signature added.</summary>
public sealed record CoSignCheckpoint(Caller Caller, CoSignature CoSignature) : ICommand<WitnessedView>, ICallerMessage;

/// <summary>The co-signed note (the log's signature and the township's), and which township when the reviewer serves several.</summary>
public sealed record CoSignature(string Note, string? Township = null);

/// <summary>A checkpoint a township witnessed.</summary>
public sealed record WitnessedView(string Township, long Size, string Note, DateTimeOffset SignedAt, string SignedBy);

public sealed class CoSignCheckpointHandler(LogQueries logStore, WitnessQueries witnesses, LogIdentity identity, LogTree tree, AdjustableClock clock, AreaRegistry areas) : ICommandHandler<CoSignCheckpoint, WitnessedView>
{
    public async ValueTask<WitnessedView> Handle(CoSignCheckpoint command, CancellationToken cancellationToken)
    {
        var (township, witnessKey) = await Witnessing.RegisteredAsync(witnesses, areas, command.Caller, command.CoSignature.Township, cancellationToken);
        var note = command.CoSignature.Note;
        var keys = await identity.KeysAsync(cancellationToken);
        if (LogIdentity.Open(note, keys) is not { } text || Checkpoint.Parse(text) is not { } checkpoint
            || await logStore.CheckpointAsync(checkpoint.Size, cancellationToken) is not { } stored
            || stored.Root.Trim() != Convert.ToHexStringLower(checkpoint.Root))
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "witness.not-a-checkpoint", "WitnessBadNote");
        }

        if (SignedNote.Open(note, witnessKey) is null)
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "witness.signature", "WitnessBadSignature", areas.DisplayName(township));
        }

        // The server shows, and here checks again, that this checkpoint extends the last one the township signed
        // (in its current epoch: after a restart it accepted, the restarted log from the hand-over's size on).
        var restart = await witnesses.LastRestartAsync(township, cancellationToken);
        if (await witnesses.LastSignatureAsync(township, cancellationToken) is not { } previous)
        {
            if (restart is not null && checkpoint.Size < restart.RestartSize)
            {
                throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.older", "WitnessOlder", restart.RestartSize, checkpoint.Size);
            }
        }
        else
        {
            if (previous.Size > checkpoint.Size)
            {
                throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.older", "WitnessOlder", previous.Size, checkpoint.Size);
            }

            var before = Checkpoint.Parse(LogIdentity.Open(previous.Note, keys) ?? "")
                ?? throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.inconsistent", "WitnessInconsistent");
            var proof = await tree.ReadAsync(checkpoint.Size, t => t.ConsistencyProof(before.Size, checkpoint.Size), cancellationToken);
            if (!MerkleProof.VerifyConsistency(before.Size, checkpoint.Size, before.Root, checkpoint.Root, proof))
            {
                throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.inconsistent", "WitnessInconsistent");
            }
        }

        var row = new WitnessSignatureRow { Township = township, Epoch = restart?.Epoch ?? 0, Size = checkpoint.Size, Note = note, SignedAt = clock.Real.GetUtcNow(), SignedBy = command.Caller.Id };
        await witnesses.AddSignatureAsync(row, cancellationToken); // the same size twice: the first stays
        return new WitnessedView(township, checkpoint.Size, note, row.SignedAt, row.SignedBy);
    }
}

/// <summary>
/// A township reviewer hands in the log's restart hand-over with the township's witness signature added (`linxian witness`
/// after checking the hand-over is signed by the log key it trusts and gives up the checkpoint it last co-signed): the
/// township's acceptance, kept (witness_restarts), after which it co-signs the restarted log.
/// </summary>
public sealed record AcceptRestart(Caller Caller, CoSignature CoSignature) : ICommand<WitnessRestartView>, ICallerMessage;

/// <summary>A restart a township accepted: its new epoch, the hand-over's size and the size given up, the co-signed hand-over.</summary>
public sealed record WitnessRestartView(string Township, int Epoch, long RestartSize, long AbandonedSize, string HandOver, DateTimeOffset AcceptedAt, string AcceptedBy);

public sealed class AcceptRestartHandler(LogQueries logStore, WitnessQueries witnesses, AdjustableClock clock, AreaRegistry areas) : ICommandHandler<AcceptRestart, WitnessRestartView>
{
    public async ValueTask<WitnessRestartView> Handle(AcceptRestart command, CancellationToken cancellationToken)
    {
        var (township, witnessKey) = await Witnessing.RegisteredAsync(witnesses, areas, command.Caller, command.CoSignature.Township, cancellationToken);
        var note = command.CoSignature.Note;
        var keys = await logStore.KeysAsync(cancellationToken);
        var text = SignedNote.UnverifiedText(note);
        var recorded = keys.FirstOrDefault(k => k.HandOver is { } h && text is not null && SignedNote.UnverifiedText(h) == text);
        if (recorded is null || KeyHandOver.Parse(text!) is not { Abandoned: { } abandoned } handOver || KeyHandOver.Open(note, handOver.Old) is null)
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "witness.not-a-hand-over", "WitnessNotAHandOver");
        }

        if (SignedNote.Open(note, witnessKey) is null)
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "witness.signature", "WitnessBadSignature", areas.DisplayName(township));
        }

        // Not a restart that leaves out what this township co-signed (a larger checkpoint, or one another hand-over gave up),
        // nor one it accepted already. (A database restored from a dump may have lost the township's newest co-signatures:
        // the witness's own record of them is what it checked against the hand-over.)
        var previous = await witnesses.LastSignatureAsync(township, cancellationToken);
        var last = await witnesses.LastRestartAsync(township, cancellationToken);
        if ((previous is not null && (previous.Size > abandoned.Size || (Witnessing.RestartFor(keys, previous) is { } other && other.Seq != recorded.Seq)))
            || (last is not null && SignedNote.UnverifiedText(last.HandOver) == text))
        {
            throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.no-restart", "WitnessNoRestart", previous?.Size ?? 0, handOver.Size, abandoned.Size);
        }

        var epoch = (last?.Epoch ?? 0) + 1;
        var row = new WitnessRestartRow
        {
            Township = township,
            Epoch = epoch,
            HandOver = note,
            RestartSize = handOver.Size,
            AcceptedAt = clock.Real.GetUtcNow(),
            AcceptedBy = command.Caller.Id,
        };
        if (!await witnesses.AddRestartAsync(row, cancellationToken))
        {
            throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.no-restart", "WitnessNoRestart", previous?.Size ?? 0, handOver.Size, abandoned.Size);
        }

        return new WitnessRestartView(township, epoch, handOver.Size, abandoned.Size, note, row.AcceptedAt, row.AcceptedBy);
    }
}

/// <summary>Each township's newest witnessed checkpoint, for anyone (the public pages show them).</summary>
public sealed record ListWitnessed : IQuery<IReadOnlyList<WitnessedView>>;

public sealed class ListWitnessedHandler(WitnessQueries witnesses) : IQueryHandler<ListWitnessed, IReadOnlyList<WitnessedView>>
{
    public async ValueTask<IReadOnlyList<WitnessedView>> Handle(ListWitnessed query, CancellationToken cancellationToken) =>
        [.. (await witnesses.SignaturesUpToAsync(long.MaxValue, cancellationToken)).Select(w => new WitnessedView(w.Township, w.Size, w.Note, w.SignedAt, w.SignedBy))];
}

public static class Witnessing
{
    /// <summary>The township the reviewer hands in for (<see cref="TownshipOf"/>) and its registered witness key; 409 before one is registered.</summary>
    public static async Task<(string Township, NoteVerifierKey Key)> RegisteredAsync(WitnessQueries witnesses, AreaRegistry areas, Caller caller, string? named, CancellationToken ct)
    {
        var township = TownshipOf(caller, named);
        var key = await witnesses.KeyAsync(township, ct)
            ?? throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.not-registered", "WitnessNotRegistered", areas.DisplayName(township));
        return (township, NoteVerifierKey.Parse(key)!);
    }

    /// <summary>
    /// The log key whose hand-over restarted the log below <paramref name="previous"/> (a township's newest co-signature):
    /// the newest hand-over naming a checkpoint given up (after a restore) at a size smaller than the co-signed one, when
    /// that co-signature was made under a key before it. Null when the township's checkpoint is still part of the log.
    /// </summary>
    public static LogKeyRow? RestartFor(List<LogKeyRow> keys, WitnessSignatureRow previous)
    {
        for (var i = keys.Count - 1; i > 0; i--)
        {
            if (keys[i].HandOver is { } note && SignedNote.UnverifiedText(note) is { } text && KeyHandOver.Parse(text) is { Abandoned: not null } handOver
                && handOver.Size < previous.Size
                && keys.Skip(i).All(k => NoteVerifierKey.Parse(k.VerifierKey) is not { } key || SignedNote.Open(previous.Note, key) is null))
            {
                return keys[i];
            }
        }

        return null;
    }

    /// <summary>The township a reviewer witnesses for: the one named (among their grants), or their only one.</summary>
    public static string TownshipOf(Caller caller, string? named)
    {
        var townships = caller.Grants.Where(g => Roles.GrantDepth(g.Role) is (2, 2)).Select(g => g.Scope).Distinct().ToList();
        return townships.Count == 0
            ? throw ServerText.Problem(StatusCodes.Status403Forbidden, "witness.reviewer-only", "WitnessReviewerOnly")
            : named is null
                ? townships[0]
                : townships.Contains(named) ? named : throw ServerText.Problem(StatusCodes.Status403Forbidden, "witness.reviewer-only", "WitnessReviewerOnly");
    }
}
