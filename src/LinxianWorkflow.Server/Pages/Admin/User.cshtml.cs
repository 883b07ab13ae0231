using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Features.Identity;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace LinxianWorkflow.Server.Pages.Admin;

/// <summary>One user: name, grants (kept by ticking, added from the pickers), disabled, a new password; their tokens, each revocable.</summary>
public sealed class UserModel(ISender sender, AreaRegistry areas) : AdminModel(areas)
{
    public UserView Account { get; private set; } = null!;

    public bool Saved { get; private set; }

    [BindProperty(Name = "displayName")]
    public string? DisplayName { get; set; }

    /// <summary>The grants kept, as "role@area" (the ticked ones).</summary>
    [BindProperty(Name = "keep")]
    public List<string> Keep { get; set; } = [];

    [BindProperty(Name = "role")]
    public string? Role { get; set; }

    [BindProperty(Name = "area")]
    public string? Area { get; set; }

    [BindProperty(Name = "disabled")]
    public bool Disabled { get; set; }

    [BindProperty(Name = "password")]
    public string? Password { get; set; }

    [BindProperty(Name = "phone")]
    public string? Phone { get; set; }

    [BindProperty(Name = "weComId")]
    public string? WeComId { get; set; }

    public async Task OnGetAsync(string id) => await LoadAsync(id);

    /// <summary>Where the user is reached by SMS and in WeCom groups; the administrator vouches for both.</summary>
    public async Task<IActionResult> OnPostAddressesAsync(string id)
    {
        await LoadAsync(id);
        try
        {
            string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
            await sender.Send(new SetUserAddresses(Caller, id, new UserAddresses(Blank(Phone), Blank(WeComId))), HttpContext.RequestAborted);
            await LoadAsync(id);
            Saved = true;
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id)
    {
        await LoadAsync(id);
        try
        {
            var grants = Account.Grants.Where(g => Keep.Contains(Key(g))).ToList();
            if (Picked(Role, Area) is { } added && !grants.Contains(added))
            {
                grants.Add(added);
            }

            await sender.Send(new UpdateUser(Caller, id, new UserChange(grants, Disabled, string.IsNullOrEmpty(Password) ? null : Password, (DisplayName ?? "").Trim())), HttpContext.RequestAborted);
            await LoadAsync(id);
            Saved = true;
            Role = null;
            Area = null;
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string id, string tokenId)
    {
        await LoadAsync(id);
        try
        {
            await sender.Send(new RevokeToken(Caller, id, tokenId), HttpContext.RequestAborted);
            await LoadAsync(id);
            Saved = true;
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
        }

        return Page();
    }

    public static string Key(RoleGrant grant) => grant.Role + "@" + grant.Scope;

    private async Task LoadAsync(string id) => Account = await sender.Send(new GetUser(Caller, id), HttpContext.RequestAborted);
}
