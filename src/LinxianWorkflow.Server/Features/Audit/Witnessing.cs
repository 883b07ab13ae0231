using LinxianWorkflow.Audit;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;
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

public sealed class RegisterWitnessHandler(WorkflowStore store, AdjustableClock clock, AreaRegistry areas) : ICommandHandler<RegisterWitness, WitnessRegistration>
{
    public async ValueTask<WitnessRegistration> Handle(RegisterWitness command, CancellationToken cancellationToken)
    {
        // A township's witness key is its administrators' to register: one county's administrator never another's.
        if (!command.Caller.Administers(command.Registration.Township.Trim()))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "admin.scope", "WitnessOutside", areas.DisplayName(command.Registration.Township.Trim()));
        }

        var key = NoteVerifierKey.Parse(command.Registration.Key.Trim())!.ToString();
        await store.RegisterWitnessAsync(command.Registration.Township, key, clock.Real.GetUtcNow(), command.Caller.Id, cancellationToken);
        return new WitnessRegistration(command.Registration.Township, key);
    }
}

/// <summary>What a township reviewer's witness tool asks for: the newest checkpoint and the proof it extends the last one the township signed.</summary>
public sealed record GetWitnessRequest(Caller Caller, string? Township) : IQuery<WitnessRequest>, ICallerMessage;

/// <summary>
/// The newest signed checkpoint, the last checkpoint this township co-signed (null before its first) and the
/// consistency proof between them; the witness checks all three before it signs.
/// </summary>
public sealed record WitnessRequest(string Township, string WitnessKey, string Checkpoint, long Size, string? Previous, long PreviousSize, IReadOnlyList<string> Consistency);

public sealed class GetWitnessRequestHandler(WorkflowStore store, LogTree tree, AreaRegistry areas) : IQueryHandler<GetWitnessRequest, WitnessRequest>
{
    public async ValueTask<WitnessRequest> Handle(GetWitnessRequest query, CancellationToken cancellationToken)
    {
        var township = Witnessing.TownshipOf(query.Caller, query.Township);
        var witnessKey = await store.WitnessKeyAsync(township, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.not-registered", "WitnessNotRegistered", areas.DisplayName(township));
        var log = await LogSnapshot.LoadAsync(store, tree, cancellationToken) ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "log.empty", "LogEmpty");
        var previous = await store.LastWitnessSignatureAsync(township, cancellationToken);
        var from = previous is null ? 0 : Math.Min(previous.Size, log.Checkpoint.Size);
        return new WitnessRequest(township, witnessKey, log.Checkpoint.Note, log.Checkpoint.Size, previous?.Note, previous?.Size ?? 0, await log.ConsistencyAsync(from, cancellationToken));
    }
}

/// <summary>A township reviewer hands in the checkpoint note with the township's witness signature added.</summary>
public sealed record CoSignCheckpoint(Caller Caller, CoSignature CoSignature) : ICommand<WitnessedView>, ICallerMessage;

/// <summary>The co-signed note (the log's signature and the township's), and which township when the reviewer serves several.</summary>
public sealed record CoSignature(string Note, string? Township = null);

/// <summary>A checkpoint a township witnessed.</summary>
public sealed record WitnessedView(string Township, long Size, string Note, DateTimeOffset SignedAt, string SignedBy);

public sealed class CoSignCheckpointHandler(WorkflowStore store, LogIdentity identity, LogTree tree, AdjustableClock clock, AreaRegistry areas) : ICommandHandler<CoSignCheckpoint, WitnessedView>
{
    public async ValueTask<WitnessedView> Handle(CoSignCheckpoint command, CancellationToken cancellationToken)
    {
        var township = Witnessing.TownshipOf(command.Caller, command.CoSignature.Township);
        var witnessKey = NoteVerifierKey.Parse(await store.WitnessKeyAsync(township, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status409Conflict, "witness.not-registered", "WitnessNotRegistered", areas.DisplayName(township)))!;
        var note = command.CoSignature.Note;
        var keys = await identity.KeysAsync(cancellationToken);
        if (LogIdentity.Open(note, keys) is not { } text || Checkpoint.Parse(text) is not { } checkpoint
            || await store.CheckpointAsync(checkpoint.Size, cancellationToken) is not { } stored
            || stored.Root.Trim() != Convert.ToHexStringLower(checkpoint.Root))
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "witness.not-a-checkpoint", "WitnessBadNote");
        }

        if (SignedNote.Open(note, witnessKey) is null)
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "witness.signature", "WitnessBadSignature", areas.DisplayName(township));
        }

        // The server shows, and here checks again, that this checkpoint extends the last one the township signed.
        if (await store.LastWitnessSignatureAsync(township, cancellationToken) is { } previous)
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

        var row = new WitnessSignatureRow { Township = township, Size = checkpoint.Size, Note = note, SignedAt = clock.Real.GetUtcNow(), SignedBy = command.Caller.Id };
        await store.AddWitnessSignatureAsync(row, cancellationToken); // the same size twice: the first stays
        return new WitnessedView(township, checkpoint.Size, note, row.SignedAt, row.SignedBy);
    }
}

/// <summary>Each township's newest witnessed checkpoint, for anyone (the public pages show them).</summary>
public sealed record ListWitnessed : IQuery<IReadOnlyList<WitnessedView>>;

public sealed class ListWitnessedHandler(WorkflowStore store) : IQueryHandler<ListWitnessed, IReadOnlyList<WitnessedView>>
{
    public async ValueTask<IReadOnlyList<WitnessedView>> Handle(ListWitnessed query, CancellationToken cancellationToken) =>
        [.. (await store.WitnessSignaturesUpToAsync(long.MaxValue, cancellationToken)).Select(w => new WitnessedView(w.Township, w.Size, w.Note, w.SignedAt, w.SignedBy))];
}

public static class Witnessing
{
    /// <summary>The township a reviewer witnesses for: the one named (among their grants), or their only one.</summary>
    public static string TownshipOf(Caller caller, string? named)
    {
        var townships = caller.Grants.Where(g => g.Role == Roles.TownshipReviewer).Select(g => g.Scope).Distinct().ToList();
        return townships.Count == 0
            ? throw ServerText.Problem(StatusCodes.Status403Forbidden, "witness.reviewer-only", "WitnessReviewerOnly")
            : named is null
                ? townships[0]
                : townships.Contains(named) ? named : throw ServerText.Problem(StatusCodes.Status403Forbidden, "witness.reviewer-only", "WitnessReviewerOnly");
    }
}
