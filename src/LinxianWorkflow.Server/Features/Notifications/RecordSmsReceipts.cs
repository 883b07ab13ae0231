using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using LinxianWorkflow.Engine.Time;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Notifications;
using Mediator;

namespace LinxianWorkflow.Server.Features.Notifications;

/// <summary>
/// One status report in Tencent Cloud SMS's push (短信下发状态回调, "SMS Sending Status Notification"): a JSON array of these, each naming
/// the message by <c>sid</c> (the SerialNo SendSms answered), whether the handset got it (SUCCESS or FAIL), when, and the operator's code.
/// The number it names (<c>mobile</c>) is read and not kept.
/// </summary>
public sealed record TencentSmsReceipt(
    [property: JsonPropertyName("sid")] string? Sid,
    [property: JsonPropertyName("report_status")] string? ReportStatus,
    [property: JsonPropertyName("user_receive_time")] string? UserReceiveTime,
    [property: JsonPropertyName("errmsg")] string? ErrMsg,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("nationcode")] string? NationCode = null,
    [property: JsonPropertyName("mobile")] string? Mobile = null);

/// <summary>Tencent's answer to a push: result 0 when taken (anything else makes it push again).</summary>
public sealed record TencentCallbackAnswer([property: JsonPropertyName("result")] int Result, [property: JsonPropertyName("errmsg")] string ErrMsg);

/// <summary>
/// Tencent Cloud SMS pushes delivery receipts to <c>/api/providers/tencent-sms/receipts/{secret}</c>: Tencent signs nothing it pushes, so
/// the URL carries a shared secret (<c>Notifications:Sms:ReceiptSecret</c>, from the environment or a 0600 file), compared in constant
/// time. Each report is recorded on the SMS delivery whose provider message id is its sid: delivered or failed, when, the operator's code.
/// A report for a message we do not know (another system's, or sent before ids were kept) is counted and skipped.
/// </summary>
public sealed record RecordSmsReceipts(string Secret, IReadOnlyList<TencentSmsReceipt> Receipts) : ICommand<TencentCallbackAnswer>;

public sealed partial class RecordSmsReceiptsHandler(DeliveryQueries deliveries, IConfiguration configuration, ILogger<RecordSmsReceiptsHandler> log)
    : ICommandHandler<RecordSmsReceipts, TencentCallbackAnswer>
{
    private readonly byte[]? _secret = ChannelSecret.Read(configuration, "Notifications:Sms:ReceiptSecret") is { } s ? Encoding.UTF8.GetBytes(s) : null;

    public async ValueTask<TencentCallbackAnswer> Handle(RecordSmsReceipts command, CancellationToken cancellationToken)
    {
        if (_secret is null || !CryptographicOperations.FixedTimeEquals(_secret, Encoding.UTF8.GetBytes(command.Secret)))
        {
            throw ServerText.Problem(StatusCodes.Status404NotFound, "receipt.unknown-url", "ReceiptUnknownUrl");
        }

        var parsed = new List<(string Sid, string Status, DateTimeOffset? At, string Detail)>();
        foreach (var r in command.Receipts)
        {
            if (r.Sid is not { Length: > 0 and <= 200 } sid || r.ReportStatus is not ("SUCCESS" or "FAIL"))
            {
                throw ServerText.Problem(StatusCodes.Status400BadRequest, "receipt.malformed", "ReceiptMalformed");
            }

            DateTimeOffset? at = DateTime.TryParseExact(r.UserReceiveTime, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
                ? new DateTimeOffset(local, ChinaTime.Offset).ToUniversalTime()
                : null;
            var detail = string.Join(" ", new[] { r.ErrMsg, r.Description }.Where(t => !string.IsNullOrWhiteSpace(t)));
            parsed.Add((sid, r.ReportStatus == "SUCCESS" ? "delivered" : "failed", at, detail.Length > 200 ? detail[..200] : detail));
        }

        var unknown = 0;
        foreach (var (sid, status, at, detail) in parsed)
        {
            if (!await deliveries.RecordReceiptAsync("sms", sid, status, at, detail, cancellationToken))
            {
                unknown++;
            }
        }

        if (unknown > 0)
        {
            LogUnknown(log, unknown, parsed.Count);
        }

        return new TencentCallbackAnswer(0, "OK");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Unknown} of {Count} SMS receipts name no delivery of ours; skipped")]
    private static partial void LogUnknown(ILogger logger, int unknown, int count);
}
