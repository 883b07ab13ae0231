using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LinxianWorkflow.Server.Tests.Features.Notifications;

/// <summary>How the receiver answers one request: as the provider does when it takes the message, or one of the failures.</summary>
public enum Answer
{
    Ok,
    ServerError,
    Throttled,
    Timeout,

    /// <summary>No answer at all until the client goes away (a server killed mid-send).</summary>
    Hold,
}

/// <summary>An SMS request as Tencent Cloud received it, and whether its TC3-HMAC-SHA256 signature held.</summary>
public sealed record SmsRequest(bool SignatureValid, string? Problem, string[] Phones, string TemplateId, string[] Params, string SignName, string SdkAppId, string SessionContext, Answer Answer);

/// <summary>A DingTalk robot's request: its access token, whether the 加签 signature held, and the markdown message.</summary>
public sealed record DingTalkRequest(string Token, bool SignatureValid, string MsgType, string Title, string Text);

/// <summary>A WeCom group robot's webhook request: the robot's key and the markdown content.</summary>
public sealed record WeComRequest(string Key, string MsgType, string Content, Answer Answer);

/// <summary>
/// Tencent Cloud SMS (API 3.0 SendSms) and a WeCom group robot on 127.0.0.1, as their documentation specifies them: it checks each SMS
/// request's headers and recomputes its signature from the secret, checks the robot's key and markdown body, and answers as the provider
/// would, or with a scripted failure (a 5xx, a throttling answer, no answer within the client's timeout) for requests carrying a marker.
/// </summary>
public sealed class ProviderReceiver : IAsyncDisposable
{
    public const string SecretId = "AKIDlinxiantest0001";
    public const string SecretKey = "linxian-test-secret-key-0001";
    public const string RobotKey = "robot-141124109";
    public const string SdkAppId = "1400000001";
    public const string SignName = "临县村务";
    public const string ReviewerMention = "<@reviewer109>";
    public const string VerifyTemplate = "2009";
    public const string ReceiptSecret = "receipt-secret-7f3a9c";
    public const string SmtpPassword = "smtp-password-密码-01";
    public const string DingTalkToken = "dingtalk-token-109";
    public const string DingTalkSecret = "SECdingtalk-secret-0001";

