using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Identity;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Features.Rosters;

/// <summary>The body of a register: the members' names in order.</summary>
public sealed record RosterMembers(IReadOnlyList<string> Members);

public static class RosterEndpoints
{
    public static void MapRosters(this WebApplication app)
    {
        var api = app.MapGroup("/api/villages/{village}/rosters").RequireAuthorization().WithTags("Rosters");

        api.MapGet("", async (string village, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new GetRosters(http.Caller(), village), http.RequestAborted)))
        .Produces<RosterBook>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
        .WithSummary("A village's member registers (党员名册, 村民代表名册 …), one per meeting kind: the names the meeting papers list");

        api.MapPut("/{meetingKind}", async (string village, string meetingKind, [FromBody] RosterMembers body, HttpContext http, ISender sender) =>
            Api.Ok(await sender.Send(new SetRoster(http.Caller(), village, meetingKind, body.Members), http.RequestAborted)))
        .WithMetadata(new BodyLimit(256 * 1024)).Produces<Roster>()
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
        .WithSummary("Replace a village's register for one meeting kind (the village's cadres and the township's reviewer)");
    }
}
