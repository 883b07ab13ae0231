using System.Security.Claims;
using System.Text.Encodings.Web;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace LinxianWorkflow.Server.Identity;

/// <summary>
/// Authorization: Bearer &lt;token&gt; → the token's user, with their grants, as the request's <see cref="Caller"/>.
/// The pages' session cookie (token id : session token) counts too, for reading anything and for posting to the
/// pages (whose forms carry anti-forgery tokens) — never for changing anything through the API.
/// </summary>
public sealed class BearerAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Features.Identity.UserQueries users, AdjustableClock clock, TokenCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        string token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (Request.Cookies[Web.PageSetup.SessionCookie]?.Split(':', 2) is [_, var session]
            && (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method) || !Request.Path.StartsWithSegments("/api")))
        {
            token = session;
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        if (token.Length is 0 or > 200)
        {
            return AuthenticateResult.Fail("malformed token");
        }

        var hash = Tokens.Hash(token);
        var user = cache.Get(hash);
        if (user is null)
        {
            try
            {
                user = await users.ByTokenAsync(hash, clock.Real.GetUtcNow(), Context.RequestAborted);
            }
            catch (Exception e) when (StoreFailure.IsUnavailable(e))
            {
                // Not "who are you?" but "the database is away": the challenge (or the page) answers 503, not 401.
                StoreFailure.Mark(Context, e);
                return AuthenticateResult.NoResult();
            }

            if (user is null)
            {
                return AuthenticateResult.Fail("unknown, expired or revoked token");
            }

            cache.Set(hash, user);
        }

        var caller = new Caller(user.Id, user.DisplayName, Tokens.GrantsOf(user));
        Context.Items[typeof(Caller)] = caller;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, user.UserName)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StoreFailure.Marked(Context) is not null
            ? StoreFailure.Unavailable()
            : ServerText.Problem(StatusCodes.Status401Unauthorized, "auth.required", "AuthRequired"));

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, ServerText.Problem(StatusCodes.Status403Forbidden, "auth.forbidden", "AuthForbidden"));
}

public static class CallerExtensions
{
    /// <summary>The signed-in caller of this request, or <see cref="Caller.Anonymous"/>.</summary>
    public static Caller Caller(this HttpContext context) =>
        context.Items.TryGetValue(typeof(Caller), out var caller) && caller is Caller c ? c : Application.Caller.Anonymous;
}
