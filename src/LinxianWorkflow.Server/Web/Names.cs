using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Resources;
using Microsoft.Extensions.Localization;

namespace LinxianWorkflow.Server.Web;

/// <summary>
/// Names a person reads instead of codes, in the reader's language: areas from the registry, steps and categories from
/// the definitions and profiles, options (decisions, rulings, stages, sources…) from the page text.
/// </summary>
public sealed class Names(IStringLocalizer<PageText> text, AreaRegistry areas, WorkflowLibrary library)
{
    // A step's name as the newest version calls it (a page about one instance names steps from its own definition).
    private readonly Dictionary<string, LocalizedText> _steps = library.Catalog.Definitions.Values.OrderByDescending(d => d.Version)
        .SelectMany(d => d.Steps).GroupBy(s => s.Id, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);

    private readonly Dictionary<string, LocalizedText> _categories = library.Catalog.Profiles.Values
        .SelectMany(p => p.Categories.Values).GroupBy(c => c.Id, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);

    private static readonly System.Resources.ResourceManager Both = new("LinxianWorkflow.Server.Resources.PageText", typeof(PageText).Assembly);

    private readonly string[] _exclusionReasons = [.. library.Catalog.Profiles.Values
        .SelectMany(p => p.Meetings.Values.Concat(p.Categories.Values.SelectMany(c => c.Meetings.Values)))
        .SelectMany(m => m.ExclusionReasons).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The reason a clerk wrote for excluding a member from "due", as its code: the code itself, or its words in either
    /// language (患重病, seriously ill); anything else as written, for the engine to refuse by name.
    /// </summary>
    public string ExclusionReason(string written)
    {
        foreach (var reason in _exclusionReasons)
        {
            if (written == reason
                || string.Equals(written, Both.GetString("Option." + reason, System.Globalization.CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase)
                || string.Equals(written, Both.GetString("Option." + reason, System.Globalization.CultureInfo.GetCultureInfo("en")), StringComparison.OrdinalIgnoreCase))
            {
                return reason;
            }
        }

        return written;
    }

    /// <summary>A village, township or county as people say it, with its township ("碛口镇西湾村"); the code when unknown.</summary>
    public string Area(string codeOrPath) => areas.DisplayName(codeOrPath);

    /// <summary>A step's name; the id when no definition has it.</summary>
    public string Step(string stepId) => _steps.TryGetValue(stepId, out var name) ? AppPageModel.L(name) : stepId;

    /// <summary>A step's name as the given definition version ("id@version") calls it; else as the newest does.</summary>
    public string Step(string stepId, string? definitionKey) =>
        definitionKey is not null && library.Catalog.Definitions.TryGetValue(definitionKey, out var definition) && definition.StepsById.TryGetValue(stepId, out var step)
            ? AppPageModel.L(step.Name)
            : Step(stepId);

    /// <summary>A category's name from the profiles; the id when none has it.</summary>
    public string Category(string id) => _categories.TryGetValue(id, out var name) ? AppPageModel.L(name) : id;

    /// <summary>An option's words ("Option." + value in the page text); the value itself when the text has none.</summary>
    public string Option(string value) => Named("Option.", value);

    /// <summary>An action's name ("Action." + action); the action itself when the text has none.</summary>
    public string Action(string action) => Named("Action.", action);

    /// <summary>True when the page text names this action (a `?done=` value the page may speak of).</summary>
    public bool KnowsAction(string action) => !text["Action." + action].ResourceNotFound;

    private string Named(string prefix, string value)
    {
        var found = text[prefix + value];
        return found.ResourceNotFound ? value : found.Value;
    }
}
