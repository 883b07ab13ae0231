using System.Collections.Concurrent;
using System.Collections.Frozen;
using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Engine;

/// <summary>
/// The platform's own roles, and the directory of the roles definitions declare. A procedure's roles (a party
/// secretary, a mediator) are data in its definition (<see cref="RoleDefinition"/>); the engine names only these four.
/// </summary>
public static class Roles
{
    /// <summary>县级审计/纪检: reads everything, changes nothing.</summary>
    public const string CountyAuditor = "county-auditor";

    /// <summary>系统管理员.</summary>
    public const string Administrator = "administrator";

    /// <summary>村民 (public, no account): reads disclosures, lodges objections.</summary>
    public const string Public = "public";

    /// <summary>The system itself: fires timers.</summary>
    public const string System = "system";

    /// <summary>The platform's roles: never declared by a definition.</summary>
    public static readonly FrozenSet<string> Platform = new[] { CountyAuditor, Administrator, Public, System }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Roles that may never act on a step: auditors read, administrators administer users.</summary>
    public static readonly FrozenSet<string> NeverAct = new[] { CountyAuditor, Administrator }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, RoleDefinition> Declared = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes the roles of loaded definitions known to the process (their names in messages, the level they are granted
    /// at). Every definition naming a role gives it the same name and level (the catalog checks this), so a later load
    /// only adds roles.
    /// </summary>
    public static void Declare(IEnumerable<RoleDefinition> roles)
    {
        foreach (var role in roles)
        {
            Declared[role.Id] = role;
        }
    }

    /// <summary>Every role a grant may name: the declared ones and the platform's.</summary>
    public static IReadOnlyCollection<string> All => [.. Declared.Keys.Concat(Platform).Distinct(StringComparer.Ordinal)];

    /// <summary>The declared role, or null for a platform role or an unknown id.</summary>
    public static RoleDefinition? Declaration(string role) => Declared.GetValueOrDefault(role);

    /// <summary>True for a declared role granted over one village.</summary>
    public static bool IsVillageLevel(string role) => Declared.GetValueOrDefault(role)?.Level == RoleLevel.Village;

    /// <summary>
    /// How many area-code segments a grant of <paramref name="role"/> names: 3 for village roles, 2 for township
    /// roles, at most 1 (a county, or "" deployment-wide) for county roles, auditors and administrators; null for roles never granted.
    /// </summary>
    public static (int Min, int Max)? GrantDepth(string role) => role switch
    {
        CountyAuditor or Administrator => (0, 1),
        _ => Declared.GetValueOrDefault(role)?.Level switch
        {
            RoleLevel.Village => (3, 3),
            RoleLevel.Township => (2, 2),
            RoleLevel.County => (0, 1),
            _ => null,
        },
    };

    /// <summary>The role's name: as its definition declares it, or the platform's; the id itself for an unknown role.</summary>
    public static LocalizedText Name(string role) =>
        Declared.TryGetValue(role, out var declared) ? declared.Name
        : Platform.Contains(role) ? Text.Get("Role." + role)
        : new LocalizedText(role, role);
}
