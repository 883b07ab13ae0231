namespace LinxianWorkflow.Server.Pages;

public static class PageSetup
{
    public static void AddPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "linxian_af";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.FormFieldName = "__af";
        });
    }

    /// <summary>
    /// Every page gets a strict Content-Security-Policy (no script at all, styles and images from this site,
    /// forms posting only here, no framing) and no referrer to other sites; the API keeps its own headers.
    /// </summary>
    public static void UsePages(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/hangfire") && !path.StartsWithSegments("/scalar") && !path.StartsWithSegments("/openapi"))
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
                headers["Referrer-Policy"] = "same-origin";
                headers["X-Frame-Options"] = "DENY";
            }

            await next();
        });
    }
}
