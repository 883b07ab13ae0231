using System.Globalization;
using System.Text;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Admin;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Hosting;
using Mediator;

namespace LinxianWorkflow.Server.Pages;

/// <summary>The administrator's page: users with their roles and areas, the workflow definitions as diagrams, the demo clock, and the Hangfire dashboard.</summary>
public static class AdminPages
{
    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/admin", async (HttpContext http, ISender sender, WorkflowLibrary library, AdjustableClock clock) =>
            await PageEndpoints.SignedIn(http, async page => Render(page, await sender.Send(new ListUsers(page.Caller), http.RequestAborted), library, clock, null)));

        pages.MapPost("/admin/clock", async (HttpContext http, ISender sender, WorkflowLibrary library, AdjustableClock clock) =>
            await PageEndpoints.SignedIn(http, async page =>
            {
                var users = await sender.Send(new ListUsers(page.Caller), http.RequestAborted);
                if (await PageEndpoints.FormAsync(http) is not { } form)
                {
                    return Render(page, users, library, clock, new ProblemException(StatusCodes.Status400BadRequest, "form.expired", PageContext.Both("ExpiredForm")));
                }

                try
                {
                    var days = double.TryParse(form["advanceDays"], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : -1;
                    await sender.Send(new AdvanceClock(page.Caller, new ClockChange(days)), http.RequestAborted);
                    return Results.Redirect("/admin");
                }
                catch (ProblemException problem)
                {
                    return Render(page, users, library, clock, problem);
                }
            }));
    }

    private static IResult Render(PageContext page, IReadOnlyList<UserView> users, WorkflowLibrary library, AdjustableClock clock, ProblemException? problem)
    {
        var html = new StringBuilder();
        if (problem is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" role=\"alert\">{page.L(problem.Text)}</p><p class=\"rule\">{page.T("RuleName", problem.Rule)}</p>");
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            <p><a href="/hangfire">{page.T("HangfireLink")}</a></p>
            <section aria-labelledby="clock"><h2 id="clock">{page.T("Clock")}</h2>
            <p>{page.T("ClockNow", PageContext.ChinaTime(clock.GetUtcNow()))}</p>
            <form method="post" action="/admin/clock" class="inline-form">{page.Antiforgery()}
            <label for="advanceDays">{page.T("AdvanceDays")}</label><input id="advanceDays" name="advanceDays" type="number" step="0.5" min="0.5" value="1" required>
            <button type="submit">{page.T("Submit")}</button></form></section>
            <section aria-labelledby="users"><h2 id="users">{page.T("Users")}</h2>
            <table><thead><tr><th scope="col">{page.T("UserName")}</th><th scope="col">{page.T("SignedInAs", "")}</th><th scope="col">{page.T("Roles")}</th></tr></thead><tbody>
            """);
        foreach (var u in users)
        {
            var grants = string.Join("<br>", u.Grants.Select(g => $"{PageContext.E(g.Role)} @ {PageContext.E(g.Scope)}"));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{PageContext.E(u.UserName)}</td><td>{PageContext.E(u.DisplayName)}{(u.Disabled ? $" ({page.T("Disabled")})" : "")}</td><td>{grants}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</tbody></table></section><section aria-labelledby=\"definitions\"><h2 id=\"definitions\">{page.T("Definitions")}</h2>");
        foreach (var definition in library.Catalog.Definitions.Values.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{page.L(definition.Name)} <code>{PageContext.E(definition.Key)}</code></h3>");
            html.Append(WorkflowDiagram.Svg(page, definition, "", 1, false, new HashSet<string>(StringComparer.Ordinal)));
        }

        html.Append("</section>");
        return page.Page(page.Raw("Administration"), html.ToString(), problem?.Status ?? StatusCodes.Status200OK);
    }
}
