using System.Globalization;
using System.Text;
using System.Text.Json;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Http;
using Mediator;
using Microsoft.AspNetCore.Antiforgery;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// The web pages (issue 6): server-rendered HTML through the same Mediator use cases as the API, every form
/// working without JavaScript, anti-forgery tokens on every form, a session cookie holding a 12-hour session
/// token (the API's, so expiry and lockout are the API's), a Content-Security-Policy on every page.
/// </summary>
public static class PageEndpoints
{
    public const string SessionCookie = "linxian_session";

    public static void MapPages(this WebApplication app)
    {
        var pages = app.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/static/site.css", () => Results.Text(SiteCss.Text, "text/css; charset=utf-8"));
        pages.MapGet("/language", (HttpContext http) =>
        {
            var to = http.Request.Query["to"].ToString() == "en" ? "en" : "zh-CN";
            http.Response.Cookies.Append(PageContext.LanguageCookie, to, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
            return Results.Redirect(LocalOnly(http.Request.Query["return"]));
        });

        pages.MapGet("/login", (HttpContext http) => LoginPage(new PageContext(http), null));
        pages.MapPost("/login", async (HttpContext http, ISender sender) =>
        {
            var page = new PageContext(http);
            if (await FormAsync(http) is not { } form)
            {
                return LoginPage(page, PageContext.ExpiredForm());
            }

            try
            {
                var token = await sender.Send(new Login(form["userName"].ToString().Trim(), form["password"].ToString()), http.RequestAborted);
                var cookie = new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = http.Request.IsHttps,
                    Path = "/",
                    Expires = token.ExpiresAt,
                    IsEssential = true,
                };
                http.Response.Cookies.Append(SessionCookie, token.TokenId + ":" + token.Token, cookie);
                return Results.Redirect(LocalOnly(form["return"]));
            }
            catch (ProblemException problem)
            {
                return LoginPage(page, problem);
            }
        });
        pages.MapPost("/logout", async (HttpContext http, ISender sender) =>
        {
            if (await FormAsync(http) is not null && http.Request.Cookies[SessionCookie]?.Split(':', 2) is [var tokenId, _] && new PageContext(http).Caller is { IsAuthenticated: true } caller)
            {
                try
                {
                    await sender.Send(new RevokeToken(caller, caller.Id, tokenId), http.RequestAborted);
                }
                catch (ProblemException)
                {
                    // Already revoked or expired: signing out still clears the cookie.
                }
            }

            http.Response.Cookies.Delete(SessionCookie);
            return Results.Redirect("/login");
        });

        pages.MapGet("/", async (HttpContext http, ISender sender) => await SignedIn(http, page => HomePage(page, sender)));
        pages.MapGet("/proposals/new", async (HttpContext http, IServiceProvider services) => await SignedIn(http, page => Task.FromResult(NewProposalPage(page, services.GetRequiredService<WorkflowLibrary>(), null))));
        pages.MapPost("/proposals/new", async (HttpContext http, ISender sender, WorkflowLibrary library) => await SignedIn(http, async page =>
        {
            if (await FormAsync(http) is not { } form)
            {
                return NewProposalPage(page, library, PageContext.ExpiredForm());
            }

            try
            {
                var amount = decimal.TryParse(form["amountYuan"], NumberStyles.Number, CultureInfo.InvariantCulture, out var a) ? a : -1;
                var proposal = new NewProposal(form["villagePath"].ToString(), form["title"].ToString().Trim(), form["summary"].ToString().Trim(),
                    form["category"].ToString(), amount, form["source"].ToString());
                var result = await sender.Send(new StartProposal(page.Caller, proposal, JsonSerializer.Serialize(proposal, Api.Json), null), http.RequestAborted);
                return Results.Redirect($"/proposals/{Uri.EscapeDataString(result.ProposalId)}?done=start");
            }
            catch (ProblemException problem)
            {
                return NewProposalPage(page, library, problem);
            }
        }));

        pages.MapGet("/proposals/{id}", async (string id, HttpContext http, ISender sender, WorkflowLibrary library) =>
            await SignedIn(http, page => ProposalPage.RenderAsync(page, sender, library, id, null)));
        pages.MapPost("/proposals/{id}/act/{action}", async (string id, string action, HttpContext http, ISender sender, WorkflowLibrary library) => await SignedIn(http, async page =>
        {
            if (await FormAsync(http) is not { } form)
            {
                return await ProposalPage.RenderAsync(page, sender, library, id, PageContext.ExpiredForm());
            }

            try
            {
                if (!ActionCatalog.Commands.TryGetValue(action, out var type))
                {
                    throw ServerText.Problem(StatusCodes.Status400BadRequest, "action.unknown", "ActionUnknown", action, string.Join(", ", ActionCatalog.Commands.Keys.Order(StringComparer.Ordinal)));
                }

                var json = ActionForms.ToJson(action, form);
                var command = JsonBody.Parse(json, type);
                int? version = int.TryParse(form["_version"], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
                await sender.Send(new ActOnProposal(page.Caller, id, action, (Engine.Instances.WorkflowCommand)command, json, version, null), http.RequestAborted);
                return Results.Redirect($"/proposals/{Uri.EscapeDataString(id)}?done={Uri.EscapeDataString(action)}");
            }
            catch (ProblemException problem)
            {
                return await ProposalPage.RenderAsync(page, sender, library, id, problem);
            }
        }));

        pages.MapPost("/proposals/{id}/attachments", async (string id, HttpContext http, ISender sender, WorkflowLibrary library) => await SignedIn(http, async page =>
        {
            if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = Engine.Instances.Limits.AttachmentBytes + (64 * 1024);
            }

            if (await FormAsync(http) is null)
            {
                return await ProposalPage.RenderAsync(page, sender, library, id, PageContext.ExpiredForm());
            }

            try
            {
                var (stepId, fileName, content, description) = await ProposalEndpoints.ReadUploadAsync(http);
                await sender.Send(new AttachDocumentUpload(page.Caller, id, stepId, fileName, content, description), http.RequestAborted);
                return Results.Redirect($"/proposals/{Uri.EscapeDataString(id)}?done=attach-document");
            }
            catch (ProblemException problem)
            {
                return await ProposalPage.RenderAsync(page, sender, library, id, problem);
            }
        }));

        NoticePages.Map(pages);
        AdminPages.Map(pages);
    }

