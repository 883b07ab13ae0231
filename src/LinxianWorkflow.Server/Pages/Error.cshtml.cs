using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using LinxianWorkflow.Server.Web;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// A page's error as a page: a form whose anti-forgery token did not check out (nothing was done), no such page, a
/// method the page does not take, a refusal raised outside a page's handler, or a failure (with the reference the log keeps).
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : AppPageModel
{
    protected override bool RequiresSignIn => false;

    public IActionResult OnGet(int? code) => Show(code);

    public IActionResult OnPost(int? code) => Show(code);

    private PageResult Show(int? code)
    {
        var status = code ?? StatusCodes.Status500InternalServerError;
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
        var posted = original is not null && HttpMethods.IsPost(Request.Method);
        var problem = HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error switch
        {
            ProblemException p => p,
            ConcurrencyConflictException => ServerText.Problem(StatusCodes.Status409Conflict, "concurrency.conflict", "ConcurrencyConflict"),
            BadHttpRequestException bad => ServerText.Problem(bad.StatusCode, "input.bad-request", "RequestRefused", bad.StatusCode),
            _ => null,
        } ?? status switch
        {
            StatusCodes.Status400BadRequest when posted => ServerText.Problem(status, "form.expired", "ExpiredForm"),
            StatusCodes.Status404NotFound => ServerText.Problem(status, "http.not-found", "RouteNotFound"),
            >= 500 => ServerText.Problem(StatusCodes.Status500InternalServerError, "server.error", "InternalError", HttpContext.TraceIdentifier),
            _ => ServerText.Problem(status, "http.refused", "RequestRefused", status),
        };
        Refuse(problem);
        return Page();
    }
}
