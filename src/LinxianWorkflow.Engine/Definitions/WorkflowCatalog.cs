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
        Profiles = profiles.ToFrozenDictionary(p => p.Key, StringComparer.Ordinal);
    }

    /// <summary>Definitions by "id@version".</summary>
    public FrozenDictionary<string, WorkflowDefinition> Definitions { get; }

    /// <summary>Profiles by "id@version".</summary>
    public FrozenDictionary<string, RuleProfile> Profiles { get; }

    /// <summary>The newest version of a definition, for starting new instances.</summary>
    public WorkflowDefinition? LatestDefinition(string id) =>
        Definitions.Values.Where(d => d.Id == id).MaxBy(d => d.Version);

    /// <summary>The newest version of a profile.</summary>
    public RuleProfile? LatestProfile(string id) =>
        Profiles.Values.Where(p => p.Id == id).MaxBy(p => p.Version);

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
            }
        }

        CheckUnique(definitions.Select(d => (d.Key, d.SourceFile)), "definition", errors);
        CheckUnique(profiles.Select(p => (p.Key, p.SourceFile)), "profile", errors);
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
            foreach (var profile in profiles)
            {
                errors.AddRange(CheckPair(definition, profile));
            }
        }

        return errors.Count == 0 ? (new WorkflowCatalog(definitions, profiles), errors) : (null, errors);
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

        if (definition.Rehearing?.AnswerDeadline.ProfileKey is { } rehearingKey && !profile.Days.ContainsKey(rehearingKey))
        {
            yield return new DefinitionError(definition.SourceFile, "rehearing",
                $"answerDeadline uses profile:{rehearingKey}, which profile {profile.Key} ({profile.SourceFile}) does not define under 'days'");
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
