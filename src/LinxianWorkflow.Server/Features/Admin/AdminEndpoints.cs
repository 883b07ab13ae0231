using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Identity;
using Mediator;

namespace LinxianWorkflow.Server.Features.Admin;

public static class AdminEndpoints
{
    public static void MapAdmin(this WebApplication app)
    {
        app.MapPost("/api/admin/clock", async (HttpContext http, ISender sender) =>
        {
            var (change, _) = await JsonBody.ReadAsync<ClockChange>(http.Request, 1024);
            return Api.Ok(await sender.Send(new AdvanceClock(http.Caller(), change), http.RequestAborted));
        })
        .RequireAuthorization().WithTags("Administration").Accepts<ClockChange>("application/json").Produces<ClockView>()
        .WithSummary("Move the clock forward (demo and test mode only)");
    }
}
