using System.Globalization;
using System.Text;
using System.Text.Json;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Proposals;
using Mediator;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// A proposal's page: its facts, the workflow diagram, what the reader may do now (one form per action, the
/// engine's refusal shown in words with the rule's name above them), and the history as a timeline with the
/// chain's verdict and the dossier exports.
/// </summary>
public static class ProposalPage
{
    public static async Task<IResult> RenderAsync(PageContext page, ISender sender, WorkflowLibrary library, string id, ProblemException? problem)
    {
        var ct = page.Http.RequestAborted;
        var view = await sender.Send(new GetProposal(page.Caller, id), ct);
        var history = await sender.Send(new GetHistory(page.Caller, id), ct);
        var definition = library.Catalog.Definitions.Values.First(d => d.Key == view.Definition);
        // How often the history entered each step: once is the ordinary path, more is a step returned and taken again.
        var entered = history.Events.Where(e => e.Record.GetProperty("type").GetString() == "StepEntered")
            .Select(e => e.Record.GetProperty("data").GetProperty("stepId").GetString()!)
            .GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var attempt = entered.GetValueOrDefault(view.CurrentStep.Id);
        var html = new StringBuilder();
        if (problem is not null)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<div class=\"error\" role=\"alert\"><p>{page.T("Refused", problem.Text.In(page.Culture))}</p><p class=\"rule\">{page.T("RuleName", problem.Rule)}</p></div>");
        }
        else if (page.Http.Request.Query["done"].FirstOrDefault() is { } action)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"done\" role=\"status\">{page.T("Done", page.Raw(action == "start" ? "StartProposal" : "Action." + action))}</p>");
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            <dl class="facts">
            <dt>{page.T("Village")}</dt><dd>{PageContext.E(view.VillagePath)}</dd>
            <dt>{page.T("Category")}</dt><dd>{PageContext.E(view.Category)}</dd>
            <dt>{page.T("Amount")}</dt><dd>{PageContext.Money(view.AmountYuan)}</dd>
            <dt>{page.T("Status")}</dt><dd>{page.Option(view.Status)}{(view.Result is { } r ? " · " + PageContext.E(r) : "")}</dd>
            <dt>{page.T("Step")}</dt><dd>{page.L(view.CurrentStep.Name)}{(attempt > 1 ? " · " + page.T("Visit", attempt) : "")}</dd>
            <dt>{page.T("Due")}</dt><dd>{PageContext.ChinaTime(view.DueAt)}{(view.Overdue ? $" <strong>{page.T("Overdue")}</strong>" : "")}</dd>
            </dl>
            <p class="summary">{PageContext.E(view.Summary)}</p>
            <section aria-labelledby="diagram"><h2 id="diagram">{page.T("Workflow")}</h2>
            {WorkflowDiagram.Svg(page, definition, view.CurrentStep.Id, view.Status == "ended", entered)}
            </section>
            <section aria-labelledby="actions"><h2 id="actions">{page.T("Actions")}</h2>
            """);
        if (view.Actions.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{page.T("NoActions")}</p>");
        }

        var steps = definition.Steps.Where(s => s.Kind != Engine.Definitions.StepKind.End).ToDictionary(s => s.Id, s => page.L(s.Name), StringComparer.Ordinal);
        foreach (var action in view.Actions)
        {
            html.Append(ActionForms.Render(page, view.Id, view.Version, action, steps));
        }

        html.Append("</section>");

        // Attachments: each a link to the file whose SHA-256 the history records.
        var attached = history.Events.Where(e => e.Record.GetProperty("type").GetString() == "DocumentAttached").Select(e => e.Record.GetProperty("data")).ToList();
        html.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"attachments\"><h2 id=\"attachments\">{page.T("Attachments")}</h2>");
        html.Append(attached.Count == 0 ? $"<p>{page.T("AttachmentsEmpty")}</p>" : "<ul class=\"attachments\">");
        foreach (var a in attached)
        {
            var sha = a.GetProperty("sha256").GetString()!;
            html.Append(CultureInfo.InvariantCulture,
                $"<li><a href=\"/api/proposals/{Uri.EscapeDataString(view.Id)}/attachments/{sha}\">{PageContext.E(a.GetProperty("fileName").GetString())}</a> ({a.GetProperty("sizeBytes").GetInt64():#,0} B, {PageContext.E(a.GetProperty("mediaType").GetString())}) <code>SHA-256 {sha}</code></li>");
        }

        html.Append(attached.Count == 0 ? "</section>" : "</ul></section>");
        var escaped = Uri.EscapeDataString(view.Id);
        html.Append(CultureInfo.InvariantCulture, $"""
            <section aria-labelledby="history"><h2 id="history">{page.T("History")}</h2>
            <p class="{(history.Intact ? "intact" : "error")}">{(history.Intact ? page.T("ChainIntact") : page.T("ChainBroken", history.Break))}</p>
            <p class="exports">{page.T("Dossier")}：<a href="/api/proposals/{escaped}/dossier.html">{page.T("DossierPrint")}</a> · <a href="/api/proposals/{escaped}/dossier.csv">{page.T("DossierCsv")}</a> · <a href="/api/proposals/{escaped}/dossier">{page.T("DossierJson")}</a></p>
            <ol class="timeline">
            """);
        foreach (var e in history.Events)
        {
            var record = e.Record;
            var actor = record.TryGetProperty("actor", out var a) && a.TryGetProperty("name", out var n) ? n.GetString() : "";
            var at = record.TryGetProperty("at", out var t) && t.TryGetDateTimeOffset(out var time) ? PageContext.ChinaTime(time) : "";
            var stepId = record.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("stepId", out var sid) ? sid.GetString() : null;
            var where = stepId is not null && steps.TryGetValue(stepId, out var stepName) ? " · " + stepName : "";
            html.Append(CultureInfo.InvariantCulture,
                $"<li><span class=\"when\">{at}</span> <span class=\"what\">{page.EventName(record.GetProperty("type").GetString())}</span>{where} <span class=\"who\">{PageContext.E(actor)}</span> <code title=\"{page.T("Hash")}\">{PageContext.E(e.Hash[..12])}</code></li>");
        }

        html.Append("</ol></section>");
        return page.Page(view.Title, html.ToString(), problem?.Status ?? StatusCodes.Status200OK);
    }
}
