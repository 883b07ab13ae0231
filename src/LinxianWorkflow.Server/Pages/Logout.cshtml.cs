using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// Sign-out: the session's token is revoked (so the cookie is worthless even if kept) and the cookie cleared; with "everywhere", every
/// session and script token of the account is revoked, on every device.
/// </summary>
public sealed class LogoutModel(ISender sender) : AppPageModel
{
    protected override bool RequiresSignIn => false;

    public IActionResult OnGet() => Redirect("/");

    [BindProperty(Name = "everywhere")]
    public bool Everywhere { get; set; }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Request.Cookies[PageSetup.SessionCookie]?.Split(':', 2) is [var tokenId, _] && Caller.IsAuthenticated)
        {
            try
            {
                if (Everywhere)
                {
                    await sender.Send(new EndAllSessions(Caller), HttpContext.RequestAborted);
                }
                else
                {
                    await sender.Send(new RevokeToken(Caller, Caller.Id, tokenId), HttpContext.RequestAborted);
                }
            }
            catch (ProblemException)
            {
                // Already revoked or expired: signing out still clears the cookie.
            }
        }

        Response.Cookies.Delete(PageSetup.SessionCookie);
        return Redirect("/login");
    }
}
