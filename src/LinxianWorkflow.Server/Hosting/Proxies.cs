using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// Behind a reverse proxy: <c>Proxy:KnownProxies</c> (comma-separated addresses) names the proxies whose
/// X-Forwarded-For and X-Forwarded-Proto are believed, and only theirs. Then the client's own address keys the public
/// objection limit and is what an objector's digest is made of, and HTTPS at the proxy makes the session and
/// anti-forgery cookies Secure. With no proxy configured the headers are ignored (a client cannot claim an address).
/// </summary>
public static class Proxies
{
    public static void AddProxies(this WebApplicationBuilder builder)
    {
        var known = (builder.Configuration["Proxy:KnownProxies"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(IPAddress.Parse)
            .ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in known)
            {
                options.KnownProxies.Add(proxy);
            }

            options.ForwardLimit = 1;
        });
    }

    /// <summary>First in the pipeline, so everything after sees the client's address and scheme.</summary>
    public static void UseProxies(this WebApplication app)
    {
        if (!string.IsNullOrWhiteSpace(app.Configuration["Proxy:KnownProxies"]))
        {
            app.UseForwardedHeaders();
        }
    }
}
