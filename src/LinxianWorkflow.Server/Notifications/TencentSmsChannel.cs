using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Notifications;

/// <summary>
/// SMS through Tencent Cloud SMS (API 3.0, action <c>SendSms</c>, version 2021-01-11), signed with TC3-HMAC-SHA256 as Tencent documents
/// it. Every message is a registered template: <c>Notifications:Sms:Templates:&lt;kind&gt;</c> names the template id for a notification kind,
/// filled with the notification's own arguments (zh-CN). A kind without a template is not sent by SMS. SendSms takes no idempotency key:
/// the delivery id travels as <c>SessionContext</c>, which Tencent returns with receipts.
/// </summary>
public sealed class TencentSmsChannel(IHttpClientFactory http, IConfiguration configuration, AdjustableClock clock) : INotificationChannel
{
    private const string Service = "sms";
    private const string Action = "SendSms";
    private const string ContentType = "application/json; charset=utf-8";

    private readonly IConfigurationSection _settings = configuration.GetSection("Notifications:Sms");
    private readonly string? _secretKey = ChannelSecret.Read(configuration, "Notifications:Sms:SecretKey");

    public string Name => "sms";

    public bool HoldsBackAtNight => true;

    public IEnumerable<string> Recipients(NotificationRow notification, IReadOnlyList<Recipient> audience) =>
        string.IsNullOrEmpty(_settings[$"Templates:{notification.Kind}"]) ? [] : audience.Where(r => r.Phone is not null).Select(r => r.UserId);

    public async Task<DeliveryOutcome> SendAsync(Delivery delivery, CancellationToken ct)
    {
        var phone = delivery.Audience.FirstOrDefault(r => r.UserId == delivery.Recipient)?.Phone;
        if (phone is null)
        {
            return DeliveryOutcome.Fail("the recipient no longer holds the role there or has no verified phone number");
        }

        return await SendTemplateAsync(
            phone, _settings[$"Templates:{delivery.Notification.Kind}"]!, JsonSerializer.Deserialize<string[]>(delivery.Notification.Params) ?? [], $"delivery-{delivery.Id}", ct);
    }

    /// <summary>The template registered for <paramref name="name"/> (a notification kind, or <c>verify-code</c>), or null when there is none.</summary>
    public string? Template(string name) => _settings[$"Templates:{name}"] is { Length: > 0 } id ? id : null;

    /// <summary>
    /// Sends one registered template with its parameters to one mainland number; <paramref name="sessionContext"/> comes back with the
    /// provider's receipt (the delivery's id, so the receipt finds its delivery).
    /// </summary>
    public async Task<DeliveryOutcome> SendTemplateAsync(string phone, string templateId, string[] templateParams, string sessionContext, CancellationToken ct)
    {
        if (_secretKey is null)
        {
            return DeliveryOutcome.Fail("Notifications:Sms:SecretKey is not set (environment Notifications__Sms__SecretKey or Notifications:Sms:SecretKeyFile)");
        }

        var payload = JsonSerializer.Serialize(new
        {
            PhoneNumberSet = new[] { phone.StartsWith('+') ? phone : "+86" + phone },
            SmsSdkAppId = _settings["SdkAppId"],
            SignName = _settings["SignName"],
            TemplateId = templateId,
            TemplateParamSet = templateParams,
            SessionContext = sessionContext,
        });
        var endpoint = new Uri(_settings["Endpoint"] ?? "https://sms.tencentcloudapi.com/");
        var timestamp = clock.Real.GetUtcNow().ToUnixTimeSeconds(); // Tencent refuses a signature more than 5 minutes off: never the demo clock
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(payload, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        request.Headers.Add("X-TC-Action", Action);
        request.Headers.Add("X-TC-Version", "2021-01-11");
        request.Headers.Add("X-TC-Timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-TC-Region", _settings["Region"] ?? "ap-guangzhou");
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(_settings["SecretId"]!, _secretKey, endpoint.Authority, payload, timestamp));

        using var client = http.CreateClient(NotificationSetup.HttpClientName);
        using var response = await client.SendAsync(request, ct);
        if ((int)response.StatusCode >= 500 || (int)response.StatusCode == 429)
        {
            return DeliveryOutcome.Retry($"HTTP {(int)response.StatusCode}");
        }

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var body = answer.RootElement.GetProperty("Response");
        if (body.TryGetProperty("Error", out var error))
        {
            var code = error.GetProperty("Code").GetString() ?? "";
            var text = $"{code}: {error.GetProperty("Message").GetString()}";
            return Transient(code) ? DeliveryOutcome.Retry(text) : DeliveryOutcome.Fail(text);
        }

        var status = body.GetProperty("SendStatusSet")[0];
        var statusCode = status.GetProperty("Code").GetString() ?? "";
        return statusCode == "Ok"
            ? DeliveryOutcome.Sent(status.GetProperty("SerialNo").GetString())
            : Transient(statusCode)
                ? DeliveryOutcome.Retry($"{statusCode}: {status.GetProperty("Message").GetString()}")
                : DeliveryOutcome.Fail($"{statusCode}: {status.GetProperty("Message").GetString()}");
    }

    /// <summary>Throttling and Tencent's own trouble pass; anything else (a template, a signature, a number) will not.</summary>
    private static bool Transient(string code) =>
        code.StartsWith("RequestLimitExceeded", StringComparison.Ordinal) || code.StartsWith("LimitExceeded", StringComparison.Ordinal)
        || code.StartsWith("InternalError", StringComparison.Ordinal) || code is "FailedOperation.FailResolvePacket" or "ResourceUnavailable";

    /// <summary>The Authorization header of TC3-HMAC-SHA256: canonical request, string to sign over date/service/tc3_request, derived key.</summary>
    private static string Authorization(string secretId, string secretKey, string host, string payload, long timestamp)
    {
        const string SignedHeaders = "content-type;host;x-tc-action";
        var canonical = $"POST\n/\n\ncontent-type:{ContentType}\nhost:{host}\nx-tc-action:{Action.ToLowerInvariant()}\n\n{SignedHeaders}\n{Sha256Hex(payload)}";
        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{Service}/tc3_request";
        var toSign = $"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{Sha256Hex(canonical)}";
        var key = Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("TC3" + secretKey), date), Service), "tc3_request");
        var signature = Convert.ToHexStringLower(Hmac(key, toSign));
        return $"TC3-HMAC-SHA256 Credential={secretId}/{scope}, SignedHeaders={SignedHeaders}, Signature={signature}";
    }

    private static byte[] Hmac(byte[] key, string text) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text));

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
