using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>One published notice, by the proposal and the sequence of the event that published it (public, no sign-in).</summary>
public sealed record GetNotice(string ProposalId, int EventSequence) : IQuery<NoticeView>;

/// <summary>A notice with the village it was posted in.</summary>
public sealed record NoticeView(PublicDisclosure Notice, string VillageCode);

public sealed class GetNoticeHandler(WorkflowStore store) : IQueryHandler<GetNotice, NoticeView>
{
    public async ValueTask<NoticeView> Handle(GetNotice query, CancellationToken cancellationToken)
    {
        var row = await store.DisclosureByEventAsync(query.ProposalId, query.EventSequence, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "log.not-public", "ProofNotPublic", query.ProposalId, query.EventSequence);
        return new NoticeView(PublicDisclosure.Of(row, await store.LatestCheckpointAsync(cancellationToken)), row.VillageCode);
    }
}

/// <summary>The villages that have published something, for the public index (which marks them; matters not yet disclosed stay unseen).</summary>
public sealed record ListVillagesWithMatters : IQuery<IReadOnlySet<string>>;

public sealed class ListVillagesWithMattersHandler(WorkflowStore store) : IQueryHandler<ListVillagesWithMatters, IReadOnlySet<string>>
{
    public async ValueTask<IReadOnlySet<string>> Handle(ListVillagesWithMatters query, CancellationToken cancellationToken) =>
        (await store.DisclosingVillagesAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
}
