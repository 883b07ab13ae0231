using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Identity;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages;

/// <summary>Sign-in: the API's login use case; the session token goes into an HttpOnly, SameSite=Strict cookie.</summary>
public sealed class LoginModel(ISender sender) : AppPageModel
{
    protected override bool RequiresSignIn => false;

    [BindProperty(SupportsGet = true, Name = "return")]
    public string? Return { get; set; }

    [BindProperty(Name = "userName")]
    public string? UserName { get; set; }

    [BindProperty(Name = "password")]
    public string? Password { get; set; }

    public void OnGet() => Return = PageSetup.LocalOnly(Return);

    public async Task<IActionResult> OnPostAsync()
    {
        Return = PageSetup.LocalOnly(Return);
        try
        {
            var token = await sender.Send(new Login(new Credentials((UserName ?? "").Trim(), Password ?? ""), HttpContext.Connection.RemoteIpAddress), HttpContext.RequestAborted);
            Response.Cookies.Append(PageSetup.SessionCookie, token.TokenId + ":" + token.Token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = Request.IsHttps,
                Path = "/",
                Expires = token.ExpiresAt,
                IsEssential = true,
            });
            return LocalRedirect(Return);
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
            return Page();
        }
    }
}