    /// <summary>Runs a page that needs a signed-in user; anyone else goes to the sign-in page and comes back.</summary>
    public static async Task<IResult> SignedIn(HttpContext http, Func<PageContext, Task<IResult>> render)
    {
        var page = new PageContext(http);
        if (!page.Caller.IsAuthenticated)
        {
            return Results.Redirect("/login?return=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
        }

        try
        {
            return await render(page);
        }
        catch (ProblemException problem)
        {
            return page.Problem(problem);
        }
    }

    /// <summary>The posted form, or null when its anti-forgery token does not check out.</summary>
    public static async Task<IFormCollection?> FormAsync(HttpContext http)
    {
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
            return await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A return address on this site only (never another host).</summary>
    public static string LocalOnly(string? target) =>
        target is { Length: > 1 } t && t[0] == '/' && t[1] != '/' && t[1] != '\\' ? t : "/";

    private static IResult LoginPage(PageContext page, ProblemException? problem)
    {
        var returnTo = PageContext.Attr(LocalOnly(page.Http.Request.Query["return"].FirstOrDefault()
            ?? (page.Http.Request.HasFormContentType ? page.Http.Request.Form["return"].ToString() : "/")));
        var error = page.Refusal(problem);
        return page.Page(page.Raw("SignIn"), $"""
            <p>{page.T("SignInIntro")}</p>
            {error}
            <form method="post" action="/login" class="narrow">
            {page.Antiforgery()}
            <input type="hidden" name="return" value="{returnTo}">
            <label for="userName">{page.T("UserName")}</label><input id="userName" name="userName" autocomplete="username" required>
            <label for="password">{page.T("Password")}</label><input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">{page.T("SignIn")}</button>
            </form>
            """, problem is null ? StatusCodes.Status200OK : problem.Status);
    }

    private static async Task<IResult> HomePage(PageContext page, ISender sender)
    {
        var http = page.Http;
        var library = http.RequestServices.GetRequiredService<WorkflowLibrary>();
        var stepNames = library.Catalog.Definitions.Values.SelectMany(d => d.Steps).GroupBy(s => s.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => page.L(g.First().Name), StringComparer.Ordinal);
        string StepName(string id) => stepNames.TryGetValue(id, out var name) ? name : PageContext.E(id);
        var inbox = page.Caller.IsReadOnly ? [] : await sender.Send(new GetInbox(page.Caller), http.RequestAborted);
        var filter = ProposalEndpoints.Filter(http.Request.Query);
        var proposals = await sender.Send(new ListProposals(page.Caller, filter), http.RequestAborted);
        var html = new StringBuilder();
        if (StartingVillages(page.Caller, library).Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><a class=\"button\" href=\"/proposals/new\">{page.T("StartProposal")}</a></p>");
        }

        if (!page.Caller.IsReadOnly)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"inbox\"><h2 id=\"inbox\">{page.T("Inbox")}</h2>");
            if (inbox.Count == 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>{page.T("InboxEmpty")}</p>");
            }
            else
            {
                html.Append(CultureInfo.InvariantCulture, $"<table><thead><tr><th scope=\"col\">{page.T("Title")}</th><th scope=\"col\">{page.T("Task")}</th><th scope=\"col\">{page.T("Due")}</th></tr></thead><tbody>");
                foreach (var item in inbox)
                {
                    html.Append(CultureInfo.InvariantCulture,
                        $"<tr{(item.Overdue ? " class=\"overdue\"" : "")}><td><a href=\"/proposals/{Uri.EscapeDataString(item.ProposalId)}\">{PageContext.E(item.Title)}</a></td><td>{StepName(item.StepId)}</td><td>{PageContext.ChinaTime(item.DueAt)}{(item.Overdue ? $" <strong>{page.T("Overdue")}</strong>" : "")}</td></tr>");
                }

