using System.Collections.Frozen;
using LinxianWorkflow.Engine.Rules;

using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Definitions;

/// <summary>
/// Every definition and profile under a folder (workflows/), checked one by one and against each other:
/// each profile must define every meeting kind and named period each definition uses.
/// </summary>
public sealed class WorkflowCatalog
{
    /// <summary>Definition files end with this.</summary>
    public const string DefinitionSuffix = ".workflow.json";

    /// <summary>Profile files end with this.</summary>
    public const string ProfileSuffix = ".profile.json";

    private WorkflowCatalog(IReadOnlyList<WorkflowDefinition> definitions, IReadOnlyList<RuleProfile> profiles)
    {
        Definitions = definitions.ToFrozenDictionary(d => d.Key, StringComparer.Ordinal);
        Profiles = profiles.ToFrozenDictionary(ProfileKey, StringComparer.Ordinal);
    }

    /// <summary>Definitions by "id@version".</summary>
    public FrozenDictionary<string, WorkflowDefinition> Definitions { get; }

    /// <summary>Profiles by "id@version".</summary>
    public FrozenDictionary<string, RuleProfile> Profiles { get; }

    /// <summary>The newest version of a definition, for starting new instances.</summary>
    public WorkflowDefinition? LatestDefinition(string id) =>
        Definitions.Values.Where(d => d.Id == id).MaxBy(d => d.Version);

    /// <summary>The newest version of a profile.</summary>
    public RuleProfile? LatestProfile(string workflow, string id) =>
        Profiles.Values.Where(p => p.Workflow == workflow && p.Id == id).MaxBy(p => p.Version);

    /// <summary>The profile <paramref name="id"/>@<paramref name="version"/> of the procedure <paramref name="workflow"/>, or null.</summary>
    public RuleProfile? Profile(string workflow, string id, int version) =>
        Profiles.GetValueOrDefault($"{workflow}/{id}@{version}");

    /// <summary>The newest version of each procedure, by procedure id.</summary>
    public IReadOnlyList<WorkflowDefinition> Procedures =>
        [.. Definitions.Values.GroupBy(d => d.Id, StringComparer.Ordinal).Select(g => g.MaxBy(d => d.Version)!).OrderBy(d => d.Id, StringComparer.Ordinal)];

    /// <summary>A profile's key in <see cref="Profiles"/>: "workflow/id@version" (two procedures may each have a "linxian" profile).</summary>
    public static string ProfileKey(RuleProfile profile) => $"{profile.Workflow}/{profile.Key}";

