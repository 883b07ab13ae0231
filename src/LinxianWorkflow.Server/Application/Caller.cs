using LinxianWorkflow.Engine;

namespace LinxianWorkflow.Server.Application;

/// <summary>Who sends a request: a signed-in user with role grants, or an anonymous villager on the public side.</summary>
public sealed record Caller(string Id, string Name, IReadOnlyList<RoleGrant> Grants)
{
    public static readonly Caller Anonymous = new("", "村民", []);

    public bool IsAuthenticated => Id.Length > 0;

    public Actor Actor => new(Id, Name, Grants);

    public bool IsAdministrator => Grants.Any(g => g.Role == Roles.Administrator);

    /// <summary>True when one of this caller's administrator grants contains the area (a deployment-wide one, at the root, contains every area).</summary>
    public bool Administers(string areaPath) => Grants.Any(g => g.Role == Roles.Administrator && (g.Scope.Length == 0 || g.Covers(areaPath)));

    /// <summary>
    /// True when this caller administers every one of a user's grants, so may list, change, reset or disable that user. A user with a
    /// grant anywhere else belongs to another administrator; a user with no grant at all, to a deployment-wide one.
    /// </summary>
    public bool Administers(IReadOnlyList<RoleGrant> grants) => grants.Count == 0 ? Administers("") : grants.All(g => Administers(g.Scope));

    /// <summary>True when every grant is one that never acts (auditor, administrator): such callers read only.</summary>
    public bool IsReadOnly => Grants.Count > 0 && Grants.All(g => Roles.NeverAct.Contains(g.Role));

    /// <summary>The areas this caller may read (every grant's scope; auditors and administrators read their whole area).</summary>
    public IReadOnlyCollection<string> ReadScopes => [.. Grants.Where(g => g.Role != Roles.Public).Select(g => g.Scope).Distinct()];

    public bool CanRead(string villagePath) => Grants.Any(g => g.Role != Roles.Public && g.Covers(villagePath));
}
