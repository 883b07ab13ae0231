using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Notifications;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>
/// The caller's notifications: reminders, missed deadlines and escalations for their roles in their areas, newest first, each with its
/// deliveries (channel, recipient key, pending/sent/dead, attempts, the next attempt, the last error, the provider's message id, and
/// the provider's receipt: delivered or failed at the handset).
/// </summary>
public sealed record GetNotifications(Caller Caller) : IQuery<IReadOnlyList<NotificationView>>, ICallerMessage;

public sealed record NotificationView(
    long Id, string ProposalId, string Kind, string Role, string StepId, LocalizedText Text, DateTimeOffset CreatedAt, IReadOnlyList<DeliveryView> Deliveries);

public sealed record DeliveryView(
    long Id, string Channel, string Recipient, string Status, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, string? ProviderMessageId, DateTimeOffset? SentAt,
    string? ReceiptStatus, DateTimeOffset? ReceiptAt, string? ReceiptDetail);

public sealed class GetNotificationsHandler(NotificationQueries notifications, DeliveryQueries deliveries) : IQueryHandler<GetNotifications, IReadOnlyList<NotificationView>>
{
    public async ValueTask<IReadOnlyList<NotificationView>> Handle(GetNotifications query, CancellationToken cancellationToken)
    {
        var rows = await notifications.ForGrantsAsync(query.Caller.Grants, 200, cancellationToken);
        var delivered = (await deliveries.OfNotificationsAsync([.. rows.Select(n => n.Id)], cancellationToken)).ToLookup(d => d.NotificationId);
        return [.. rows.Select(n => new NotificationView(n.Id, n.InstanceId, n.Kind, n.Role, n.StepId, new LocalizedText(n.TextZh, n.TextEn), n.CreatedAt,
            [.. delivered[n.Id].Select(d => new DeliveryView(d.Id, d.Channel, d.Recipient, d.Status, d.Attempts, d.NextAttemptAt, d.LastError, d.ProviderMessageId, d.SentAt,
                d.ReceiptStatus, d.ReceiptAt, d.ReceiptDetail))]))];
    }
}
