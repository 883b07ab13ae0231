using LinxianWorkflow.Audit;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Features.Proposals;
using Mediator;

namespace LinxianWorkflow.Server.Features.Audit;

/// <summary>That the log of <paramref name="From"/> leaves is a prefix of the log at the checkpoint of size <paramref name="To"/> (latest when null).</summary>
public sealed record GetConsistency(long From, long? To) : IQuery<ConsistencyView>;

/// <summary>RFC 9162 consistency proof between two checkpoints, with the later checkpoint's signed note.</summary>
public sealed record ConsistencyView(long From, long To, IReadOnlyList<string> Proof, string Checkpoint);

public sealed class GetConsistencyHandler(LogQueries logStore, LogTree tree) : IQueryHandler<GetConsistency, ConsistencyView>
{
    public async ValueTask<ConsistencyView> Handle(GetConsistency query, CancellationToken cancellationToken)
    {
        var latest = await logStore.LatestCheckpointAsync(cancellationToken) ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "log.empty", "LogEmpty");
        var to = query.To ?? latest.Size;
        var checkpoint = to == latest.Size ? latest : await logStore.CheckpointAsync(to, cancellationToken);
        if (checkpoint is null || query.From < 0 || query.From > to)
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "log.range", "LogRange", query.From, to, latest.Size);
        }

        var proof = await tree.ReadAsync(to, t => t.ConsistencyProof(query.From, to), cancellationToken);
        return new ConsistencyView(query.From, to, [.. proof.Select(Convert.ToHexStringLower)], checkpoint.Note);
    }
}

/// <summary>Every key of the log, for auditors following its hand-overs (issue 16).</summary>
public sealed record ListLogKeys : IQuery<IReadOnlyList<LogKeyView>>;

/// <summary>
/// A key of the log: it signs the checkpoints larger than <paramref name="SignsAfter"/> and up to <paramref name="SignsUpTo"/>
/// (null: the current key); <paramref name="HandOver"/> is the note its predecessor (and it) signed, null for the first key.
/// </summary>
public sealed record LogKeyView(string Key, string KeyId, long SignsAfter, long? SignsUpTo, string? HandOver, DateTimeOffset RecordedAt);

public sealed class ListLogKeysHandler(LogQueries logStore) : IQueryHandler<ListLogKeys, IReadOnlyList<LogKeyView>>
{
    public async ValueTask<IReadOnlyList<LogKeyView>> Handle(ListLogKeys query, CancellationToken cancellationToken)
    {
        var keys = await logStore.KeysAsync(cancellationToken);
        return [.. keys.Select((k, i) => new LogKeyView(k.VerifierKey, k.VerifierKey.Split('+')[1], k.SignsAfter, i + 1 < keys.Count ? keys[i + 1].SignsAfter : null, k.HandOver, k.CreatedAt))];
    }
}

/// <summary>The inclusion proof of an event that published a disclosure: public, like the notice itself.</summary>
public sealed record GetDisclosureProof(string ProposalId, int Sequence) : IQuery<EventProof>;

public sealed class GetDisclosureProofHandler(LogQueries logStore, DisclosureQueries disclosures, LogTree tree) : IQueryHandler<GetDisclosureProof, EventProof>
{
    public async ValueTask<EventProof> Handle(GetDisclosureProof query, CancellationToken cancellationToken)
    {
        if (await disclosures.ByEventAsync(query.ProposalId, query.Sequence, cancellationToken) is null)
        {
            throw ServerText.Problem(StatusCodes.Status404NotFound, "log.not-public", "ProofNotPublic", query.ProposalId, query.Sequence);
        }

        var log = await LogSnapshot.LoadAsync(logStore, tree, cancellationToken) ?? throw LogSnapshot.NotYet(query.ProposalId, query.Sequence);
        var (leaf, proof) = await log.ProveAsync(logStore, query.ProposalId, query.Sequence, cancellationToken);
        return new EventProof(query.ProposalId, query.Sequence, leaf.Position, leaf.LeafHash.Trim(), log.Checkpoint.Size, log.Checkpoint.Root.Trim(), proof, log.Checkpoint.Note);
    }
}

/// <summary>The whole log up to the latest checkpoint, for an auditor's whole-log check (county auditors and administrators).</summary>
public sealed record ExportLog(Caller Caller) : IQuery<LogExport>, ICallerMessage;

/// <summary>
/// The signed checkpoint, the log's key hand-overs, oldest first, and every entry under the checkpoint (LinxianWorkflow.Audit.LogVerifier
/// checks it). The entries stream from one database reader to the response as they are written, so the export's memory does not grow with the log.
/// </summary>
public sealed record LogExport(string Checkpoint, IReadOnlyList<string> HandOvers, IAsyncEnumerable<LogEntry> Entries);

