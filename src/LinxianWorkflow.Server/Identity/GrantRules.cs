using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Features.Proposals;

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
