using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Identity;

/// <summary>
/// Which area each role is granted over: village roles over one village (county/township/village), township
/// reviewers over one township, auditors and administrators over a county (or, for a deployment-wide account, "").
/// </summary>
public static class GrantRules
{
    public static ProblemException? Check(IReadOnlyList<RoleGrant>? grants)
    {
        if (grants is null || grants.Count == 0)
        {
            return ServerText.Problem(StatusCodes.Status400BadRequest, "user.grants", "FieldRequired", "grants");
        }

        foreach (var grant in grants)
        {
            var depth = grant.Scope.Length == 0 ? 0 : grant.Scope.Split('/').Length;
            var pathOk = grant.Scope.Length == 0 || StartProposal.AreaPath().IsMatch(grant.Scope);
            var fits = Roles.GrantDepth(grant.Role) is { } range && depth >= range.Min && depth <= range.Max;
            if (!pathOk || !fits)
            {
                return ServerText.Problem(StatusCodes.Status400BadRequest, "user.grant", "GrantInvalid", grant.Role, grant.Scope);
            }
        }

        return null;
    }

    /// <summary>
    /// An administrator grants only inside the areas it administers, and never deployment-wide administration: an administrator at the
    /// root is made on the server's command line (`create-admin`), rarely, and is never granted through the API or the pages.
    /// <paramref name="held"/> are the grants the user has already, which may be kept.
    /// </summary>
    public static ProblemException? CheckGrantable(Caller caller, AreaRegistry areas, IReadOnlyList<RoleGrant> grants, IReadOnlyList<RoleGrant> held)
    {
        foreach (var grant in grants.Except(held))
        {
            if (grant.Role == Roles.Administrator && grant.Scope.Length == 0)
            {
                return ServerText.Problem(StatusCodes.Status403Forbidden, "admin.deployment-wide", "AdminDeploymentWide");
            }

            if (!caller.Administers(grant.Scope))
            {
                return ServerText.Problem(StatusCodes.Status403Forbidden, "admin.scope", "AdminGrantOutside",
                    Engine.Instances.Authorization.RoleName(grant.Role), AreaName(areas, grant.Scope), Administered(caller, areas));
            }
        }

        return null;
    }

    /// <summary>An administrator lists, reads, changes, resets or disables only users whose every grant lies in the areas it administers.</summary>
    public static ProblemException? CheckAdministers(Caller caller, AreaRegistry areas, UserRow user) =>
        caller.Administers(Tokens.GrantsOf(user))
            ? null
            : ServerText.Problem(StatusCodes.Status403Forbidden, "admin.scope", "AdminUserOutside", user.UserName, Administered(caller, areas));

    private static string Administered(Caller caller, AreaRegistry areas) =>
        string.Join("、", caller.Grants.Where(g => g.Role == Roles.Administrator).Select(g => AreaName(areas, g.Scope)));

    private static string AreaName(AreaRegistry areas, string scope) => scope.Length == 0 ? "*" : areas.DisplayName(scope);

    /// <summary>
    /// The county's profile forbids one person some pairs of roles in the same village (separation of duties: the
    /// supervision committee is not the secretary, the chair or a two-committee member); such grants are refused, naming the village.
    /// </summary>
    public static ProblemException? CheckSeparation(WorkflowLibrary library, AreaRegistry areas, IReadOnlyList<RoleGrant> grants)
    {
        // One profile per county: the grants are checked once under each county's rules they touch.
        foreach (var county in grants.Where(g => g.Scope.Length > 0).Select(g => g.Scope.Split('/')[0]).Distinct(StringComparer.Ordinal))
        {
            var profile = library.ForNewProposal(county).Profile;
            if (Engine.Instances.Authorization.ForbiddenCombination(profile, grants) is { } clash)
            {
                return ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "duty.separation", "GrantConflict",
                    Engine.Instances.Authorization.RoleName(clash.Role), Engine.Instances.Authorization.RoleName(clash.Conflict), areas.DisplayName(clash.Scope));
            }
        }

        return null;
    }
}
