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
    private readonly Dictionary<string, LocalizedText> _steps = library.Catalog.Definitions.Values
        .SelectMany(d => d.Steps).GroupBy(s => s.Id, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);

    private readonly Dictionary<string, LocalizedText> _categories = library.Catalog.Profiles.Values
        .SelectMany(p => p.Categories.Values).GroupBy(c => c.Id, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);

    /// <summary>A village, township or county as people say it, with its township ("碛口镇西湾村"); the code when unknown.</summary>
    public string Area(string codeOrPath) => areas.DisplayName(codeOrPath);

    /// <summary>A step's name; the id when no definition has it.</summary>
    public string Step(string stepId) => _steps.TryGetValue(stepId, out var name) ? AppPageModel.L(name) : stepId;

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
