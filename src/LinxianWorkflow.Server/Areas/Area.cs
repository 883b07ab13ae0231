namespace LinxianWorkflow.Server.Areas;

/// <summary>An area's place in the county: a village or a community (residents' committee) sits in a township.</summary>
public enum AreaLevel
{
    County,
    Township,
    Village,
    Community,
}

/// <summary>
/// A county, township, village or community as the National Bureau of Statistics codes it: 6, 9 and 12 digits,
/// each code starting with its parent's. <see cref="Name"/> is the published name (西湾村委会).
/// </summary>
public sealed record Area(string Code, string Name, string? ParentCode, AreaLevel Level)
{
    /// <summary>
    /// The name as people say it: a village's committee is its village (西湾村委会 → 西湾村, 桐村村委会 → 桐村),
    /// a residents' committee its community (凤凰社区居委会 → 凤凰社区, 西城庄农村社区居委会 → 西城庄社区,
    /// 碛口居委会 → 碛口社区). Counties and townships, and names of another shape, are as published.
    /// </summary>
    public string ShortName => Level switch
    {
        AreaLevel.Village or AreaLevel.Community => Spoken(Name),
        _ => Name,
    };

    /// <summary>The level as stored and served: county, township, village, community.</summary>
    public string LevelName => Level.ToString().ToLowerInvariant();

    /// <summary>The level named by <paramref name="name"/> (county, township, village, community), or null.</summary>
    public static AreaLevel? LevelOf(string name) => name switch
    {
        "county" => AreaLevel.County,
        "township" => AreaLevel.Township,
        "village" => AreaLevel.Village,
        "community" => AreaLevel.Community,
        _ => null,
    };

    private static string Spoken(string name)
    {
        foreach (var committee in new[] { "村民委员会", "村委会" })
        {
            if (name.Length > committee.Length && name.EndsWith(committee, StringComparison.Ordinal))
            {
                var place = name[..^committee.Length];
                return place.EndsWith('村') ? place : place + "村";
            }
        }

        foreach (var committee in new[] { "居民委员会", "居委会" })
        {
            if (name.Length > committee.Length && name.EndsWith(committee, StringComparison.Ordinal))
            {
                var place = name[..^committee.Length];
                place = place.EndsWith("农村社区", StringComparison.Ordinal) ? place[..^4] : place.EndsWith("社区", StringComparison.Ordinal) ? place[..^2] : place;
                return place.Length == 0 ? name : place + "社区";
            }
        }

        return name;
    }
}
