using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>Proposals the caller may read, filtered (village, township, status, step, overdue, category, amount, dates); villages and townships by code and name.</summary>
public sealed record ListProposals(Caller Caller, ProposalFilter Filter) : IQuery<IReadOnlyList<ProposalSummary>>, ICallerMessage;

public sealed record ProposalSummary(
    string Id, string Title, string VillageCode, string VillageName, string TownshipCode, string TownshipName, string Category, decimal AmountYuan, string Status, string? Result,
    string CurrentStep, int Version, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DueAt, bool Overdue, string? Definition = null);

public sealed class ListProposalsHandler(ProposalQueries store, AreaRegistry areas, WorkflowLibrary library) : IQueryHandler<ListProposals, IReadOnlyList<ProposalSummary>>
{
    public async ValueTask<IReadOnlyList<ProposalSummary>> Handle(ListProposals query, CancellationToken cancellationToken)
    {
        var rows = await store.ListAsync(query.Filter, query.Caller.ReadScopes, library.PrivateScopes(query.Caller), cancellationToken);
        return [.. rows.Select(r => new ProposalSummary(r.Id, r.Title, r.VillageCode, areas.ShortName(r.VillageCode), r.TownshipCode, areas.ShortName(r.TownshipCode), r.Category, r.AmountFen / 100m, r.Status, r.Result,
            r.CurrentStep, r.Version, r.StartedAt, r.UpdatedAt, r.DueAt, r.Overdue, r.DefinitionKey))];
    }
}
