using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace LinxianWorkflow.Server.Web;

/// <summary>
/// A refusal a page did not show beside its own form (no such proposal, another village's, a lost race) is shown as
/// a page of its own: the rule's words, the rule's name, the status. It is an expected answer, not an error: nothing
/// is logged.
/// </summary>
public sealed class RefusalPageFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        var problem = executed.Exception switch
        {
            ProblemException p => p,
            ConcurrencyConflictException => ServerText.Problem(StatusCodes.Status409Conflict, "concurrency.conflict", "ConcurrencyConflict"),
            _ => null,
        };
        if (problem is null || executed.ExceptionHandled)
        {
            return;
        }

        executed.ExceptionHandled = true;
        executed.Result = new ViewResult
        {
            ViewName = "/Pages/Shared/Refused.cshtml",
            StatusCode = problem.Status,
            ViewData = new ViewDataDictionary<ProblemException>(new EmptyModelMetadataProvider(), new ModelStateDictionary()) { Model = problem },
        };
    }
}
