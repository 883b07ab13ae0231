using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Web;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// A page's error as a page: a form whose anti-forgery token did not check out or that could not be read (a NUL in a
/// field; nothing was done), no such page, a
/// method the page does not take, a refusal raised outside a page's handler, or a failure (with the reference the log keeps).
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(ILogger<ErrorModel> logger) : AppPageModel
{
    protected override bool RequiresSignIn => false;

    protected override bool ChecksInput => false;

    // No handler parameters and no bound properties: a form the framework could not read (a NUL in a field) is not
    // read again here.
    public IActionResult OnGet() => Show();

    public IActionResult OnPost() => Show();

    // Any other method (a PUT re-executed here) has no handler: the problem is drawn all the same.
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerMethod is null)
        {
            Show();
        }

        await base.OnPageHandlerExecutionAsync(context, next);
    }

    private PageResult Show()
    {
        var status = int.TryParse(RouteData.Values["code"]?.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code)
            ? code
            : StatusCodes.Status500InternalServerError;
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
        var posted = original is not null && HttpMethods.IsPost(Request.Method);
        var exception = HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
        var problem = Http.Problems.Known(exception) ?? status switch
        {
            // A file over the limit is cut off while the form is read, before any page sees it: say so, not "expired".
            StatusCodes.Status400BadRequest or StatusCodes.Status413PayloadTooLarge when posted && Request.ContentLength > Engine.Instances.Limits.AttachmentBytes + (64 * 1024) =>
                ServerText.Problem(StatusCodes.Status413PayloadTooLarge, "attachment.size", "BodyTooLarge", Engine.Instances.Limits.AttachmentBytes),
            StatusCodes.Status400BadRequest when posted => ServerText.Problem(status, "form.rejected", "ExpiredForm"),
            StatusCodes.Status404NotFound => ServerText.Problem(status, "http.not-found", "RouteNotFound"),
            >= 500 => ServerText.Problem(StatusCodes.Status500InternalServerError, "server.error", "InternalError", HttpContext.TraceIdentifier),
            _ => ServerText.Problem(status, "http.refused", "RequestRefused", status),
        };
        if (problem.Rule == "server.error")
        {
            Http.Problems.LogUnhandled(logger, exception, HttpContext.TraceIdentifier, Request.Method, Request.Path);
        }

        if (problem.Rule == "store.unavailable")
        {
            Http.Problems.LogStoreUnavailable(logger, Request.Method, Request.Path, exception?.GetBaseException().Message ?? "");
        }

        Refuse(problem);
        return Page();
    }
}
