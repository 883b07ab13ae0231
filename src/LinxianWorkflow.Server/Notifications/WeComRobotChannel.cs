using System.Text;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// A 企业微信 (WeCom) group robot per township or county working group: <c>Notifications:WeCom:Webhooks:&lt;area code&gt;</c> holds
/// the robot's webhook key (a secret: from the environment), and each notification goes, as a markdown message with a link to
/// the proposal's page and the audience's WeCom ids mentioned, to the group of the most specific area that covers it.
/// WeCom answers <c>errcode</c> 0 when it took the message, 45009 when the robot is over its rate (20 a minute): tried again later
/// (-1, system busy, too).
/// </summary>
public sealed class WeComRobotChannel(IHttpClientFactory http, IConfiguration configuration) : INotificationChannel
{
    private readonly Dictionary<string, string> _webhooks = configuration.GetSection("Notifications:WeCom:Webhooks").GetChildren()
        .Where(c => !string.IsNullOrEmpty(c.Value)).ToDictionary(c => c.Key, c => c.Value!, StringComparer.Ordinal);

    private readonly string _endpoint = configuration["Notifications:WeCom:Endpoint"] ?? "https://qyapi.weixin.qq.com/cgi-bin/webhook/send";
    private readonly string? _baseUrl = configuration["Public:BaseUrl"]?.TrimEnd('/');

    public string Name => "wecom";

    public bool HoldsBackAtNight => false; // a group's chat, read when people look at it

    public IEnumerable<string> Recipients(NotificationRow notification, IReadOnlyList<Recipient> audience) =>
        AreaGroups.Recipient(notification, _webhooks.ContainsKey);

    public async Task<DeliveryOutcome> SendAsync(Delivery delivery, CancellationToken ct)
    {
        if (!_webhooks.TryGetValue(delivery.Recipient, out var key))
        {
            return DeliveryOutcome.Fail($"no WeCom robot is configured for area {delivery.Recipient}");
        }

        using var client = http.CreateClient(NotificationSetup.HttpClientName);
        using var response = await client.PostAsJsonAsync(
            $"{_endpoint}?key={Uri.EscapeDataString(key)}", new { msgtype = "markdown", markdown = new { content = Markdown(delivery) } }, ct);
        return await AreaGroups.RobotAnswerAsync(response, "WeCom", 45009, ct);
    }

    private string Markdown(Delivery delivery)
    {
        var n = delivery.Notification;
        var text = new StringBuilder(Plain(n.TextZh));
        if (_baseUrl is not null && !n.InstanceId.StartsWith("routine:", StringComparison.Ordinal))
        {
            text.Append("\n> [").Append(ServerText.Get("NotifyOpenProposal").Zh).Append("](").Append(_baseUrl).Append("/proposals/")
                .Append(Uri.EscapeDataString(n.InstanceId)).Append(')');
        }

        var mentions = delivery.Audience.Where(r => r.WeComId is not null).Select(r => $"<@{r.WeComId}>").ToList();
        if (mentions.Count > 0)
        {
            text.Append('\n').AppendJoin(' ', mentions);
        }

        return text.ToString();
    }

    /// <summary>
    /// A notification's text can quote what a person typed (a concern, an objection's reason): its markdown characters become their
    /// full-width forms, so nobody's words turn into a link or a mention in a government group.
    /// </summary>
    internal static string Plain(string text)
    {
        var plain = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            plain.Append(ch is '[' or ']' or '<' or '>' or '*' or '_' or '`' or '#' or '~' or '\\' ? (char)(ch + 0xFEE0) : ch);
        }

        return plain.ToString();
    }
}