public sealed class ExportLogHandler(LogQueries logStore) : IQueryHandler<ExportLog, LogExport>
{
    public async ValueTask<LogExport> Handle(ExportLog query, CancellationToken cancellationToken)
    {
        if (!query.Caller.Grants.Any(g => g.Role is Roles.CountyAuditor or Roles.Administrator))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "log.auditors-only", "LogAuditorsOnly");
        }

        var checkpoint = await logStore.LatestCheckpointAsync(cancellationToken) ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "log.empty", "LogEmpty");
        var handOvers = (await logStore.KeysAsync(cancellationToken)).Select(k => k.HandOver).OfType<string>();
        return new LogExport(checkpoint.Note, [.. handOvers], Entries(checkpoint.Size, cancellationToken));
    }

    /// <summary>A leaf whose event row is gone is exported with an empty record: the verifier names it.</summary>
    private async IAsyncEnumerable<LogEntry> Entries(long size, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var r in logStore.EntriesAsync(0, size, ct))
        {
            yield return new LogEntry(r.Position, r.Record ?? "", r.PrevHash?.Trim() ?? "", r.Hash?.Trim() ?? "");
        }
    }
}

/// <summary>The server's own check of a proposal, for auditors in a hurry: the dossier verified as the offline tool would, and the events table against the log.</summary>
public sealed record VerifyProposal(Caller Caller, string ProposalId) : IQuery<VerificationView>, IProposalMessage;

/// <summary>The verdict, how many events were checked, the checkpoint and which townships' witnessed checkpoints were checked too.</summary>
public sealed record VerificationView(string ProposalId, bool Intact, int? Event, string Reason, int Events, long CheckpointSize, IReadOnlyList<string> Witnesses);

public sealed class VerifyProposalHandler(ProposalAccess access, Dossiers dossiers, LogQueries logStore, WitnessQueries witnessQueries, LogIdentity identity) : IQueryHandler<VerifyProposal, VerificationView>
{
    public async ValueTask<VerificationView> Handle(VerifyProposal query, CancellationToken cancellationToken)
    {
        await access.LoadAsync(query.Caller, query.ProposalId, cancellationToken);
        var dossier = await dossiers.BuildAsync(query.ProposalId, null, cancellationToken);
        var keys = await identity.KeysAsync(cancellationToken);
        var size = Checkpoint.Parse(LogIdentity.Open(dossier.Checkpoint, keys) ?? "")?.Size ?? 0;
        var witnesses = new List<NoteVerifierKey>();
        var names = new List<string>();
        foreach (var township in (await witnessQueries.SignaturesUpToAsync(size, cancellationToken)).Select(s => s.Township))
        {
            if (NoteVerifierKey.Parse(await witnessQueries.KeyAsync(township, cancellationToken) ?? "") is { } key)
            {
                witnesses.Add(key);
                names.Add(township);
            }
        }

        var verdict = DossierVerifier.Verify(dossier, keys, witnesses);
        if (verdict.Intact)
        {
            // Events the log holds that the events table has lost (the newest cut off, say).
            var logged = await logStore.LeavesOfAsync(query.ProposalId, cancellationToken);
            if (logged.FirstOrDefault(l => l.Seq > dossier.Events.Count) is { } lost)
            {
                verdict = new Verdict(false, lost.Seq, $"the log holds it at position {lost.Position} but the record has only {dossier.Events.Count} events: the newest events were cut off");
            }
        }

        return new VerificationView(query.ProposalId, verdict.Intact, verdict.Event, verdict.Reason, dossier.Events.Count, size, names);
    }
}

/// <summary>Every published disclosure, as open data (CSV, described in docs/open-data.md).</summary>
public sealed record ExportOpenData : IQuery<IAsyncEnumerable<OpenDataRow>>;

/// <summary>A published disclosure and its village's code.</summary>
public sealed record OpenDataRow(PublicDisclosure Disclosure, string VillageCode);

/// <summary>The rows come as the database reads them (the endpoint writes each on); the checkpoint is the one read first.</summary>
public sealed class ExportOpenDataHandler(LogQueries logStore, DisclosureQueries disclosures) : IQueryHandler<ExportOpenData, IAsyncEnumerable<OpenDataRow>>
{
    public async ValueTask<IAsyncEnumerable<OpenDataRow>> Handle(ExportOpenData query, CancellationToken cancellationToken)
    {
        var checkpoint = await logStore.LatestCheckpointAsync(cancellationToken);
        return Rows(checkpoint, cancellationToken);
    }

    private async IAsyncEnumerable<OpenDataRow> Rows(CheckpointRow? checkpoint, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var r in disclosures.AllAsync(ct))
        {
            yield return new OpenDataRow(PublicDisclosure.Of(r, checkpoint), r.VillageCode);
        }
    }
}
