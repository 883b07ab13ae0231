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
/// proof that it extends that one; and, when <paramref name="Since"/> is given (the size of a checkpoint the
/// auditor kept), the proof that it extends that one too.
/// </summary>
public sealed record ExportDossier(Caller Caller, string ProposalId, long? Since = null) : IQuery<Dossier>, IProposalMessage;

public sealed class ExportDossierHandler(WorkflowStore store, LogTree tree) : IQueryHandler<ExportDossier, Dossier>
{
    public async ValueTask<Dossier> Handle(ExportDossier query, CancellationToken cancellationToken)
    {
        var log = await LogSnapshot.LoadAsync(store, tree, cancellationToken) ?? throw LogSnapshot.NotYet(query.ProposalId, 1);
        var events = new List<DossierEvent>();
        foreach (var e in await store.LoadEventsAsync(query.ProposalId, cancellationToken))
        {
            var (leaf, proof) = await log.ProveAsync(store, query.ProposalId, e.Sequence, cancellationToken);
            events.Add(new DossierEvent(e.Sequence, e.Record, e.PreviousHash, e.Hash, leaf.Position, proof));
        }

        var size = log.Checkpoint.Size;
        if (query.Since is { } since && (since < 0 || since > size))
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "log.range", "LogRange", since, size, size);
        }

        var witnessed = new List<WitnessedCheckpoint>();
        foreach (var w in await store.WitnessSignaturesUpToAsync(size, cancellationToken))
        {
            witnessed.Add(new WitnessedCheckpoint(w.Note, await log.ConsistencyAsync(w.Size, cancellationToken)));
        }

        return new Dossier(query.ProposalId, events, log.Checkpoint.Note, witnessed,
            query.Since is { } from ? new ConsistencyProof(from, await log.ConsistencyAsync(from, cancellationToken)) : null);
    }
}
