using System.Globalization;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Identity;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LinxianWorkflow.Server.Web;

/// <summary>
/// What every page model shares: the caller, the reader's language, a refusal to show in words above the form that
/// caused it, and (unless the page is public) a trip to the sign-in page for anyone not signed in.
/// </summary>
public abstract class AppPageModel : PageModel
{
    /// <summary>False for the public side (noticeboards, notices, the public log, sign-in).</summary>
    protected virtual bool RequiresSignIn => true;

    /// <summary>False for the error page, which must not read again the input that failed.</summary>
    protected virtual bool ChecksInput => true;

    public Caller Caller => HttpContext.Caller();

    public static string Culture => CultureInfo.CurrentUICulture.Name == "en" ? "en" : "zh-CN";

    /// <summary>A refusal to show on this page (the rule's words and name), with its status.</summary>
    public ProblemException? Problem { get; private set; }

    /// <summary>Engine or server text in the reader's language.</summary>
    public static string L(LocalizedText text) => text.In(Culture);

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // A method (or a POST handler) the page does not have: 405, drawn by the error page, never the page without its data.
        if (context.HandlerMethod is null && ChecksInput && !HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method))
        {
            context.Result = StatusCode(StatusCodes.Status405MethodNotAllowed);
            return;
        }

        if (ChecksInput && Storage.StoreFailure.Marked(HttpContext) is { } unreachable && !Caller.IsAuthenticated)
        {
            throw unreachable; // the session could not be checked: the error page says the database is away (503)
        }

        if (RequiresSignIn && !Caller.IsAuthenticated)
        {
            context.Result = Redirect("/login?return=" + Uri.EscapeDataString(Request.Path + Request.QueryString));
            return;
        }

        // Control characters are refused here for every page, as the API refuses them in a body (the framework
        // itself refuses a NUL in a posted form before any page sees it).
        foreach (var (name, values) in !ChecksInput ? [] : Request.Query.Concat(Request.HasFormContentType ? Request.Form : []))
        {
            foreach (var value in values)
            {
                TextInput.Check(name, value);
            }
        }

        await next();
    }

    /// <summary>This page again, with the refusal above the form and the posted input kept in the fields.</summary>
    protected void Refuse(ProblemException problem)
    {
        Problem = problem;
        Response.StatusCode = problem.Status;
        Http.Problems.SetRetryAfter(Response, problem);
    }
}
