using System.Globalization;
using System.Text;
using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// The workflow as an SVG drawn from the definition: the main path's steps in order as boxes, each marked done,
/// current or ahead (colour and a word, never colour alone), the current one with its attempt number when a
/// step was returned and taken again; a current step off the main path is drawn after it.
/// </summary>
public static class WorkflowDiagram
{
    private const int BoxWidth = 196;
    private const int BoxHeight = 54;
    private const int Gap = 18;
    private const int PerRow = 4;

    /// <summary>The main path as the definition declares it.</summary>
    public static List<StepDefinition> MainPath(WorkflowDefinition definition) => [.. definition.MainPath.Select(definition.Step)];

    /// <summary>The diagram; <paramref name="entered"/> says how often the history entered each step (more than once: returned and taken again).</summary>
    public static string Svg(PageContext page, WorkflowDefinition definition, string currentStep, bool ended, IReadOnlyDictionary<string, int> entered)
    {
        var path = MainPath(definition);
        if (definition.StepsById.ContainsKey(currentStep) && !definition.MainPath.Contains(currentStep))
        {
            // A current step off the main path (a revision, a deadlock decision, an end) is drawn after it, so it is never lost.
            path.Add(definition.Step(currentStep));
        }

        var rows = (path.Count + PerRow - 1) / PerRow;
        var width = (PerRow * (BoxWidth + Gap)) + Gap;
        var height = (rows * (BoxHeight + Gap)) + Gap;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"diagram\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"diagram-title\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"diagram-title\">{page.T("Workflow")}</title>");
        for (var i = 0; i < path.Count; i++)
        {
            var step = path[i];
            var (x, y) = (Gap + ((i % PerRow) * (BoxWidth + Gap)), Gap + ((i / PerRow) * (BoxHeight + Gap)));
            var times = entered.GetValueOrDefault(step.Id);
            var state = step.Id == currentStep && !ended ? "current" : times > 0 ? "done" : "ahead";
            var word = state switch { "current" => page.T("StepCurrent"), "done" => page.T("StepDone"), _ => page.T("StepAhead") }
                + (times > 1 ? " · " + page.T("Visit", times) : "");
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"step {state}\"><rect x=\"{x}\" y=\"{y}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"6\"/>" +
                $"<text x=\"{x + 8}\" y=\"{y + 22}\">{i + 1}. {page.L(step.Name)}</text><text x=\"{x + 8}\" y=\"{y + 42}\" class=\"state\">{word}</text></g>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }
}
