using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages.Receipts;

/// <summary>
/// 异议查询: a villager types the receipt number they were given and reads what became of their objection (the
/// committee's answer, the township's ruling), when the answer is due, and, while the law allows, takes the answer to
/// the township from here. No account: the receipt number is the key. Rate-limited per address like lodging.
/// </summary>
public sealed class IndexModel(ISender sender, AreaRegistry areas, EventText eventText) : AppPageModel
{
    protected override bool RequiresSignIn => false;

    [BindProperty(SupportsGet = true, Name = "number")]
    public string? Number { get; set; }

    [BindProperty(Name = "reason")]
    public string? Reason { get; set; }

    public ObjectionFollowUp? FollowUp { get; private set; }

    public IReadOnlyList<EventLine> Lines { get; private set; } = [];

    public string VillageName { get; private set; } = "";

    public EscalationReceipt? Escalated { get; private set; }

    public async Task OnGetAsync()
    {
        if (!string.IsNullOrWhiteSpace(Number))
        {
            await LoadAsync();
        }
    }

    public async Task<IActionResult> OnPostEscalateAsync()
    {
        await LoadAsync();
        if (FollowUp is { } f)
        {
            try
            {
                Escalated = await sender.Send(new EscalatePublicObjection(f.ProposalId, Number!.Trim().ToUpperInvariant(), new EscalationForm(Reason ?? ""),
                    HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown"), HttpContext.RequestAborted);
                await LoadAsync();
            }
            catch (ProblemException problem)
            {
                Refuse(problem);
            }
        }

        return Page();
    }

    private async Task LoadAsync()
    {
        try
        {
            FollowUp = await sender.Send(new FollowObjection(Number ?? ""), HttpContext.RequestAborted);
            Lines = eventText.Lines(FollowUp.ProposalId, FollowUp.Definition, FollowUp.Thread);
            VillageName = areas.DisplayName(FollowUp.VillageCode);
        }
        catch (ProblemException problem) when (problem.Status == StatusCodes.Status404NotFound)
        {
            FollowUp = null;
            Refuse(problem);
        }
    }
}
