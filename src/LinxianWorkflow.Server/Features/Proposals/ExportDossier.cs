using LinxianWorkflow.Audit;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>
/// A proposal's dossier for an auditor's own verification (LinxianWorkflow.Audit.DossierVerifier): every
/// event's stored record and chain hashes, its place in the Merkle log with its inclusion proof, and the
/// signed checkpoint they are proved against; each township's newest witnessed checkpoint under it with the
/// proof that it extends that one; when <paramref name="Since"/> is given (the size of a checkpoint the
/// auditor kept), the proof that it extends that one too; and the log's key hand-overs, oldest first, so an
/// auditor holding an earlier key follows them to the key that signed.
/// </summary>
public sealed record ExportDossier(Caller Caller, string ProposalId, long? Since = null) : IQuery<Dossier>, IProposalMessage;

public sealed class ExportDossierHandler(ProposalAccess access, Dossiers dossiers) : IQueryHandler<ExportDossier, Dossier>
{
    public async ValueTask<Dossier> Handle(ExportDossier query, CancellationToken cancellationToken)
    {
        await access.LoadAsync(query.Caller, query.ProposalId, cancellationToken);
        return await dossiers.BuildAsync(query.ProposalId, query.Since, cancellationToken);
    }
}

/// <summary>Assembles a proposal's dossier (see <see cref="ExportDossier"/>); the server's own verification reads the same one.</summary>
public sealed class Dossiers(Database store, LogQueries logStore, WitnessQueries witnesses, LogTree tree)
{
    public async Task<Dossier> BuildAsync(string proposalId, long? since, CancellationToken cancellationToken)
    {
        var log = await LogSnapshot.LoadAsync(logStore, tree, cancellationToken) ?? throw LogSnapshot.NotYet(proposalId, 1);
        var events = new List<DossierEvent>();
        foreach (var e in await store.LoadEventsAsync(proposalId, cancellationToken))
        {
            var (leaf, proof) = await log.ProveAsync(logStore, proposalId, e.Sequence, cancellationToken);
            events.Add(new DossierEvent(e.Sequence, e.Record, e.PreviousHash, e.Hash, leaf.Position, proof));
        }

        var size = log.Checkpoint.Size;
        if (since is { } from && (from < 0 || from > size))
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "log.range", "LogRange", from, size, size);
        }

        var witnessed = new List<WitnessedCheckpoint>();
        foreach (var w in await witnesses.SignaturesUpToAsync(size, cancellationToken))
        {
            witnessed.Add(new WitnessedCheckpoint(w.Note, await log.ConsistencyAsync(w.Size, cancellationToken)));
        }

        var handOvers = (await logStore.KeysAsync(cancellationToken)).Select(k => k.HandOver).OfType<string>().ToList();
        return new Dossier(proposalId, events, log.Checkpoint.Note, witnessed,
            since is { } kept ? new ConsistencyProof(kept, await log.ConsistencyAsync(kept, cancellationToken)) : null, handOvers);
    }
}
