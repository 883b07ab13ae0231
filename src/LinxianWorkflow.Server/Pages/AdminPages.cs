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
        pages.MapGet("/admin/users/{id}", async (string id, HttpContext http, ISender sender) =>
            await PageEndpoints.SignedIn(http, async page => UserPage(page, await FindAsync(sender, page, id), null, null)));

        pages.MapPost("/admin/users/{id}", async (string id, HttpContext http, ISender sender) =>
            await PageEndpoints.SignedIn(http, async page =>
            {
                var user = await FindAsync(sender, page, id);
                if (await PageEndpoints.FormAsync(http) is not { } form)
                {
                    return UserPage(page, user, PageContext.ExpiredForm(), null);
                }

                try
                {
                    if (form["revoke"].ToString() is { Length: > 0 } tokenId)
                    {
                        await sender.Send(new RevokeToken(page.Caller, id, tokenId), http.RequestAborted);
                    }
                    else
                    {
                        var password = form["password"].ToString();
                        await sender.Send(new UpdateUser(page.Caller, id, new UserChange(
                            Grants(form["grants"].ToString()), form["disabled"] == "true", password.Length == 0 ? null : password, form["displayName"].ToString().Trim())), http.RequestAborted);
                    }

                    return UserPage(page, await FindAsync(sender, page, id), null, page.Raw("Saved"));
                }
                catch (ProblemException problem)
                {
                    return UserPage(page, user, problem, null);
                }
            }));

        pages.MapPost("/admin/users", async (HttpContext http, ISender sender, WorkflowLibrary library, AdjustableClock clock) =>
            await PostAsync(http, sender, library, clock, async (page, form) =>
            {
                var created = await sender.Send(new CreateUser(page.Caller, new NewUser(form["userName"].ToString().Trim(), form["displayName"].ToString().Trim(),
                    Grants(form["grants"].ToString()))), http.RequestAborted);
                return page.Page(page.Raw("UserCreated"),
                    $"<p class=\"done\" role=\"status\">{page.T("GeneratedPassword", created.UserName, created.GeneratedPassword)}</p><p><a href=\"/admin\">{page.T("Back")}</a></p>",
                    StatusCodes.Status201Created);
            }));

        pages.MapGet("/admin", async (HttpContext http, ISender sender, WorkflowLibrary library, AdjustableClock clock) =>
            await PageEndpoints.SignedIn(http, async page => Render(page, await sender.Send(new ListUsers(page.Caller), http.RequestAborted), library, clock, null)));

        pages.MapPost("/admin/clock", async (HttpContext http, ISender sender, WorkflowLibrary library, AdjustableClock clock) =>
            await PostAsync(http, sender, library, clock, async (page, form) =>
            {
                var days = double.TryParse(form["advanceDays"], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : -1;
                await sender.Send(new AdvanceClock(page.Caller, new ClockChange(days)), http.RequestAborted);
                return Results.Redirect("/admin");
            }));
    }

    /// <summary>A form posted on the administration page: checked for its token, then done; a refusal shows the page again with the rule.</summary>
    private static Task<IResult> PostAsync(HttpContext http, ISender sender, WorkflowLibrary library, AdjustableClock clock, Func<PageContext, IFormCollection, Task<IResult>> act) =>
        PageEndpoints.SignedIn(http, async page =>
        {
            try
            {
                return await PageEndpoints.FormAsync(http) is { } form ? await act(page, form) : throw PageContext.ExpiredForm();
            }
            catch (ProblemException problem)
            {
                return Render(page, await sender.Send(new ListUsers(page.Caller), http.RequestAborted), library, clock, problem);
            }
        });

    private static async Task<UserView> FindAsync(ISender sender, PageContext page, string id) =>
        (await sender.Send(new ListUsers(page.Caller), page.Http.RequestAborted)).FirstOrDefault(u => u.Id == id)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "user.unknown", "UserUnknown", id);

    /// <summary>Grants typed one per line as "role@area" (e.g. party-secretary@141124/141124105/141124105201).</summary>
    private static List<Engine.RoleGrant> Grants(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('@', 2)).Select(p => new Engine.RoleGrant(p[0].Trim(), p.Length > 1 ? p[1].Trim() : ""))];

    private static string GrantsText(IEnumerable<Engine.RoleGrant> grants) => string.Join("\n", grants.Select(g => $"{g.Role}@{g.Scope}"));

    private static IResult UserPage(PageContext page, UserView user, ProblemException? problem, string? saved)
    {
        var html = new StringBuilder();
        if (problem is not null)
        {
            html.Append(page.Refusal(problem));
        }
        else if (saved is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"done\" role=\"status\">{PageContext.E(saved)}</p>");
        }

        var action = $"/admin/users/{Uri.EscapeDataString(user.Id)}";
        html.Append(CultureInfo.InvariantCulture, $"""
            <form method="post" action="{action}" class="narrow" id="user-form">{page.Antiforgery()}
            <label for="displayName">{page.T("DisplayName")}</label><input id="displayName" name="displayName" value="{PageContext.Attr(user.DisplayName)}" required>
            <label for="grants">{page.T("GrantsHelp")}</label><textarea id="grants" name="grants" rows="4">{PageContext.E(GrantsText(user.Grants))}</textarea>
            <label class="check"><input type="checkbox" name="disabled" value="true"{(user.Disabled ? " checked" : "")}> {page.T("Disabled")}</label>
            <label for="password">{page.T("NewPassword")}</label><input id="password" name="password" type="password" autocomplete="new-password">
            <button type="submit">{page.T("Submit")}</button>
            </form>
            <h2>{page.T("Tokens")}</h2><table><thead><tr><th scope="col">{page.T("TokenName")}</th><th scope="col">{page.T("Due")}</th><th scope="col">{page.T("Status")}</th></tr></thead><tbody>
            """);
        foreach (var t in user.Tokens)
        {
            var revoke = t.RevokedAt is null
                ? $"<form method=\"post\" action=\"{action}\" class=\"inline\">{page.Antiforgery()}<input type=\"hidden\" name=\"revoke\" value=\"{PageContext.Attr(t.TokenId)}\"><button type=\"submit\">{page.T("Revoke")}</button></form>"
                : page.T("Revoked");
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{PageContext.E(t.Name)} ({PageContext.E(t.Kind)})</td><td>{PageContext.ChinaTime(t.ExpiresAt)}</td><td>{revoke}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</tbody></table><p><a href=\"/admin\">{page.T("Back")}</a></p>");
        return page.Page(user.UserName, html.ToString(), problem?.Status ?? StatusCodes.Status200OK);
    }

    private static string Describe(Engine.Rules.Threshold t) =>
        $"{(t.Comparison == Engine.Rules.Comparison.AtLeast ? "≥" : ">")} {t.Fraction} × {t.Base}";

    private static IResult Render(PageContext page, IReadOnlyList<UserView> users, WorkflowLibrary library, AdjustableClock clock, ProblemException? problem)
    {
        var html = new StringBuilder();
        if (problem is not null)
        {
            html.Append(page.Refusal(problem));
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            <p><a href="/hangfire">{page.T("HangfireLink")}</a></p>
            <section aria-labelledby="clock"><h2 id="clock">{page.T("Clock")}</h2>
            <p>{page.T("ClockNow", PageContext.ChinaTime(clock.GetUtcNow()))}</p>
            <form method="post" action="/admin/clock" class="inline-form">{page.Antiforgery()}
            <label for="advanceDays">{page.T("AdvanceDays")}</label><input id="advanceDays" name="advanceDays" type="number" step="0.5" min="0.5" value="1" required>
            <button type="submit">{page.T("Submit")}</button></form></section>
            <section aria-labelledby="users"><h2 id="users">{page.T("Users")}</h2>
            <table><thead><tr><th scope="col">{page.T("UserName")}</th><th scope="col">{page.T("DisplayName")}</th><th scope="col">{page.T("Roles")}</th></tr></thead><tbody>
            """);
        foreach (var u in users)
        {
            var grants = string.Join("<br>", u.Grants.Select(g => $"{PageContext.E(g.Role)} @ {PageContext.E(g.Scope)}"));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><a href=\"/admin/users/{Uri.EscapeDataString(u.Id)}\">{PageContext.E(u.UserName)}</a></td><td>{PageContext.E(u.DisplayName)}{(u.Disabled ? $" ({page.T("Disabled")})" : "")}</td><td>{grants}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            </tbody></table>
            <h3>{page.T("NewUser")}</h3>
            <form method="post" action="/admin/users" class="narrow" id="new-user">{page.Antiforgery()}
            <label for="nu-userName">{page.T("UserName")}</label><input id="nu-userName" name="userName" required>
            <label for="nu-displayName">{page.T("DisplayName")}</label><input id="nu-displayName" name="displayName" required>
            <label for="nu-grants">{page.T("GrantsHelp")}</label><textarea id="nu-grants" name="grants" rows="3" required></textarea>
            <button type="submit">{page.T("Submit")}</button>
            </form>
            </section>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"definitions\"><h2 id=\"definitions\">{page.T("Definitions")}</h2>");
        foreach (var definition in library.Catalog.Definitions.Values.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>{page.L(definition.Name)} <code>{PageContext.E(definition.Key)}</code></h3>");
            html.Append(WorkflowDiagram.Svg(page, definition, "", false, new Dictionary<string, int>(StringComparer.Ordinal)));
        }

        html.Append("</section>");

        // The rule profiles, read-only: each meeting's quorum, passing vote and notice period, the disclosure minimum.
        html.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"profiles\"><h2 id=\"profiles\">{page.T("Profiles")}</h2>");
        foreach (var profile in library.Catalog.Profiles.Values.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<h3>{page.L(profile.Name)} <code>{PageContext.E(profile.Id)}</code></h3><p>{page.T("MinimumDisclosure", profile.MinimumDisclosureDays)}</p>" +
                $"<table><thead><tr><th scope=\"col\">{page.T("MeetingKind")}</th><th scope=\"col\">{page.T("Quorum")}</th><th scope=\"col\">{page.T("PassVote")}</th><th scope=\"col\">{page.T("NoticeDays")}</th></tr></thead><tbody>");
            foreach (var m in profile.Meetings.Values.OrderBy(m => m.Kind, StringComparer.Ordinal))
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{page.L(m.Name)}</td><td>{PageContext.E(Describe(m.Quorum))}</td><td>{PageContext.E(Describe(m.Pass))}</td><td>{m.NoticeDays}</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section>");
        return page.Page(page.Raw("Administration"), html.ToString(), problem?.Status ?? StatusCodes.Status200OK);
    }
}
