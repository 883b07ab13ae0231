using LinxianWorkflow.Server.Http;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Features.Notifications;

public static class NotificationEndpoints
{
    /// <summary>What providers call back: Tencent Cloud SMS's delivery receipts.</summary>
    public static void MapNotifications(this WebApplication app)
    {
        app.MapPost("/api/providers/tencent-sms/receipts/{secret}", async (string secret, [FromBody] List<TencentSmsReceipt> receipts, HttpContext http, ISender sender) =>
            Results.Json(await sender.Send(new RecordSmsReceipts(secret, receipts), http.RequestAborted), Api.Json))
        .AllowAnonymous().WithTags("Notifications").WithMetadata(new BodyLimit(256 * 1024)).Produces<TencentCallbackAnswer>()
        .WithSummary("Tencent Cloud SMS pushes delivery receipts here (the URL's last segment is the shared secret); each is recorded on its delivery");
    }
}
