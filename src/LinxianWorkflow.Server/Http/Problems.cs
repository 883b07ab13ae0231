using System.Text.Json;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace LinxianWorkflow.Server.Http;

/// <summary>
/// Every error as RFC 9457 problem+json: <c>title</c> and <c>detail</c> in Chinese (English when the request
/// prefers it), the broken rule's id in <c>rule</c>, and both languages in <c>zh-CN</c>/<c>en</c>.
/// </summary>
public static partial class Problems
{
    public const string ContentType = "application/problem+json; charset=utf-8";

    public static async Task WriteAsync(HttpContext context, ProblemException problem)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var english = PrefersEnglish(context.Request);
        var title = TitleFor(problem.Status);
        var body = new Dictionary<string, object?>
        {
            ["type"] = "urn:linxian:rule:" + problem.Rule,
            ["title"] = english ? title.En : title.Zh,
            ["status"] = problem.Status,
            ["detail"] = english ? problem.Text.En : problem.Text.Zh,
            ["instance"] = context.Request.Path.Value,
            ["rule"] = problem.Rule,
            ["zh-CN"] = problem.Text.Zh,
            ["en"] = problem.Text.En,
        };
        context.Response.Clear();
        context.Response.StatusCode = problem.Status;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = StoreFailure.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        context.Response.ContentType = ContentType;
        await context.Response.WriteAsync(JsonSerializer.Serialize(body, EventCodec.Json));
    }

    /// <summary>The exception handler: refusals we raised, lost races, the framework's own bad-request errors; anything else is a logged 500 with a reference.</summary>
    public static void UseProblems(this WebApplication app)
    {
        // The pages have their own error pages (Web/PageSetup.cs); everything else answers problem+json.
        // Refusals and an unreachable database are expected answers, not failures of this program: the middleware
        // records no error for them (an unreachable database is one warning line, below).
        app.UseWhen(context => !Web.PageSetup.IsPage(context.Request.Path), api => api.UseExceptionHandler(new ExceptionHandlerOptions
        {
            SuppressDiagnosticsCallback = context => Expected(context.Exception),
            ExceptionHandler = async context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var problem = Known(exception);
            if (problem?.Rule == "store.unavailable")
            {
                LogStoreUnavailable(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LinxianWorkflow.Server"),
                    context.Request.Method, context.Request.Path, exception?.GetBaseException().Message ?? "");
            }

            if (problem is null)
            {
                var reference = context.TraceIdentifier;
                LogUnhandled(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LinxianWorkflow.Server"),
                    exception, reference, context.Request.Method, context.Request.Path);
                problem = ServerText.Problem(StatusCodes.Status500InternalServerError, "server.error", "InternalError", reference);
            }

            await WriteAsync(context, problem);
        },
        }));

        // Status codes the framework sets with no body (no route, wrong method...) get a problem body too.
        app.UseWhen(context => !Web.PageSetup.IsPage(context.Request.Path), api => api.UseStatusCodePages(async status =>
        {
            var code = status.HttpContext.Response.StatusCode;
            var problem = code == StatusCodes.Status404NotFound
                ? ServerText.Problem(code, "http.not-found", "RouteNotFound")
                : ServerText.Problem(code, "http.refused", "RequestRefused", code);
            await WriteAsync(status.HttpContext, problem);
        }));
    }

    /// <summary>An exception that is an expected answer (a refusal, a lost race, a bad request, the database away), not a failure.</summary>
    public static bool Expected(Exception? exception) =>
        exception is ProblemException or ConcurrencyConflictException or BadHttpRequestException
        || StoreFailure.IsRetryableConflict(exception) || StoreFailure.IsUnavailable(exception);

    /// <summary>The answer an expected exception gets, or null for a failure.</summary>
    public static ProblemException? Known(Exception? exception) => exception switch
    {
        ProblemException p => p,
        ConcurrencyConflictException => ServerText.Problem(StatusCodes.Status409Conflict, "concurrency.conflict", "ConcurrencyConflict"),
        BadHttpRequestException bad => new ProblemException(bad.StatusCode, "input.bad-request", ServerText.Get("RequestRefused", bad.StatusCode)),
        _ when StoreFailure.IsRetryableConflict(exception) => ServerText.Problem(StatusCodes.Status409Conflict, "concurrency.conflict", "ConcurrencyConflict"),
        _ when StoreFailure.IsUnavailable(exception) => StoreFailure.Unavailable(),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unreachable on {Method} {Path}: {Reason}")]
    public static partial void LogStoreUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error {Reference} on {Method} {Path}")]
    public static partial void LogUnhandled(ILogger logger, Exception? exception, string reference, string method, string path);

    private static LocalizedText TitleFor(int status) => ServerText.Get(status switch
    {
        400 or 401 or 403 or 404 or 409 or 413 or 415 or 422 or 429 or 500 => "Title" + status,
        _ => "TitleOther",
    });

    private static bool PrefersEnglish(HttpRequest request)
    {
        var languages = request.GetTypedHeaders().AcceptLanguage;
        var best = languages.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault();
        return best is not null && best.Value.Value?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;
    }
}
