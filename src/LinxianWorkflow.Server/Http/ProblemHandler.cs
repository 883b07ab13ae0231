using System.Text.Json;
using LinxianWorkflow.Server.Application;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace LinxianWorkflow.Server.Http;

/// <summary>
/// The API's exception handler: refusals we raised, lost races, bodies that did not bind (naming every wrong member),
/// the database away; anything else is a logged 500 with a reference. Pages have their own error pages.
/// </summary>
public sealed class ProblemHandler(ILogger<ProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Web.PageSetup.IsPage(httpContext.Request.Path))
        {
            return false;
        }

        var problem = exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad
            ? await BindingRefusalAsync(httpContext, bad)
            : Problems.Known(exception);
        if (problem?.Rule == "store.unavailable")
        {
            Problems.LogStoreUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        }

        if (problem is null)
        {
            Problems.LogUnhandled(logger, exception, httpContext.TraceIdentifier, httpContext.Request.Method, httpContext.Request.Path);
            problem = ServerText.Problem(StatusCodes.Status500InternalServerError, "server.error", "InternalError", httpContext.TraceIdentifier);
        }

        await Problems.WriteAsync(httpContext, problem);
        return true;
    }

    /// <summary>A 400 from binding: no body, a body that is not JSON, or members that are wrong for the endpoint's body type.</summary>
    private static async Task<ProblemException> BindingRefusalAsync(HttpContext http, BadHttpRequestException bad)
    {
        var body = await BodyTextAsync(http.Request);
        if (body is { Length: 0 })
        {
            return ServerText.Problem(StatusCodes.Status400BadRequest, "input.body-missing", "BodyMissing");
        }

        // The handler runs with the endpoint cleared; the feature keeps the one that threw.
        var endpoint = http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return bad.InnerException is JsonException json && endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is { } type
            ? RequestJson.Refusal(json, type, body)
            : Problems.Known(bad)!;
    }

    // The body again (API requests are buffered for this, see Problems.UseProblems), or null when it cannot be re-read.
    private static async Task<string?> BodyTextAsync(HttpRequest request)
    {
        if (request.ContentLength == 0)
        {
            return "";
        }

        if (!request.Body.CanSeek)
        {
            return null;
        }

        request.Body.Position = 0;
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }
}
