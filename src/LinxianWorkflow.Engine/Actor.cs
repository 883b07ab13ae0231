namespace LinxianWorkflow.Engine;

/// <summary>A role held over a jurisdiction, written as a path of area codes ("141124/141124100/141124100201").</summary>
public sealed record RoleGrant(string Role, string Scope)
{
    /// <summary>True when this grant's scope is the village itself or an area that contains it.</summary>
    public bool Covers(string villagePath) =>
        villagePath.StartsWith(Scope, StringComparison.Ordinal)
        && (villagePath.Length == Scope.Length || villagePath[Scope.Length] == '/');
}

/// <summary>Who acts: a user (or the public, or the system), the roles they hold, and on whose behalf.</summary>
public sealed record Actor(string Id, string Name, IReadOnlyList<RoleGrant> Grants, string? OnBehalfOf = null)
{
    /// <summary>The system, which fires timers.</summary>
    public static readonly Actor System = new("system", "系统", [new RoleGrant(Roles.System, "")]);

    /// <summary>A villager without an account, identified by whatever the service knows (an objection receipt, say).</summary>
    public static Actor Villager(string id) => new(id, "村民", [new RoleGrant(Roles.Public, "")]);
}
