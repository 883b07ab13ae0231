using System.Text.Json;
using System.Text.Json.Serialization;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Server.Application;

namespace LinxianWorkflow.Server.Demo;

/// <summary>
/// A demo person for one role, in every area of the role's level (workflows/demo/people.json): village roles make
/// {villageKey}-{user} in every demo village, township roles {user}-{last three digits of the township's code}, county roles {user}.
/// </summary>
/// <param name="Role">A role a definition declares.</param>
/// <param name="User">The user name's part that names the role.</param>
/// <param name="Title">The title in the display name (王书记（西湾村）).</param>
public sealed record DemoPerson(string Role, string User, string Title)
{
    /// <summary>The role's level, filled from the definitions when the file is read.</summary>
    [JsonIgnore]
    public RoleLevel Level { get; init; }
}

/// <summary>
/// A demo proposal or case (workflows/demo/cases.json): started <paramref name="DaysAgo"/> days back in the village
/// <paramref name="Village"/> (a demo village's key) on <paramref name="Procedure"/>, moved by <paramref name="Moves"/> and
/// then by up to <paramref name="SampleMoves"/> moves of the ordinary path (none that would fall after now).
/// </summary>
public sealed record DemoCase(
    string Procedure,
    string Village,
    string Title,
    string Summary,
    string Category,
    string Source,
    int DaysAgo,
    decimal AmountYuan = 0m,
    IReadOnlyDictionary<string, string>? Form = null,
    IReadOnlyList<DemoMove>? Moves = null,
    int SampleMoves = 0);

/// <summary>
/// One move of a demo case at its current step, <paramref name="AfterDays"/> after the one before: an
/// <paramref name="Outcome"/> of the step, or one of its <paramref name="Entry"/> records. Required fields the
/// <paramref name="Form"/> leaves out get sample values; a date written "+N" is N days after the move.
/// </summary>
public sealed record DemoMove(double AfterDays = 1, string? Outcome = null, string? Entry = null, string? Note = null, IReadOnlyDictionary<string, string>? Form = null);

/// <summary>Reads the demo's people and cases from workflows/demo/, refusing at start what does not fit the definitions.</summary>
public static class DemoFiles
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, // a typo is an error, not a silent default
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>The people of people.json, each with its role's level; an unknown role or a user name given twice stops the start.</summary>
    public static IReadOnlyList<DemoPerson> People(WorkflowLibrary library)
    {
        var path = Path.Combine(library.Folder, "demo", "people.json");
        var people = Read<DemoPerson>(path);
        var declared = library.Catalog.Definitions.Values.SelectMany(d => d.Roles)
            .GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var result = new List<DemoPerson>();
        foreach (var person in people)
        {
            if (string.IsNullOrWhiteSpace(person.User) || string.IsNullOrWhiteSpace(person.Title))
            {
                throw new InvalidOperationException($"{path}: the person for role '{person.Role}' needs a user and a title.");
            }

            if (!declared.TryGetValue(person.Role ?? "", out var role))
            {
                throw new InvalidOperationException(
                    $"{path}: role '{person.Role}' is declared by no definition in {library.Folder} (known: {string.Join(", ", declared.Keys.Order(StringComparer.Ordinal))}).");
            }

            result.Add(person with { Level = role.Level });
        }

        if (result.GroupBy(p => (p.Level, p.User)).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidOperationException($"{path}: user '{twice.Key.User}' is given to {string.Join(" and ", twice.Select(p => p.Role))}.");
        }

        return result;
    }

    /// <summary>The cases of cases.json, in order; the seeder checks each against its definition as it runs it.</summary>
    public static IReadOnlyList<DemoCase> Cases(WorkflowLibrary library) => Read<DemoCase>(Path.Combine(library.Folder, "demo", "cases.json"));

    private static List<T> Read<T>(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: --demo seeds its people and cases from it (docs/operations.md, The demo).");
        }

        try
        {
            return JsonSerializer.Deserialize<List<T>>(File.ReadAllText(path), Json)
                ?? throw new InvalidOperationException($"{path}: expected a list, found null.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{path}: {e.Message}", e);
        }
    }
}
