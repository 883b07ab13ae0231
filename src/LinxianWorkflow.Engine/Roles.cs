using System.Collections.Frozen;

namespace LinxianWorkflow.Engine;

/// <summary>The roles the engine knows. A definition naming any other role is rejected at load.</summary>
public static class Roles
{
    /// <summary>村党组织书记.</summary>
    public const string PartySecretary = "party-secretary";

    /// <summary>村委会主任.</summary>
    public const string VillageChair = "village-chair";

    /// <summary>村"两委"成员.</summary>
    public const string CommitteeMember = "committee-member";

    /// <summary>村务监督委员会成员.</summary>
    public const string SupervisionMember = "supervision-member";

    /// <summary>乡镇审核人员.</summary>
    public const string TownshipReviewer = "township-reviewer";

    /// <summary>县级审计/纪检: reads everything, changes nothing.</summary>
    public const string CountyAuditor = "county-auditor";

    /// <summary>系统管理员.</summary>
    public const string Administrator = "administrator";

    /// <summary>村民 (public, no account): reads disclosures, lodges objections.</summary>
    public const string Public = "public";

    /// <summary>The system itself: fires timers.</summary>
    public const string System = "system";

    /// <summary>Every role a definition may name.</summary>
    public static readonly FrozenSet<string> All = new[]
    {
        PartySecretary, VillageChair, CommitteeMember, SupervisionMember, TownshipReviewer,
        CountyAuditor, Administrator, Public, System,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Roles granted over one village (county/township/village): the village's office-holders and its supervision committee.</summary>
    public static readonly FrozenSet<string> VillageLevel = new[] { PartySecretary, VillageChair, CommitteeMember, SupervisionMember }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// How many area-code segments a grant of <paramref name="role"/> names: 3 for village roles, 2 for township
    /// reviewers, at most 1 (a county, or "" deployment-wide) for auditors and administrators; null for roles never granted.
    /// </summary>
    public static (int Min, int Max)? GrantDepth(string role) => role switch
    {
        TownshipReviewer => (2, 2),
        CountyAuditor or Administrator => (0, 1),
        _ when VillageLevel.Contains(role) => (3, 3),
        _ => null,
    };

    /// <summary>Roles that may never act on a step: auditors read, administrators administer users.</summary>
    public static readonly FrozenSet<string> NeverAct = new[] { CountyAuditor, Administrator }.ToFrozenSet(StringComparer.Ordinal);
}