    /// <summary>Loads every *.workflow.json and *.profile.json below <paramref name="folder"/>.</summary>
    public static (WorkflowCatalog? Catalog, IReadOnlyList<DefinitionError> Errors) LoadFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return (null, [new DefinitionError(folder, null, "the folder does not exist")]);
        }

        var files = Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(DefinitionSuffix, StringComparison.Ordinal) || f.EndsWith(ProfileSuffix, StringComparison.Ordinal)
                || f.EndsWith(WorkingCalendar.Suffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path: Path.GetRelativePath(Directory.GetCurrentDirectory(), f), Text: File.ReadAllText(f)));
        return Load(files);
    }

    /// <summary>Loads definitions and profiles from (file name, JSON text) pairs.</summary>
    public static (WorkflowCatalog? Catalog, IReadOnlyList<DefinitionError> Errors) Load(IEnumerable<(string Path, string Text)> files)
    {
        var errors = new List<DefinitionError>();
        var definitions = new List<WorkflowDefinition>();
        var broken = new HashSet<string>(StringComparer.Ordinal);
        var profiles = new List<RuleProfile>();
        var all = files.ToList();

        // Calendars first: a profile that counts working days is compiled with the calendar.
        WorkingCalendar? calendar = null;
        foreach (var (path, text) in all.Where(f => f.Path.EndsWith(WorkingCalendar.Suffix, StringComparison.Ordinal)))
        {
            var (parsed, calendarErrors) = WorkingCalendar.Parse(text, path);
            errors.AddRange(calendarErrors);
            if (parsed is not null && calendar is not null)
            {
                errors.Add(new DefinitionError(path, null, $"a second calendar; keep one *{WorkingCalendar.Suffix} under workflows/"));
            }

            calendar ??= parsed;
        }

        foreach (var (path, text) in all.Where(f => !f.Path.EndsWith(WorkingCalendar.Suffix, StringComparison.Ordinal)))
        {
            if (path.EndsWith(ProfileSuffix, StringComparison.Ordinal))
            {
                var (profile, profileErrors) = ProfileCompiler.Compile(text, path, calendar);
                errors.AddRange(profileErrors);
                if (profile is not null)
                {
                    profiles.Add(profile);
                }
            }
            else
            {
                var (definition, definitionErrors) = DefinitionCompiler.Compile(text, path);
                errors.AddRange(definitionErrors);
                if (definition is not null)
                {
                    definitions.Add(definition);
                }
                else if (IdOf(text) is { } id)
                {
                    broken.Add(id);
                }
            }
        }

        CheckUnique(definitions.Select(d => (d.Key, d.SourceFile)), "definition", errors);
        CheckUnique(profiles.Select(p => (ProfileKey(p), p.SourceFile)), "profile", errors);
        CheckRoles(definitions, errors);
        // A profile of a definition that failed is no orphan: the definition's own errors say what to fix.
        foreach (var profile in profiles.Where(p => definitions.All(d => d.Id != p.Workflow) && !broken.Contains(p.Workflow)))
        {
            errors.Add(new DefinitionError(profile.SourceFile, null, $"'workflow' names '{profile.Workflow}', which no *{DefinitionSuffix} file defines"));
        }

        foreach (var definition in definitions.Where(d => profiles.All(p => p.Workflow != d.Id)))
        {
            errors.Add(new DefinitionError(definition.SourceFile, null, $"no *{ProfileSuffix} file sets the rules of '{definition.Id}': add one with \"workflow\": \"{definition.Id}\""));
        }

        if (definitions.Count == 0 && errors.Count == 0)
        {
            errors.Add(new DefinitionError("workflows", null, $"no *{DefinitionSuffix} file found"));
        }

        if (profiles.Count == 0 && errors.Count == 0)
        {
            errors.Add(new DefinitionError("workflows", null, $"no *{ProfileSuffix} file found"));
        }

        foreach (var definition in definitions)
        {
            foreach (var profile in profiles.Where(p => p.Workflow == definition.Id))
            {
                errors.AddRange(CheckPair(definition, profile));
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        // A profile that writes no separation of duties takes the conflicts its procedure's newest definition declares.
        foreach (var profile in profiles.Where(p => !p.SeparationDeclared))
        {
            var roles = definitions.Where(d => d.Id == profile.Workflow).MaxBy(d => d.Version)!.Roles;
            profile.SeparationOfDuties = roles.Where(r => r.ConflictsWith.Count > 0)
                .ToFrozenDictionary(r => r.Id, r => r.ConflictsWith.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
        }

        Roles.Declare(definitions.SelectMany(d => d.Roles));
        return (new WorkflowCatalog(definitions, profiles), errors);
    }

    // The "id" of a definition file that did not compile, if it can be read at all.
    private static string? IdOf(string text)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(text) is System.Text.Json.Nodes.JsonObject o && o["id"] is System.Text.Json.Nodes.JsonValue v
                && v.TryGetValue<string>(out var id) ? id : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The errors that stop <paramref name="definition"/> from running under <paramref name="profile"/>.</summary>
    public static IEnumerable<DefinitionError> CheckPair(WorkflowDefinition definition, RuleProfile profile)
    {
        foreach (var step in definition.Steps)
        {
            foreach (var kind in step.MeetingKinds.Where(k => !profile.Meetings.ContainsKey(k)))
            {
                yield return new DefinitionError(definition.SourceFile, step.Id,
                    $"meeting kind '{kind}' is not defined in profile {profile.Key} ({profile.SourceFile}): add it under 'meetings'");
            }

            foreach (var timer in step.Timers)
            {
                foreach (var key in new[] { timer.Duration.ProfileKey }.Where(k => k is not null && !profile.Days.ContainsKey(k)))
                {
                    yield return new DefinitionError(definition.SourceFile, step.Id,
                        $"timer '{timer.Id}' uses profile:{key}, which profile {profile.Key} ({profile.SourceFile}) does not define under 'days'");
                }
            }
        }

        if (definition.Steps.Any(s => s.Kind == StepKind.Disclosure) && profile.MinimumDisclosureDays < ProfileCompiler.LowestDisclosureDays)
        {
            yield return new DefinitionError(profile.SourceFile, null,
                $"'minimumDisclosureDays' is {profile.MinimumDisclosureDays}: {definition.Key} posts notices, and no disclosure may be shorter than {ProfileCompiler.LowestDisclosureDays} days");
        }

        var roleIds = definition.Roles.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (role, conflicts) in profile.SeparationDeclared ? profile.SeparationOfDuties : FrozenDictionary<string, FrozenSet<string>>.Empty)
        {
            foreach (var unknown in conflicts.Prepend(role).Where(r => !roleIds.Contains(r)))
            {
                yield return new DefinitionError(profile.SourceFile, null, $"separationOfDuties: '{unknown}' is not a role of {definition.Key}");
            }
        }

        foreach (var timer in definition.Steps.SelectMany(s => s.Outcomes.Values).Where(o => o.Within?.ProfileKey is { } k && !profile.Days.ContainsKey(k)))
        {
            yield return new DefinitionError(definition.SourceFile, null,
                $"outcome '{timer.Name}' uses within profile:{timer.Within!.Value.ProfileKey}, which profile {profile.Key} ({profile.SourceFile}) does not define under 'days'");
        }

        if (definition.Rehearing?.AnswerDeadline.ProfileKey is { } rehearingKey && !profile.Days.ContainsKey(rehearingKey))
        {
            yield return new DefinitionError(definition.SourceFile, "rehearing",
                $"answerDeadline uses profile:{rehearingKey}, which profile {profile.Key} ({profile.SourceFile}) does not define under 'days'");
        }
    }

    // A role named by two definitions (two versions, or two procedures) is the same role: same name, same level.
    private static void CheckRoles(List<WorkflowDefinition> definitions, List<DefinitionError> errors)
    {
        foreach (var group in definitions.SelectMany(d => d.Roles.Select(r => (Definition: d, Role: r))).GroupBy(x => x.Role.Id, StringComparer.Ordinal))
        {
            var first = group.First();
            foreach (var other in group.Skip(1).Where(x => x.Role.Level != first.Role.Level || x.Role.Name != first.Role.Name))
            {
                errors.Add(new DefinitionError(other.Definition.SourceFile, null,
                    $"role '{group.Key}' is declared differently in {first.Definition.SourceFile} (name or level): a role id means one role everywhere"));
            }
        }
    }

    private static void CheckUnique(IEnumerable<(string Key, string File)> items, string what, List<DefinitionError> errors)
    {
        foreach (var group in items.GroupBy(i => i.Key).Where(g => g.Count() > 1))
        {
            errors.Add(new DefinitionError(string.Join(", ", group.Select(g => g.File)), null,
                $"{what} {group.Key} is defined more than once: give the new one a higher version"));
        }
    }
}
