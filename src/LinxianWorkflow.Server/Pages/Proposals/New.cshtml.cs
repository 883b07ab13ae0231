using System.Globalization;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages.Proposals;

/// <summary>发起议题: registers a matter in one of the caller's villages (the same use case as POST /api/proposals).</summary>
public sealed class NewModel(ISender sender, WorkflowLibrary library) : AppPageModel
{
    public IReadOnlyList<string> Villages { get; private set; } = [];

    public IReadOnlyList<string> Categories { get; private set; } = [];

    public IReadOnlyList<string> Sources { get; private set; } = [];

    [BindProperty(Name = "villagePath")]
    public string? VillagePath { get; set; }

    [BindProperty(Name = "title")]
    public string? Title { get; set; }

    [BindProperty(Name = "summary")]
    public string? Summary { get; set; }

    [BindProperty(Name = "category")]
    public string? Category { get; set; }

    [BindProperty(Name = "amountYuan")]
    public string? AmountYuan { get; set; }

    [BindProperty(Name = "source")]
    public string? Source { get; set; }

    public string Key { get; private set; } = FormKey.New();

    public void OnGet() => Load();

    public async Task<IActionResult> OnPostAsync()
    {
        Load();
        Key = FormKey.Of(Request);
        try
        {
            var amount = decimal.TryParse(AmountYuan, NumberStyles.Number, CultureInfo.InvariantCulture, out var a) ? a : -1;
            var proposal = new NewProposal(VillagePath ?? "", (Title ?? "").Trim(), (Summary ?? "").Trim(), Category ?? "", amount, Source ?? "");
            var result = await sender.Send(new Features.Proposals.StartProposal(Caller, proposal, FormKey.Posted(Request)), HttpContext.RequestAborted);
            return Redirect($"/proposals/{Uri.EscapeDataString(result.ProposalId)}?done=start");
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
            return Page();
        }
    }

    private void Load()
    {
        Villages = Starting.Villages(Caller, library);
        Categories = Villages.Count == 0 ? [] : [.. library.ForNewProposal(Villages[0]).Profile.Categories.Keys.Order(StringComparer.Ordinal)];
        Sources = Villages.Count == 0 ? [] : [.. library.ForNewProposal(Villages[0]).Definition.Sources.Select(s => s.Id)];
    }
}
