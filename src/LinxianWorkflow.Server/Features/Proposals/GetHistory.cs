using System.Text.Json;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>A proposal's whole history: every event as stored (its canonical record), with its chain hashes, and whether the chain verifies.</summary>
public sealed record GetHistory(Caller Caller, string ProposalId) : IQuery<HistoryView>, IProposalMessage;

/// <summary>An event: its record parsed, and the exact stored text (<paramref name="RecordText"/>) the hashes are computed over.</summary>
public sealed record HistoryEntry(int Sequence, JsonElement Record, string RecordText, string PreviousHash, string Hash);

public sealed record HistoryView(string ProposalId, bool Intact, string? Break, IReadOnlyList<HistoryEntry> Events);

public sealed class GetHistoryHandler(ProposalAccess access, Database store) : IQueryHandler<GetHistory, HistoryView>
{
    public async ValueTask<HistoryView> Handle(GetHistory query, CancellationToken cancellationToken)
    {
        await access.LoadAsync(query.Caller, query.ProposalId, cancellationToken);
        var stored = await store.LoadEventsAsync(query.ProposalId, cancellationToken);
        var problem = EventCodec.Verify(query.ProposalId, stored);
        return new HistoryView(query.ProposalId, problem is null, problem,
            [.. stored.Select(e => new HistoryEntry(e.Sequence, JsonDocument.Parse(e.Record).RootElement.Clone(), e.Record, e.PreviousHash, e.Hash))]);
    }
}
