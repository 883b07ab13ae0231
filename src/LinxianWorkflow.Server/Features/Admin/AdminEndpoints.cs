using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Identity;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Features.Admin;

public static class AdminEndpoints
{
    public static void MapAdmin(this WebApplication app)
    {
        app.MapPost("/api/admin/clock", async ([FromBody] ClockChange change, HttpContext http, ISender sender) =>
        {
            return Api.Ok(await sender.Send(new AdvanceClock(http.Caller(), change), http.RequestAborted));
        })
        .RequireAuthorization().WithTags("Administration").WithMetadata(new BodyLimit(1024)).Produces<ClockView>()
        .WithSummary("Move the clock forward (demo and test mode only)");

        app.MapPost("/api/admin/deliveries/{deliveryId:long}/retry", async (long deliveryId, HttpContext http, ISender sender) =>
        {
            await sender.Send(new RetryDelivery(http.Caller(), deliveryId), http.RequestAborted);
            return Results.NoContent();
        })
        .RequireAuthorization().WithTags("Administration").WithSummary("Send a dead notification delivery again, once its cause is fixed");
    }
}
