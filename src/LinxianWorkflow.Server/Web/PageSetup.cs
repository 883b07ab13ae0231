using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.WebEncoders;

namespace LinxianWorkflow.Server.Web;

/// <summary>
/// The pages on ASP.NET Core's own server-side rendering: Razor Pages under <c>Pages/</c> (one page per use case,
/// named handlers, tag helpers, model binding), page text through <c>IStringLocalizer</c> over the resx files in
/// <c>Resources/</c>, the stylesheet from <c>wwwroot</c>, compressed responses, anti-forgery on every form, and the
/// same Mediator use cases as the API.
/// </summary>
public static class PageSetup
{
    /// <summary>The cookie that holds the reader's language ("zh-CN", the default, or "en").</summary>
    public const string LanguageCookie = "lang";

    /// <summary>The cookie that holds a signed-in user's session (token id : session token, the API's token).</summary>
    public const string SessionCookie = "linxian_session";

    private static readonly CultureInfo[] Cultures = [new("zh-CN"), new("en")];

    public static void AddPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        // Chinese text is written as it is, not as numeric character references (a third of the bytes, readable source).
        builder.Services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddSingleton<Names>();
        builder.Services.AddSingleton<EventText>();
        builder.Services.AddRazorPages(options => options.Conventions.ConfigureFilter(new RefusalPageFilter()))
            .AddViewLocalization();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "linxian_af";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.FormFieldName = "__af";
        });

        // Compression over plain HTTP only (the framework's default): over HTTPS a page that reflects input beside an
        // anti-forgery token would open the BREACH attack; the reverse proxy compresses there (docs/operations.md).
        builder.Services.AddResponseCompression(options =>
        {
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
    }

    /// <summary>
    /// Every page gets a strict Content-Security-Policy (no script at all, styles and images from this site, forms
    /// posting only here, no framing) and no referrer to other sites; the API keeps its own headers. The reader's
    /// language comes from the "lang" cookie (Chinese unless it says English).
    /// </summary>
    public static void UsePages(this WebApplication app)
    {
        app.UseResponseCompression();
        app.Use(async (context, next) =>
        {
            if (IsPage(context.Request.Path))
            {
                // Set as the response starts, so an error page (the exception handler clears the response) has them too.
                context.Response.OnStarting(() =>
                {
                    var headers = context.Response.Headers;
                    headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
                    headers["Referrer-Policy"] = "same-origin";
                    headers["X-Frame-Options"] = "DENY";
                    return Task.CompletedTask;
                });
            }

            await next();
        });
        app.UseWhen(context => IsPage(context.Request.Path), pages => pages.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture("zh-CN"),
            SupportedCultures = Cultures,
            SupportedUICultures = Cultures,
            RequestCultureProviders =
            [
                new CustomRequestCultureProvider(context => Task.FromResult<ProviderCultureResult?>(
                    context.Request.Cookies[LanguageCookie] == "en" ? new ProviderCultureResult("en") : null)),
            ],
        }));
        app.UseStaticFiles();

        // A page's error is a page: a failure no page handled, and a status the framework sets with no body (no such
        // page, a form without its anti-forgery token) are drawn by /error. Refusals are expected answers: not logged.
        app.UseWhen(context => IsPage(context.Request.Path), pages =>
        {
            pages.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/error/500",
                // Refusals and outages are answers; a real failure is logged once, by the error page, with the reference it shows.
                SuppressDiagnosticsCallback = _ => true,
            });
            pages.UseStatusCodePagesWithReExecute("/error/{0}");
        });

        // Routing after the error pages, so that a re-executed request finds the error page.
        app.UseRouting();
    }

    /// <summary>The pages' endpoints and the language switch.</summary>
    public static void MapPages(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapGet("/language", (HttpContext http) =>
        {
            var to = http.Request.Query["to"].ToString() == "en" ? "en" : "zh-CN";
            http.Response.Cookies.Append(LanguageCookie, to, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
            return Results.Redirect(LocalOnly(http.Request.Query["return"]));
        }).AllowAnonymous().ExcludeFromDescription();
    }

    /// <summary>True for a page's path (anything but the API, the OpenAPI document and reference, and the Hangfire dashboard).</summary>
    public static bool IsPage(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/hangfire") && !path.StartsWithSegments("/scalar")
        && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/metrics");

    /// <summary>
    /// A return address on this site only (never another host, never a header split): a path of one '/' then neither '/' nor '\',
    /// without control characters or white space; and its path once more URL-decoded the same, so "/%09/host" (which a browser
    /// would read as "//host") and "/%2F/host" are refused too.
    /// </summary>
    public static string LocalOnly(string? target) =>
        target is not null && IsLocalPath(target) && IsLocalPath(Uri.UnescapeDataString(target).Split('?', '#')[0]) ? target : "/";

    private static bool IsLocalPath(string t) =>
        t.Length > 0 && t[0] == '/' && (t.Length == 1 || t[1] is not ('/' or '\\')) && !t.Any(c => char.IsControl(c) || char.IsWhiteSpace(c));
}
