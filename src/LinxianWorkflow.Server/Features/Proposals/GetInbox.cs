using LinxianWorkflow.Server.Application;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>What waits for the caller: open tasks for any of their roles in their areas, soonest due first.</summary>
public sealed record GetInbox(Caller Caller) : IQuery<IReadOnlyList<InboxItem>>, ICallerMessage;

public sealed record InboxItem(string ProposalId, string Title, string VillageCode, string Task, string Role, string StepId, DateTimeOffset? DueAt, DateTimeOffset? RemindAt, DateTimeOffset OpenedAt, bool Overdue);

public sealed class GetInboxHandler(ProposalQueries store) : IQueryHandler<GetInbox, IReadOnlyList<InboxItem>>
{
    public async ValueTask<IReadOnlyList<InboxItem>> Handle(GetInbox query, CancellationToken cancellationToken)
    {
        var rows = await store.InboxAsync(query.Caller.Grants, cancellationToken);
        return [.. rows.Select(r => new InboxItem(r.InstanceId, r.Title, r.VillageCode, r.Task, r.Role, r.StepId, r.DueAt, r.RemindAt, r.OpenedAt, r.Overdue))];
    }
}
