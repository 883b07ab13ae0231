using System.Globalization;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages.Proposals;

/// <summary>
/// 发起议题 / 登记: registers a matter in one of the caller's villages under one of the procedures they may start (the same
/// use case as POST /api/proposals). The procedure is chosen by a link (?procedure=…); its sources, categories and start
/// form come from its definition and the county's profile.
/// </summary>
public sealed class NewModel(ISender sender, WorkflowLibrary library) : AppPageModel
{
    /// <summary>The procedures the caller may start, the configured one first.</summary>
    public IReadOnlyList<StartChoice> Procedures { get; private set; } = [];

    /// <summary>The procedure the form is drawn for (null when the caller may start none).</summary>
    public StartChoice? Chosen { get; private set; }

    public IReadOnlyList<string> Villages => Chosen?.Villages ?? [];

    /// <summary>The chosen procedure's categories in the county's profile: id and name.</summary>
    public IReadOnlyList<(string Id, string Name)> Categories { get; private set; } = [];

    /// <summary>The chosen procedure's sources: id and name.</summary>
    public IReadOnlyList<(string Id, string Name)> Sources { get; private set; } = [];

    /// <summary>The chosen procedure's start form (a dispute's parties), empty for one without.</summary>
    public IReadOnlyList<FieldDefinition> StartFields { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "procedure")]
    public string? Procedure { get; set; }

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
            var form = Request.Form.Where(p => p.Key.StartsWith(ActionForms.FormPrefix, StringComparison.Ordinal) && p.Key.Length > ActionForms.FormPrefix.Length
                    && !string.IsNullOrWhiteSpace(p.Value.ToString()))
                .ToDictionary(p => p.Key[ActionForms.FormPrefix.Length..], p => p.Value.ToString().Trim(), StringComparer.Ordinal);
            // A procedure posted that is not offered goes as posted: the use case refuses it by name.
            var proposal = new NewProposal(VillagePath ?? "", (Title ?? "").Trim(), (Summary ?? "").Trim(), Category ?? "", amount, Source ?? "",
                Definition: string.IsNullOrEmpty(Procedure) ? Chosen?.Definition.Id : Procedure, Form: form.Count == 0 ? null : form);
            var result = await sender.Send(new Features.Proposals.StartProposal(Caller, proposal, FormKey.Posted(Request)), HttpContext.RequestAborted);
            return Redirect($"/proposals/{Uri.EscapeDataString(result.ProposalId)}?done=start");
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
            return Page();
        }
    }

    /// <summary>A start form field's value: as posted when the form was refused, else empty.</summary>
    public string FormValue(string field) => Request.HasFormContentType ? Request.Form[ActionForms.FormPrefix + field].ToString() : "";

    /// <summary>The link that draws the form for another procedure.</summary>
    public static string LinkTo(StartChoice choice) => "/proposals/new?procedure=" + Uri.EscapeDataString(choice.Definition.Id);

    private void Load()
    {
        Procedures = Starting.Procedures(Caller, library);
        Chosen = Procedures.FirstOrDefault(p => p.Definition.Id == Procedure) ?? (Procedures.Count > 0 ? Procedures[0] : null);
        if (Chosen is not { } chosen)
        {
            return;
        }

        var profile = library.ForNewProposal(chosen.Villages[0], chosen.Definition.Id).Profile;
        Categories = [.. profile.Categories.Values.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => (c.Id, L(c.Name)))];
        Sources = [.. chosen.Definition.Sources.Select(s => (s.Id, L(s.Name)))];
        StartFields = chosen.Definition.StartForm.Fields;
    }
}
