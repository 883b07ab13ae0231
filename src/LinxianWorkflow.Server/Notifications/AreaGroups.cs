using System.Text.Json;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>What the channels to an area's working group share (WeCom and 钉钉 robots, working mailboxes).</summary>
internal static class AreaGroups
{
    /// <summary>
    /// The group of the most specific area covering the notification that has one (the village's township before the county), or none;
    /// never for a notice addressed to one villager (<see cref="ObjectorNotices"/>).
    /// </summary>
    public static IEnumerable<string> Recipient(NotificationRow notification, Func<string, bool> hasGroup)
    {
        if (ObjectorNotices.IsObjectorNotice(notification))
        {
            return [];
        }

        var group = notification.AreaPath.Split('/').Reverse().FirstOrDefault(hasGroup);
        return group is null ? [] : [group];
    }

    /// <summary>A robot's answer: HTTP errors and <paramref name="retryCode"/> (over its rate) or an unreadable errcode are tried again; errcode 0 is sent; any other is dead.</summary>
    public static async Task<DeliveryOutcome> RobotAnswerAsync(HttpResponseMessage response, string provider, int retryCode, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            return DeliveryOutcome.Retry($"HTTP {(int)response.StatusCode}");
        }

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var code = answer.RootElement.TryGetProperty("errcode", out var c) ? c.GetInt32() : -1;
        var message = answer.RootElement.TryGetProperty("errmsg", out var m) ? m.GetString() : null;
        return code == 0
            ? DeliveryOutcome.Sent()
            : code == retryCode || code == -1
                ? DeliveryOutcome.Retry($"{provider} errcode {code}: {message}")
                : DeliveryOutcome.Fail($"{provider} errcode {code}: {message}");
    }
}
