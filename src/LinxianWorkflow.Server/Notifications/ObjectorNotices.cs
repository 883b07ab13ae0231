using System.Text.Json;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// Notices to the villager who lodged an objection (no account: role public): its answer and its escalation, as SMS templates with two
/// parameters, the proposal's title and the receipt number. The phone number is never copied into the outbox: a delivery's recipient is
/// <c>objection:&lt;receipt&gt;</c>, and the number is read from <c>objection_contacts</c> when the SMS is sent, so once an administrator
/// erases the contacts nothing in the deliveries holds it (a delivery still pending then is dead: "no phone number").
/// </summary>
public static class ObjectorNotices
{
    public const string Answered = "objector-answered";
    public const string Escalated = "objector-escalated";

    private const string RecipientPrefix = "objection:";

    public static bool IsObjectorNotice(NotificationRow notification) => notification.Kind is Answered or Escalated;

    /// <summary>The receipt number (objection id): the second template parameter.</summary>
    public static string? ObjectionId(NotificationRow notification) =>
        JsonSerializer.Deserialize<string[]>(notification.Params) is [_, var id, ..] ? id : null;

    /// <summary>The objector as a recipient, with the contact they left when it is a mobile number (not a WeChat id, not an address).</summary>
    public static async Task<Recipient?> RecipientAsync(Features.Noticeboard.ObjectionContactQueries contacts, NotificationRow notification, CancellationToken ct)
    {
        if (ObjectionId(notification) is not { } id)
        {
            return null;
        }

        var contact = (await contacts.OfObjectionAsync(notification.InstanceId, id, ct))?.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var phone = contact is not null && Features.Identity.SetUserAddresses.IsMobileNumber(contact) ? contact : null;
        return new Recipient(RecipientPrefix + id, "", phone, null);
    }
}
