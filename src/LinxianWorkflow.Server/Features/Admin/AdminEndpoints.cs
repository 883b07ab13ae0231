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

        app.MapPost("/api/admin/migrations/dry-run", async ([FromBody] MigrationRequest request, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new MigrateInstances(http.Caller(), request, DryRun: true), http.RequestAborted)))
        .RequireAuthorization().WithTags("Administration").WithMetadata(new BodyLimit(64 * 1024)).Produces<MigrationReport>()
        .WithSummary("What moving instances to another definition version would do: per instance the step it lands on, the timers cancelled and created, and why it may not move");

        app.MapPost("/api/admin/migrations", async ([FromBody] MigrationRequest request, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new MigrateInstances(http.Caller(), request, DryRun: false), http.RequestAborted)))
        .RequireAuthorization().WithTags("Administration").WithMetadata(new BodyLimit(64 * 1024)).Produces<MigrationReport>()
        .WithSummary("Move instances to another definition version: an InstanceMigrated record in each history, one transaction per instance; those that may not move are named with their reasons");

        app.MapPost("/api/admin/deliveries/{deliveryId:long}/retry", async (long deliveryId, HttpContext http, ISender sender) =>
        {
            await sender.Send(new RetryDelivery(http.Caller(), deliveryId), http.RequestAborted);
            return Results.NoContent();
        })
        .RequireAuthorization().WithTags("Administration").WithSummary("Send a dead notification delivery again, once its cause is fixed");
    }
}
