using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Server.Application;

/// <summary>Where definitions come from and which profile a county runs on ("Workflows" settings; docs/operations.md).</summary>
public sealed class WorkflowOptions
{
    /// <summary>The folder of *.workflow.json and profiles; found by walking up from the working directory when empty.</summary>
    public string? Folder { get; set; }

    /// <summary>The definition new proposals start on (its latest version).</summary>
    public string Definition { get; set; } = "siyi-liangkai";

    /// <summary>The profile for counties not listed in <see cref="CountyProfiles"/>.</summary>
    public string Profile { get; set; } = "default";

    /// <summary>County area code → profile id (e.g. 141124 → linxian).</summary>
    public Dictionary<string, string> CountyProfiles { get; set; } = [];
}

/// <summary>The loaded definitions and profiles; new proposals take the latest, running ones the versions they started on.</summary>
public sealed class WorkflowLibrary
{
    private readonly WorkflowOptions _options;

    public WorkflowLibrary(WorkflowOptions options)
    {
        _options = options;
        Folder = options.Folder ?? FindFolder();
        var (catalog, errors) = WorkflowCatalog.LoadFolder(Folder);
        Catalog = catalog ?? throw new InvalidOperationException(
            $"The workflow definitions in {Folder} do not load:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        PublicDefinitionKeys = [.. Catalog.Definitions.Values.Where(d => d.Public).Select(d => d.Key).Order(StringComparer.Ordinal)];
    }

    /// <summary>The keys ("id@version") of the definitions whose instances may be shown to the public, read once from the catalog.</summary>
    public string[] PublicDefinitionKeys { get; }

    public string Folder { get; }

    public WorkflowCatalog Catalog { get; }

    /// <summary>The procedure new proposals start on when the request names none.</summary>
    public string DefaultDefinition => _options.Definition;

    public (WorkflowDefinition Definition, RuleProfile Profile) ForNewProposal(string villagePath, string? definitionId = null)
    {
        var county = villagePath.Split('/')[0];
        var id = definitionId ?? _options.Definition;
        var definition = Catalog.LatestDefinition(id)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "workflow.unknown", "WorkflowUnknown", id);
        var profileId = _options.CountyProfiles.GetValueOrDefault(county, _options.Profile);
        var profile = Catalog.LatestProfile(definition.Id, profileId) ?? Catalog.LatestProfile(definition.Id, _options.Profile)
            ?? throw new InvalidOperationException($"No profile '{profileId}' or '{_options.Profile}' for '{definition.Id}' in {Folder}.");
        return (definition, profile);
    }

    public (WorkflowDefinition Definition, RuleProfile Profile) For(InstanceState state)
    {
        var start = state.Start ?? throw new ArgumentException("The instance has not started.", nameof(state));
        // A version this node lacks (removed, or published on another node first): 503 naming it, not a 500.
        return (Catalog.Definitions.GetValueOrDefault($"{start.DefinitionId}@{state.DefinitionVersion}")
                ?? throw ServerText.Problem(StatusCodes.Status503ServiceUnavailable, "workflow.version-missing", "WorkflowVersionMissing", $"{start.DefinitionId}@{state.DefinitionVersion}", Folder),
            Catalog.Profile(start.DefinitionId, start.ProfileId, state.ProfileVersion)
                ?? throw ServerText.Problem(StatusCodes.Status503ServiceUnavailable, "workflow.version-missing", "WorkflowVersionMissing", $"{start.ProfileId}@{state.ProfileVersion}", Folder));
    }

    private static string FindFolder()
    {
        foreach (var origin in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(origin); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "workflows");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*" + WorkflowCatalog.DefinitionSuffix).Any())
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("No workflows/ folder with *.workflow.json found above the working directory; set Workflows:Folder.");
    }
}
