using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>The caller's notifications: reminders, missed deadlines and escalations for their roles in their areas, newest first.</summary>
public sealed record GetNotifications(Caller Caller) : IQuery<IReadOnlyList<NotificationView>>, ICallerMessage;

public sealed record NotificationView(long Id, string ProposalId, string Kind, string Role, string StepId, LocalizedText Text, DateTimeOffset CreatedAt);

public sealed class GetNotificationsHandler(WorkflowStore store) : IQueryHandler<GetNotifications, IReadOnlyList<NotificationView>>
{
    public async ValueTask<IReadOnlyList<NotificationView>> Handle(GetNotifications query, CancellationToken cancellationToken)
    {
        var rows = await store.NotificationsAsync(query.Caller.Grants, 200, cancellationToken);
        return [.. rows.Select(n => new NotificationView(n.Id, n.InstanceId, n.Kind, n.Role, n.StepId, new LocalizedText(n.TextZh, n.TextEn), n.CreatedAt))];
    }
}
