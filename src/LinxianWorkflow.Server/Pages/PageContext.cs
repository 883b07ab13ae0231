using System.Globalization;
using System.Net;
using System.Text;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Identity;
using Microsoft.AspNetCore.Antiforgery;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// What every page needs: the caller, the language (zh-CN unless the "lang" cookie says en), the page text
/// from Resources/PageText*.resx, HTML encoding, an anti-forgery field for forms, and the layout.
/// </summary>
public sealed class PageContext(HttpContext http)
{
    private static readonly MessageCatalog Text = new("LinxianWorkflow.Server.Resources.PageText", typeof(PageContext).Assembly);

    public const string LanguageCookie = "lang";

    public HttpContext Http { get; } = http;

    public Caller Caller { get; } = http.Caller();

    public bool English { get; } = http.Request.Cookies[LanguageCookie] == "en";

    public string Culture => English ? "en" : "zh-CN";

    /// <summary>Page text, encoded for HTML.</summary>
    public string T(string key, params object?[] args) => E(Text.Get(key, args).In(Culture));

    /// <summary>An option's label ("Option." + value) when the text has one, else the value itself, encoded.</summary>
    public string Option(string value) => Named("Option.", value);

    /// <summary>An event type's name ("Event." + type) when the text has one, else the type itself, encoded.</summary>
    public string EventName(string? type) => Named("Event.", type ?? "");

    // A value a newer definition or profile added has no text yet: shown as it is, not an error page.
    private string Named(string prefix, string value)
    {
        try
        {
            return T(prefix + value);
        }
        catch (InvalidOperationException)
        {
            return E(value);
        }
    }

    /// <summary>Page text, not encoded (for a title the layout encodes).</summary>
    public string Raw(string key, params object?[] args) => Text.Get(key, args).In(Culture);

    /// <summary>Page text in both languages, for a problem.</summary>
    public static LocalizedText Both(string key, params object?[] args) => Text.Get(key, args);

    /// <summary>Localized text from the engine or the server (step names, problems), encoded.</summary>
    public string L(LocalizedText text) => E(text.In(Culture));

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Attr(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A hidden anti-forgery field for a form on this page.</summary>
    public string Antiforgery()
    {
        var tokens = Http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Http);
        return $"<input type=\"hidden\" name=\"{Attr(tokens.FormFieldName)}\" value=\"{Attr(tokens.RequestToken)}\">";
    }

    public static string ChinaTime(DateTimeOffset? at) =>
        at is { } t ? Engine.Time.ChinaTime.Display(t) : "";

    public static string Money(decimal amount) => amount.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>The page: header with navigation, the language switch and the user; then the content.</summary>
    public IResult Page(string title, string content, int status = StatusCodes.Status200OK)
    {
        var html = new StringBuilder();
        var returnTo = Uri.EscapeDataString(Http.Request.Path + Http.Request.QueryString);
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="{{Culture}}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(title)}} · {{T("AppName")}}</title>
            <link rel="stylesheet" href="/static/site.css">
            </head>
            <body>
            <a class="skip" href="#main">{{T("Skip")}}</a>
            <header class="top">
            <a class="brand" href="/">{{T("AppName")}} <small>{{T("AppTagline")}}</small></a>
            <nav aria-label="{{T("Home")}}">
            <a href="/">{{T("Home")}}</a>
            <a href="/villages">{{T("Noticeboards")}}</a>
            <a href="/log">{{T("PublicLog")}}</a>
            {{(Caller.IsAdministrator ? $"<a href=\"/admin\">{T("Administration")}</a>" : "")}}
            <a href="/language?to={{(English ? "zh-CN" : "en")}}&amp;return={{Attr(returnTo)}}" lang="{{(English ? "zh-CN" : "en")}}">{{T("Language")}}</a>
            {{(Caller.IsAuthenticated
                ? $"<span class=\"who\">{T("SignedInAs", Caller.Name)}</span><form method=\"post\" action=\"/logout\" class=\"inline\">{Antiforgery()}<button type=\"submit\">{T("SignOut")}</button></form>"
                : $"<a href=\"/login\">{T("SignIn")}</a>")}}
            </nav>
            </header>
            <main id="main">
            <h1>{{E(title)}}</h1>
            {{content}}
            </main>
            </body>
            </html>
            """);
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A form posted without a valid anti-forgery token (expired, or from another site): nothing was done.</summary>
    public static ProblemException ExpiredForm() => new(StatusCodes.Status400BadRequest, "form.expired", Both("ExpiredForm"));

    /// <summary>A refusal in words with the rule's name under it; empty for none.</summary>
    public string Refusal(ProblemException? problem) =>
        problem is null ? "" : $"<p class=\"error\" role=\"alert\">{L(problem.Text)}</p><p class=\"rule\">{T("RuleName", problem.Rule)}</p>";

    /// <summary>A refusal or failure as a page: the rule's words, the rule's name.</summary>
    public IResult Problem(ProblemException problem) =>
        Page(problem.Status == StatusCodes.Status404NotFound ? Raw("NotFound") : Raw("Refused", "").TrimEnd('：', ':', ' '),
            $"{Refusal(problem)}<p><a href=\"/\">{T("Back")}</a></p>",
            problem.Status);
}
