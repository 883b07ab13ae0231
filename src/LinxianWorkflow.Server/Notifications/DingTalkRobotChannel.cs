using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// A 钉钉 (DingTalk) group robot per township or county working group, the same shape as the WeCom robots:
/// <c>Notifications:DingTalk:Robots:&lt;area code&gt;:AccessToken</c> and <c>:Secret</c> (the robot's 加签 secret; both secrets, from the
/// environment). Each request is signed as DingTalk documents it: <c>timestamp</c> (milliseconds) and <c>sign</c> =
/// Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), URL-encoded, on the query string; the message is markdown with a link to the
/// proposal. No one is mentioned (DingTalk mentions by phone number, which a group message should not carry). <c>errcode</c> 130101
/// (over the robot's 20 messages a minute) and HTTP errors are tried again; any other code (a bad signature: 310000) is dead.
/// </summary>
public sealed class DingTalkRobotChannel(IHttpClientFactory http, IConfiguration configuration, AdjustableClock clock) : INotificationChannel
{
    private readonly Dictionary<string, (string Token, string? Secret)> _robots = configuration.GetSection("Notifications:DingTalk:Robots").GetChildren()
        .Where(c => !string.IsNullOrEmpty(c["AccessToken"])).ToDictionary(c => c.Key, c => (c["AccessToken"]!, c["Secret"]), StringComparer.Ordinal);

    private readonly string _endpoint = configuration["Notifications:DingTalk:Endpoint"] ?? "https://oapi.dingtalk.com/robot/send";
    private readonly string? _baseUrl = configuration["Public:BaseUrl"]?.TrimEnd('/');

    public string Name => "dingtalk";

    public bool HoldsBackAtNight => false;

    public IEnumerable<string> Recipients(NotificationRow notification, IReadOnlyList<Recipient> audience) =>
        AreaGroups.Recipient(notification, _robots.ContainsKey);

    public async Task<DeliveryOutcome> SendAsync(Delivery delivery, CancellationToken ct)
    {
        if (!_robots.TryGetValue(delivery.Recipient, out var robot))
        {
            return DeliveryOutcome.Fail($"no DingTalk robot is configured for area {delivery.Recipient}");
        }

        var url = new StringBuilder(_endpoint).Append("?access_token=").Append(Uri.EscapeDataString(robot.Token));
        if (robot.Secret is { Length: > 0 } secret)
        {
            // DingTalk refuses a timestamp more than an hour off: the real clock, never the demo clock.
            var timestamp = clock.Real.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "\n" + secret)));
            url.Append("&timestamp=").Append(timestamp).Append("&sign=").Append(Uri.EscapeDataString(sign));
        }

        var n = delivery.Notification;
        var text = new StringBuilder(WeComRobotChannel.Plain(n.TextZh));
        if (_baseUrl is not null && !n.InstanceId.StartsWith("routine:", StringComparison.Ordinal))
        {
            text.Append("\n\n[").Append(ServerText.Get("NotifyOpenProposal").Zh).Append("](").Append(_baseUrl).Append("/proposals/")
                .Append(Uri.EscapeDataString(n.InstanceId)).Append(')');
        }

        using var client = http.CreateClient(NotificationSetup.HttpClientName);
        using var response = await client.PostAsJsonAsync(url.ToString(),
            new { msgtype = "markdown", markdown = new { title = ServerText.Get("NotifyEmailSubject", n.TextZh.Length <= 30 ? n.TextZh : n.TextZh[..29] + "…").Zh, text = text.ToString() } }, ct);
        return await AreaGroups.RobotAnswerAsync(response, "DingTalk", 130101, ct);
    }
}
