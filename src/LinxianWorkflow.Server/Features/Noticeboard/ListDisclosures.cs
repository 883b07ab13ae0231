using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>A village's noticeboard (公开栏): current and past disclosures, readable without an account.</summary>
public sealed record ListDisclosures(string VillageCode) : IQuery<IReadOnlyList<PublicDisclosure>>;

/// <summary>A disclosure as the public sees it, with the hash of the event that published it.</summary>
public sealed record PublicDisclosure(
    string ProposalId, string StepId, int Visit, string Title, string NoticeText, string Channels, int PeriodDays,
    DateTimeOffset PublishedAt, DateTimeOffset ClosableFrom, DateTimeOffset? ClosedAt, bool Current, int EventSequence, string EventHash);

public sealed class ListDisclosuresHandler(WorkflowStore store) : IQueryHandler<ListDisclosures, IReadOnlyList<PublicDisclosure>>
{
    public async ValueTask<IReadOnlyList<PublicDisclosure>> Handle(ListDisclosures query, CancellationToken cancellationToken)
    {
        var rows = await store.DisclosuresAsync(query.VillageCode, cancellationToken);
        return [.. rows.Select(r => new PublicDisclosure(r.InstanceId, r.StepId, r.Visit, r.Title, r.NoticeText, r.Channels, r.PeriodDays,
            r.PublishedAt, r.ClosableFrom, r.ClosedAt, r.ClosedAt is null, r.EventSeq, r.EventHash.Trim()))];
    }
}
