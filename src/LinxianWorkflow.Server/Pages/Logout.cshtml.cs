using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages;

/// <summary>Sign-out: the session's token is revoked (so the cookie is worthless even if kept) and the cookie cleared.</summary>
public sealed class LogoutModel(ISender sender) : AppPageModel
{
    protected override bool RequiresSignIn => false;

    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (Request.Cookies[PageSetup.SessionCookie]?.Split(':', 2) is [var tokenId, _] && Caller.IsAuthenticated)
        {
            try
            {
                await sender.Send(new RevokeToken(Caller, Caller.Id, tokenId), HttpContext.RequestAborted);
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
