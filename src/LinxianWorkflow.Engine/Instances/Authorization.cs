using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Instances;

/// <summary>
/// Which of an actor's grants lets them act in one of the allowed roles in a village, under a profile's separation
/// of duties. The decider and the open-action list use this one rule, so what is offered is what is accepted.
/// </summary>
public static class Authorization
{


    /// <summary>Who may take a dismissed objection to the township: a villager holding its receipt number (the service asks for it), or the supervision committee.</summary>
    public static IReadOnlyList<string> EscalationRoles(StepDefinition step) => [Roles.Public, .. step.EscalationRoles];

    /// <summary>Who lodges objections: villagers, without an account.</summary>
    public static readonly IReadOnlyList<string> ObjectorRoles = [Roles.Public];

    /// <summary>The system alone fires timers.</summary>
    public static readonly IReadOnlyList<string> SystemRoles = [Roles.System];

    /// <summary>The role <paramref name="actor"/> acts in, or the violation that refuses them.</summary>
    public static (string? Role, RuleViolation? Violation) Resolve(RuleProfile profile, Actor actor, IReadOnlyList<string> allowed, string villagePath)
    {
        string? outside = null;
        (string Role, string Conflict)? conflicted = null;
        foreach (var grant in actor.Grants)
        {
            if (!allowed.Contains(grant.Role))
            {
                continue;
            }

            if (grant.Role is Roles.Public or Roles.System || grant.Covers(villagePath))
            {
                // Separation of duties (domain.md §5): a role whose profile conflicts include another role this actor
                // holds in the same village cannot be acted in; another allowed grant of theirs still may.
                if (ConflictingGrant(profile, actor, grant.Role, villagePath) is { } conflict)
                {
                    conflicted ??= (grant.Role, conflict);
                    continue;
                }

                return (grant.Role, null);
            }

            outside = grant.Role;
        }

        if (conflicted is { } c)
        {
            return (null, Text.Violation("duty.separation", "DutySeparation", RoleName(c.Role), RoleName(c.Conflict), villagePath));
        }

        return (null, outside is not null
            ? Text.Violation("auth.jurisdiction", "AuthJurisdiction", RoleName(outside), villagePath)
            : Text.Violation("auth.role", "AuthRole", RoleNames(allowed)));
    }

    /// <summary>True when <paramref name="actor"/> may act in one of <paramref name="allowed"/> in the village.</summary>
    public static bool Allows(RuleProfile profile, Actor actor, IReadOnlyList<string> allowed, string villagePath) =>
        Resolve(profile, actor, allowed, villagePath).Role is not null;

    /// <summary>
    /// The first pair of grants in <paramref name="grants"/> that the profile's separation of duties forbids one person to
    /// hold in the same village (role, conflicting role, village path), or null. The service refuses such a user.
    /// </summary>
    public static (string Role, string Conflict, string Scope)? ForbiddenCombination(RuleProfile profile, IReadOnlyList<RoleGrant> grants)
    {
        foreach (var grant in grants)
        {
            foreach (var other in grants)
            {
                if (profile.ConflictsOf(grant.Role).Contains(other.Role) && (other.Covers(grant.Scope) || grant.Covers(other.Scope)))
                {
                    return (grant.Role, other.Role, grant.Scope.Length >= other.Scope.Length ? grant.Scope : other.Scope);
                }
            }
        }

        return null;
    }

    /// <summary>A role's name in both languages.</summary>
    public static LocalizedText RoleName(string role) => Roles.Name(role);

    /// <summary>Roles' names joined in both languages.</summary>
    public static LocalizedText RoleNames(IEnumerable<string> roles)
    {
        var names = roles.Select(RoleName).ToList();
        return new LocalizedText(string.Join("、", names.Select(n => n.Zh)), string.Join(", ", names.Select(n => n.En)));
    }

    private static string? ConflictingGrant(RuleProfile profile, Actor actor, string role, string villagePath)
    {
        var conflicts = profile.ConflictsOf(role);
        return conflicts.Count == 0
            ? null
            : actor.Grants.FirstOrDefault(g => conflicts.Contains(g.Role) && g.Covers(villagePath))?.Role;
    }
}
