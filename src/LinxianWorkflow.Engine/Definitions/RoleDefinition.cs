namespace LinxianWorkflow.Engine.Definitions;

/// <summary>The level of area a role is granted over.</summary>
public enum RoleLevel
{
    /// <summary>One village (county/township/village).</summary>
    Village,

    /// <summary>One township (county/township).</summary>
    Township,

    /// <summary>A county, or the whole deployment.</summary>
    County,
}

/// <summary>A role a definition declares: its id, its names, the level it is granted at, and the roles one person may not hold with it in the same village.</summary>
public sealed record RoleDefinition(string Id, LocalizedText Name, RoleLevel Level, IReadOnlyList<string> ConflictsWith);

/// <summary>Where a proposal or case came from, as the definition lists it.</summary>
public sealed record SourceDefinition(string Id, LocalizedText Name);

/// <summary>A record that does not move the instance but tells those above the village at once (a supervision concern, a report that a dispute may turn violent).</summary>
public sealed record ConcernRule(LocalizedText Name, IReadOnlyList<string> Roles);
