using System.Globalization;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Http;

/// <summary>
/// Every error as RFC 9457 problem+json: <c>title</c> and <c>detail</c> in Chinese (English when the request
/// prefers it), the broken rule's id in <c>rule</c>, and both languages in <c>zh-CN</c>/<c>en</c>.
/// </summary>
public static partial class Problems
{
    /// <summary>Writes <paramref name="problem"/> through the framework's problem details service (<see cref="Customize"/> adds our members).</summary>
    public static async Task WriteAsync(HttpContext context, ProblemException problem)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = problem.Status;
        SetRetryAfter(context.Response, problem);

        var details = new ProblemDetails { Status = problem.Status };
        details.Extensions[nameof(ProblemException)] = problem;
        var written = new ProblemDetailsContext { HttpContext = context, ProblemDetails = details };
        if (!await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(written))
        {
            // A client that accepts no JSON at all still gets the problem, as problem+json.
            Customize(written);
            await context.Response.WriteAsJsonAsync(details, RequestJson.Options, "application/problem+json", context.RequestAborted);
        }
    }

    /// <summary>Retry-After for a refusal that waiting lifts: its own time, or the store's for a 503.</summary>
    public static void SetRetryAfter(HttpResponse response, ProblemException problem)
    {
        if (problem.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers.RetryAfter = StoreFailure.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Problem details, ours and the framework's (no route, wrong method...): our members added, Chinese first.</summary>
    public static void AddProblems(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Customize);
        builder.Services.AddExceptionHandler<ProblemHandler>();

        // A body that does not bind throws, so the handler can say which members are wrong.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
    }

    /// <summary>
    /// RFC 9457 members from the refusal (a framework status with none gets one): <c>type</c> urn:linxian:rule:…,
    /// <c>title</c> and <c>detail</c> in the request's language, <c>rule</c>, and both languages in <c>zh-CN</c>/<c>en</c>.
    /// </summary>
    private static void Customize(ProblemDetailsContext context)
    {
        var details = context.ProblemDetails;
        var status = details.Status ?? context.HttpContext.Response.StatusCode;
        var problem = details.Extensions.Remove(nameof(ProblemException), out var raised) && raised is ProblemException p
            ? p
            : status switch
            {
                StatusCodes.Status404NotFound => ServerText.Problem(status, "http.not-found", "RouteNotFound"),
                StatusCodes.Status413PayloadTooLarge => ServerText.Problem(status, "input.too-large", "BodyTooLarge",
                    context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize?.ToString(CultureInfo.InvariantCulture) ?? "?"),
                StatusCodes.Status415UnsupportedMediaType => ServerText.Problem(status, "input.content-type", "BodyContentType"),
                _ => ServerText.Problem(status, "http.refused", "RequestRefused", status),
            };
        var english = PrefersEnglish(context.HttpContext.Request);
        var title = TitleFor(problem.Status);
        details.Type = "urn:linxian:rule:" + problem.Rule;
        details.Title = english ? title.En : title.Zh;
        details.Status = problem.Status;
        details.Detail = english ? problem.Text.En : problem.Text.Zh;
        details.Instance = context.HttpContext.Request.Path.Value;
        details.Extensions["rule"] = problem.Rule;
        details.Extensions["zh-CN"] = problem.Text.Zh;
        details.Extensions["en"] = problem.Text.En;
    }

    /// <summary>The API's error handling: the exception handler (<see cref="ProblemHandler"/>) and bodies for bare status codes.</summary>
    public static void UseProblems(this WebApplication app)
    {
        // The pages have their own error pages (Web/PageSetup.cs); everything else answers problem+json.
        // Refusals and an unreachable database are expected answers, not failures of this program: the middleware
        // records no error for them (an unreachable database is one warning line, in the handler).
        app.UseWhen(context => !Web.PageSetup.IsPage(context.Request.Path), api =>
        {
            // A JSON body is kept, so that a refusal can name every member that did not bind, not only the first.
            api.Use((context, next) =>
            {
                if (context.Request.HasJsonContentType())
                {
                    context.Request.EnableBuffering();
                }

                return next(context);
            });
            api.UseExceptionHandler(new ExceptionHandlerOptions { SuppressDiagnosticsCallback = context => Expected(context.Exception) });
            api.UseStatusCodePages();
        });
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
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => ServerText.Problem(StatusCodes.Status415UnsupportedMediaType, "input.content-type", "BodyContentType"),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ServerText.Problem(StatusCodes.Status413PayloadTooLarge, "input.too-large", "BodyTooLarge", "?"),
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
