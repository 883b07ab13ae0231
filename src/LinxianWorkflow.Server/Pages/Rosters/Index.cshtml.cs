using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Rosters;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages.Rosters;

/// <summary>
/// A village's member registers, one per meeting kind, each a list of names one to a line: read by whoever may read the
/// village's proposals, kept by its cadres and the township's reviewer. The 签到表 lists these names.
/// </summary>
public sealed class IndexModel(ISender sender) : Web.AppPageModel
{
    public RosterBook Book { get; private set; } = null!;

    /// <summary>The kind just saved (its form then says so).</summary>
    public string? Saved { get; private set; }

    /// <summary>The kind whose form was refused (its text area keeps what was posted).</summary>
    public string? RefusedKind { get; private set; }

    [BindProperty(Name = "members")]
    public string? Members { get; set; }

    public async Task OnGetAsync(string village) => Book = await sender.Send(new GetRosters(Caller, village), HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAsync(string village, string kind)
    {
        try
        {
            var names = (Members ?? "").Split('\n');
            await sender.Send(new SetRoster(Caller, village, kind, names), HttpContext.RequestAborted);
            Saved = kind;
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
            RefusedKind = kind;
        }

        Book = await sender.Send(new GetRosters(Caller, village), HttpContext.RequestAborted);
        return Page();
    }
}