                html.Append("</tbody></table>");
            }

            html.Append("</section>");
        }

        // What the caller was told: escalated deadlines and objections, emergency notices, concerns (newest first).
        var notifications = await sender.Send(new GetNotifications(page.Caller), http.RequestAborted);
        if (notifications.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"notices-to-me\"><h2 id=\"notices-to-me\">{page.T("Notifications")}</h2><ul class=\"notifications\">");
            foreach (var n in notifications.OrderByDescending(n => n.CreatedAt).Take(20))
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<li class=\"kind-{PageContext.Attr(n.Kind)}\"><span class=\"when\">{PageContext.ChinaTime(n.CreatedAt)}</span> <a href=\"/proposals/{Uri.EscapeDataString(n.ProposalId)}\">{page.L(n.Text)}</a></li>");
            }

            html.Append("</ul></section>");
        }

        var q = http.Request.Query;
        string Value(string name) => PageContext.Attr(q[name].ToString());
        var stepOptions = string.Concat(library.Catalog.Definitions.Values.SelectMany(WorkflowDiagram.MainPath).Select(st => st.Id).Distinct(StringComparer.Ordinal)
            .Select(st => $"<option value=\"{PageContext.Attr(st)}\"{(q["step"] == st ? " selected" : "")}>{StepName(st)}</option>"));
        html.Append(CultureInfo.InvariantCulture, $"""
            <section aria-labelledby="proposals"><h2 id="proposals">{page.T("Proposals")}</h2>
            <form method="get" action="/" class="filters">
            <label for="q-status">{page.T("Status")}</label><select id="q-status" name="status"><option value="">{page.T("Any")}</option><option value="running"{(q["status"] == "running" ? " selected" : "")}>{page.T("Option.running")}</option><option value="ended"{(q["status"] == "ended" ? " selected" : "")}>{page.T("Option.ended")}</option></select>
            <label for="q-step">{page.T("Step")}</label><select id="q-step" name="step"><option value="">{page.T("Any")}</option>{stepOptions}</select>
            <label for="q-category">{page.T("Category")}</label><input id="q-category" name="category" value="{Value("category")}">
            <label for="q-from">{page.T("From")}</label><input id="q-from" name="from" type="date" value="{Value("from")}">
            <label for="q-to">{page.T("To")}</label><input id="q-to" name="to" type="date" value="{Value("to")}">
            <label for="q-min">{page.T("MinAmount")}</label><input id="q-min" name="minAmount" type="number" min="0" value="{Value("minAmount")}">
            <label for="q-actor">{page.T("Actor")}</label><input id="q-actor" name="actor" value="{Value("actor")}" placeholder="xiwan-chair">
            <label class="check"><input type="checkbox" name="overdue" value="true"{(q["overdue"] == "true" ? " checked" : "")}> {page.T("OverdueOnly")}</label>
            <button type="submit">{page.T("Search")}</button>
            </form>
            """);
        if (proposals.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{page.T("ProposalsEmpty")}</p>");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<table><thead><tr><th scope=\"col\">{page.T("Title")}</th><th scope=\"col\">{page.T("Village")}</th><th scope=\"col\">{page.T("Amount")}</th><th scope=\"col\">{page.T("Step")}</th><th scope=\"col\">{page.T("Status")}</th></tr></thead><tbody>");
            foreach (var p in proposals)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr{(p.Overdue ? " class=\"overdue\"" : "")}><td><a href=\"/proposals/{Uri.EscapeDataString(p.Id)}\">{PageContext.E(p.Title)}</a></td><td>{PageContext.E(p.VillageCode)}</td><td class=\"num\">{PageContext.Money(p.AmountYuan)}</td><td>{StepName(p.CurrentStep)}</td><td>{page.Option(p.Status)}{(p.Result is { } r && r != p.CurrentStep ? " · " + page.Option(r) : "")}{(p.Overdue ? $" <strong>{page.T("Overdue")}</strong>" : "")}</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        // Pages of the list, the filters kept.
        string PageLink(int offset) => "/?" + string.Join("&amp;", q.Where(p => p.Key is not ("offset" or "limit"))
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}")
            .Append(string.Create(CultureInfo.InvariantCulture, $"offset={offset}&amp;limit={filter.Limit}")));
        html.Append(CultureInfo.InvariantCulture, $"<nav class=\"pages\" aria-label=\"{page.T("Proposals")}\">");
        if (filter.Offset > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{PageLink(Math.Max(0, filter.Offset - filter.Limit))}\">{page.T("Previous")}</a> ");
        }

        if (proposals.Count == filter.Limit)
        {
            html.Append(CultureInfo.InvariantCulture, $"<a href=\"{PageLink(filter.Offset + filter.Limit)}\">{page.T("Next")}</a>");
        }

        html.Append("</nav></section>");
        return page.Page(page.Raw("Home"), html.ToString());
    }

    // The villages where the caller holds a role the definition lets start a proposal.
    private static List<string> StartingVillages(Caller caller, WorkflowLibrary library) =>
        [.. caller.Grants.Where(g => g.Scope.Split('/').Length == 3 && library.ForNewProposal(g.Scope).Definition.StartRoles.Contains(g.Role))
            .Select(g => g.Scope).Distinct(StringComparer.Ordinal)];

    private static IResult NewProposalPage(PageContext page, WorkflowLibrary library, ProblemException? problem)
    {
        var villages = StartingVillages(page.Caller, library);
        var categories = villages.Count == 0 ? [] : library.ForNewProposal(villages[0]).Profile.Categories.Values.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        var error = page.Refusal(problem);
        var villageOptions = string.Concat(villages.Select(v => $"<option value=\"{PageContext.Attr(v)}\">{PageContext.E(v)}</option>"));
        var categoryOptions = string.Concat(categories.Select(c => $"<option value=\"{PageContext.Attr(c.Id)}\">{page.L(c.Name)}</option>"));
        return page.Page(page.Raw("StartProposal"), $"""
            <p>{page.T("NewProposalIntro")}</p>
            {error}
            <form method="post" action="/proposals/new" class="narrow">
            {page.Antiforgery()}
            <label for="villagePath">{page.T("Village")}</label><select id="villagePath" name="villagePath" required>{villageOptions}</select>
            <label for="title">{page.T("Title")}</label><input id="title" name="title" maxlength="200" required>
            <label for="summary">{page.T("Summary")}</label><textarea id="summary" name="summary" rows="4" required></textarea>
            <label for="category">{page.T("Category")}</label><select id="category" name="category" required>{categoryOptions}</select>
            <label for="amountYuan">{page.T("Amount")}</label><input id="amountYuan" name="amountYuan" type="number" min="0" step="0.01" required>
            <label for="source">{page.T("Source")}</label><select id="source" name="source"><option value="villager-suggestion">{page.T("Option.villager-suggestion")}</option></select>
            <button type="submit">{page.T("StartProposal")}</button>
            </form>
            """, problem?.Status ?? StatusCodes.Status200OK);
    }
}
