using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Http;
using Mediator;

namespace LinxianWorkflow.Server.Features.Areas;

public static class AreaEndpoints
{
    public static void MapAreas(this WebApplication app)
    {
        app.MapGet("/api/areas", async (HttpContext http, ISender sender) =>
        {
            var query = http.Request.Query;
            var limit = Api.QueryNumber(http.Request, "limit") ?? 50;
            if (limit is < 1 or > ListAreasHandler.MaxLimit)
            {
                throw ServerText.Problem(StatusCodes.Status400BadRequest, "input.query", "QueryInvalid", "limit", $"1..{ListAreasHandler.MaxLimit}");
            }

            if (query["q"].ToString().Length > 64 || query["parent"].ToString().Length > 64)
            {
                throw ServerText.Problem(StatusCodes.Status400BadRequest, "input.query", "QueryInvalid", query["q"].ToString().Length > 64 ? "q" : "parent", "≤ 64 characters");
            }

            return Api.Ok(await sender.Send(new ListAreas(query["parent"].ToString(), query["q"].ToString(), (int)limit), http.RequestAborted));
        })
        .AllowAnonymous().WithTags("Areas")
        .Produces<IReadOnlyList<AreaView>>().ProducesProblem(StatusCodes.Status404NotFound)
        .WithSummary("Areas by name, no sign-in: the townships, villages and communities under ?parent=<code>, those matching ?q=<name or code prefix> (at most ?limit=, default 50), or the counties");
    }
}
