using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Web;
using Microsoft.AspNetCore.Mvc.Filters;

namespace LinxianWorkflow.Server.Pages.Admin;

/// <summary>What the administration pages share: the role and area pickers a grant is chosen from.</summary>
public abstract class AdminModel(AreaRegistry areas) : AppPageModel
{
    /// <summary>
    /// Roles that can be granted (the platform's and those the loaded definitions declare), widest level first. Read
    /// each time: the definitions' roles are known once the catalog has loaded, not when this type is first touched.
    /// </summary>
    public static IReadOnlyList<string> GrantableRoles => [.. Roles.All.Where(r => Roles.GrantDepth(r) is not null)
        .OrderBy(r => Roles.GrantDepth(r)!.Value.Max).ThenBy(r => r, StringComparer.Ordinal)];

    /// <summary>
    /// The areas a grant may name, as the picker groups them: each county the caller administers, then each township with its villages
    /// (never the whole deployment: that administrator is made on the command line).
    /// </summary>
    public IReadOnlyList<(Area County, IReadOnlyList<(Area Township, IReadOnlyList<Area> Villages)> Townships)> AreaTree => field ??=
        [.. areas.Counties().Where(c => Caller.Administers(areas.PathOf(c.Code)))
            .Select(c => (c, (IReadOnlyList<(Area, IReadOnlyList<Area>)>)[.. areas.Townships(c.Code).Select(t => (t, areas.Children(t.Code)))]))];

    public string PathOf(Area area) => areas.PathOf(area.Code);

    public static string RoleName(string role) => L(Engine.Instances.Authorization.RoleName(role));

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // Everything here is refused by the use cases to anyone but an administrator; the page says so before drawing itself.
        if (Caller.IsAuthenticated && !Caller.IsAdministrator)
        {
            throw Application.ServerText.Problem(StatusCodes.Status403Forbidden, "auth.administrator", "AuthAdministrator");
        }

        await base.OnPageHandlerExecutionAsync(context, next);
    }

    /// <summary>A grant from the pickers: a role and an area path; null when either was left unchosen.</summary>
    public static RoleGrant? Picked(string? role, string? area) =>
        string.IsNullOrWhiteSpace(role) || area is null ? null : new RoleGrant(role.Trim(), area.Trim());
}

/// <summary>The role and area pickers of one form, with what they show chosen.</summary>
public sealed record GrantPickerView(AdminModel Page, string Prefix, string? Role, string? Area, bool Required);