    private readonly ConcurrentQueue<SmsRequest> _sms = new();
    private readonly ConcurrentQueue<WeComRequest> _weCom = new();
    private readonly ConcurrentQueue<DingTalkRequest> _dingTalk = new();
    private readonly ConcurrentDictionary<string, Answer[]> _script = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);
    /// <summary>Tencent's answers spell their fields in Pascal case ("Response", "SendStatusSet").</summary>
    private static readonly JsonSerializerOptions Tencent = new();

    private readonly ConcurrentQueue<string> _errors = new();
    private WebApplication? _app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<SmsRequest> Sms => [.. _sms];

    public IReadOnlyList<WeComRequest> WeCom => [.. _weCom];

    public IReadOnlyList<DingTalkRequest> DingTalk => [.. _dingTalk];

    /// <summary>The receiver's own failures (a request it could not read): none, or the test says which.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Requests on <paramref name="channel"/> ("sms", "wecom") whose text contains <paramref name="marker"/> get these answers in turn, then Ok.</summary>
    public void Script(string channel, string marker, params Answer[] answers) => _script[channel + "\n" + marker] = answers;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        _app = builder.Build();
        _app.Urls.Add("http://127.0.0.1:0");
        _app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _errors.Enqueue(e.ToString());
                throw;
            }
        });
        _app.MapPost("/", SmsAsync);
        _app.MapPost("/cgi-bin/webhook/send", WeComAsync);
        _app.MapPost("/robot/send", DingTalkAsync);
        await _app.StartAsync();
        Url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    /// <summary>
    /// Starts the receiver, then the server (<paramref name="startServer"/>, which reads <see cref="ServerArguments"/>); the administrator gives
    /// reviewer-109 a WeCom id, and reviewer-109 sets and confirms their own phone number with the code sent to it.
    /// </summary>
    public async Task StartWithAsync(Infrastructure.ServiceFixture service, Func<Task> startServer)
    {
        await StartAsync();
        await startServer();
        await Outbox.SetAddressesAsync(service, "reviewer-109", null, "reviewer109");
        await Outbox.VerifyOwnPhoneAsync(service, this, "reviewer-109", "13800000109");
    }

    /// <summary>The six-digit code in the last verification SMS sent to <paramref name="phone"/>.</summary>
    public string LastCode(string phone)
    {
        var sms = Sms.Last(s => s.TemplateId == VerifyTemplate && s.Phones.SequenceEqual(["+86" + phone]));
        Assert.True(sms.SignatureValid, sms.Problem);
        Assert.Matches("^[0-9]{6}$", sms.Params[0]);
        Assert.Equal("10", sms.Params[1]); // minutes the code is good for: the template's second parameter
        return sms.Params[0];
    }

    /// <summary>The server's settings for these providers; the SMS secret in a 0600 file, as in production.</summary>
    public IEnumerable<string> ServerArguments(string quietHours)
    {
        var secretFile = Path.Combine(Path.GetTempPath(), "linxian-sms-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(secretFile, SecretKey);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return
        [
            "--Notifications:DispatchSeconds=0.3", "--Notifications:RetryBaseSeconds=0.2", "--Notifications:RetryCapSeconds=1",
            "--Notifications:MaxAttempts=3", "--Notifications:TimeoutSeconds=3", $"--Notifications:QuietHours={quietHours}",
            "--Public:BaseUrl=https://cunwu.example.cn",
            $"--Notifications:WeCom:Endpoint={Url}cgi-bin/webhook/send", $"--Notifications:WeCom:Webhooks:141124109={RobotKey}",
            $"--Notifications:DingTalk:Endpoint={Url}robot/send", $"--Notifications:DingTalk:Robots:141124109:AccessToken={DingTalkToken}",
            $"--Notifications:DingTalk:Robots:141124109:Secret={DingTalkSecret}",
            $"--Notifications:Sms:Endpoint={Url}", $"--Notifications:Sms:SecretId={SecretId}", $"--Notifications:Sms:SecretKeyFile={secretFile}",
            $"--Notifications:Sms:SdkAppId={SdkAppId}", $"--Notifications:Sms:SignName={SignName}",
            "--Notifications:Sms:Templates:reminder=2001", "--Notifications:Sms:Templates:escalated=2002", "--Notifications:Sms:Templates:concern=2003",
            $"--Notifications:Sms:Templates:verify-code={VerifyTemplate}",
            $"--Notifications:Sms:ReceiptSecret={ReceiptSecret}",
            "--Notifications:Sms:Templates:objector-answered=2004", "--Notifications:Sms:Templates:objector-escalated=2005",
        ];
    }

    /// <summary>
    /// The next scripted answer for a request whose text holds a marker. A group gets one message per role told, so only the robot message
    /// that mentions the reviewer (<paramref name="mention"/>) follows the script; the others are taken.
    /// </summary>
    private Answer Next(string channel, string text, string? mention = null)
    {
        foreach (var (key, answers) in _script)
        {
            if (key.StartsWith(channel + "\n", StringComparison.Ordinal) && text.Contains(key[(channel.Length + 1)..], StringComparison.Ordinal)
                && (mention is null || text.Contains(mention, StringComparison.Ordinal)))
            {
                var n = _seen.AddOrUpdate(key, 1, (_, c) => c + 1);
                return n <= answers.Length ? answers[n - 1] : Answer.Ok;
            }
        }

        return Answer.Ok;
    }

    private async Task<IResult> SmsAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var payload = await reader.ReadToEndAsync(ct);
        var problem = CheckSignature(request, payload);
        using var json = JsonDocument.Parse(payload);
        var body = json.RootElement;
        string[] Strings(string name) => [.. body.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
        var templateParams = Strings("TemplateParamSet");
        var answer = problem is null ? Next("sms", string.Join('|', templateParams)) : Answer.Ok;
        _sms.Enqueue(new SmsRequest(problem is null, problem, Strings("PhoneNumberSet"), body.GetProperty("TemplateId").GetString()!, templateParams,
            body.GetProperty("SignName").GetString()!, body.GetProperty("SmsSdkAppId").GetString()!, body.GetProperty("SessionContext").GetString()!, answer));
        var requestId = Guid.NewGuid().ToString();
        if (problem is not null)
        {
            return Results.Json(new { Response = new { Error = new { Code = "AuthFailure.SignatureFailure", Message = problem }, RequestId = requestId } }, Tencent);
        }

        return answer switch
        {
            Answer.ServerError => Results.StatusCode(502),
            Answer.Throttled => Results.Json(new { Response = new { Error = new { Code = "RequestLimitExceeded", Message = "请求的次数超过了频率限制。" }, RequestId = requestId } }, Tencent),
            Answer.Timeout => await Silence(ct),
            Answer.Hold => await Silence(ct, TimeSpan.FromMinutes(5)),
            _ => Results.Json(new
            {
                Response = new
                {
                    SendStatusSet = Strings("PhoneNumberSet").Select(p => new
                    {
                        SerialNo = "2433:" + Guid.NewGuid().ToString("N"),
                        PhoneNumber = p,
                        Fee = 1,
                        SessionContext = body.GetProperty("SessionContext").GetString(),
                        Code = "Ok",
                        Message = "send success",
                        IsoCode = "CN",
                    }).ToArray(), // read now: the request's JSON document is disposed before the answer is written
                    RequestId = requestId,
                },
            }, Tencent),
        };
    }

    /// <summary>
    /// Tencent's TC3-HMAC-SHA256, step by step from its documentation ("签名方法 v3"): the common headers, then 1. the canonical request
    /// (method, URI "/", empty query, the signed headers lower-cased "key:value\n", their names, the payload's SHA-256 in lower-case hex),
    /// 2. the string to sign (algorithm, timestamp, "date/service/tc3_request", the canonical request's hash), 3. the signing key derived
    /// from "TC3" + SecretKey through the date, the service and "tc3_request", 4. the signature, compared with the Authorization header.
    /// </summary>
    private static string? CheckSignature(HttpRequest request, string payload)
    {
        if (request.Headers["X-TC-Action"] != "SendSms" || request.Headers["X-TC-Version"] != "2021-01-11" || string.IsNullOrEmpty(request.Headers["X-TC-Region"]))
        {
            return "X-TC-Action SendSms, X-TC-Version 2021-01-11 and X-TC-Region are required";
        }

        if (!long.TryParse(request.Headers["X-TC-Timestamp"], CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) > 300)
        {
            return "X-TC-Timestamp is missing or more than 5 minutes from now";
        }

        var authorization = request.Headers.Authorization.ToString();
        const string Algorithm = "TC3-HMAC-SHA256";
        if (!authorization.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            return "Authorization must use TC3-HMAC-SHA256";
        }

        var parts = authorization[(Algorithm.Length + 1)..].Split(", ").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var credential = parts["Credential"].Split('/');
        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (credential is not [SecretId, var credentialDate, "sms", "tc3_request"] || credentialDate != date)
        {
            return "Credential must be SecretId/date/sms/tc3_request";
        }

        var signedHeaders = parts["SignedHeaders"].Split(';');
        if (!signedHeaders.Contains("content-type") || !signedHeaders.Contains("host"))
        {
            return "content-type and host must be signed";
        }

        var canonicalHeaders = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            canonicalHeaders.Append(name).Append(':').Append(request.Headers[name].ToString().Trim().ToLowerInvariant()).Append('\n');
        }

        var hashedPayload = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));
        var canonicalRequest = string.Join('\n', "POST", "/", "", canonicalHeaders.ToString(), parts["SignedHeaders"], hashedPayload);
        var credentialScope = $"{date}/sms/tc3_request";
        var stringToSign = string.Join('\n', Algorithm, timestamp.ToString(CultureInfo.InvariantCulture), credentialScope,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        using var dateMac = new HMACSHA256(Encoding.UTF8.GetBytes("TC3" + SecretKey));
        var secretDate = dateMac.ComputeHash(Encoding.UTF8.GetBytes(date));
        using var serviceMac = new HMACSHA256(secretDate);
        var secretService = serviceMac.ComputeHash(Encoding.UTF8.GetBytes("sms"));
        using var signingMac = new HMACSHA256(secretService);
        var secretSigning = signingMac.ComputeHash(Encoding.UTF8.GetBytes("tc3_request"));
        using var signatureMac = new HMACSHA256(secretSigning);
        var expected = Convert.ToHexStringLower(signatureMac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
        return expected == parts["Signature"] ? null : "the signature does not match";
    }

    private async Task<IResult> WeComAsync(HttpRequest request, CancellationToken ct)
    {
        using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
        var key = request.Query["key"].ToString();
        var msgType = json.RootElement.GetProperty("msgtype").GetString()!;
        var content = json.RootElement.GetProperty("markdown").GetProperty("content").GetString()!;
        if (key != RobotKey)
        {
            _weCom.Enqueue(new WeComRequest(key, msgType, content, Answer.Ok));
            return Results.Json(new { errcode = 93000, errmsg = "invalid webhook url" });
        }

        var answer = Next("wecom", content, ReviewerMention);
        _weCom.Enqueue(new WeComRequest(key, msgType, content, answer));
        return answer switch
        {
            Answer.ServerError => Results.StatusCode(503),
            Answer.Throttled => Results.Json(new { errcode = 45009, errmsg = "api freq out of limit" }),
            Answer.Timeout => await Silence(ct),
            _ when msgType != "markdown" || Encoding.UTF8.GetByteCount(content) > 4096 => Results.Json(new { errcode = 40008, errmsg = "invalid message type" }),
            _ => Results.Json(new { errcode = 0, errmsg = "ok" }),
        };
    }

    /// <summary>
    /// DingTalk's custom robot with 加签, as documented: access_token, timestamp (ms, within an hour of now) and sign =
    /// Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)) on the query string; a markdown body with a title and text.
    /// </summary>
    private async Task<IResult> DingTalkAsync(HttpRequest request, CancellationToken ct)
    {
        using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
        var token = request.Query["access_token"].ToString();
        var timestamp = request.Query["timestamp"].ToString();
        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(DingTalkSecret), Encoding.UTF8.GetBytes(timestamp + "\n" + DingTalkSecret)));
        var valid = long.TryParse(timestamp, CultureInfo.InvariantCulture, out var ms) && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ms) < 3_600_000
            && request.Query["sign"].ToString() == expected && token == DingTalkToken;
        var body = json.RootElement;
        var markdown = body.TryGetProperty("markdown", out var md) ? md : default;
        _dingTalk.Enqueue(new DingTalkRequest(token, valid, body.GetProperty("msgtype").GetString()!,
            markdown.ValueKind == JsonValueKind.Object ? markdown.GetProperty("title").GetString()! : "", markdown.ValueKind == JsonValueKind.Object ? markdown.GetProperty("text").GetString()! : ""));
        return valid
            ? Results.Json(new { errcode = 0, errmsg = "ok" })
            : Results.Json(new { errcode = 310000, errmsg = "sign not match" });
    }

    /// <summary>No answer before the client gives up (its timeout is 3 s here).</summary>
    private static async Task<IResult> Silence(CancellationToken ct, TimeSpan? wait = null)
    {
        try
        {
            await Task.Delay(wait ?? TimeSpan.FromSeconds(10), ct);
        }
        catch (OperationCanceledException)
        {
            // The client hung up, as intended.
        }

        return Results.StatusCode(504);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
