using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Server.Web;

/// <summary>One step's box in the diagram.</summary>
/// <param name="Id">The step id.</param>
/// <param name="Number">Its place on the main path (1-based), or null off it.</param>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="State">"current", "done" (entered before), "ahead" (on the main path, not yet) or "unvisited" (off it, never entered).</param>
/// <param name="Times">How often the history entered it.</param>
/// <param name="OffPath">True for a side branch or another end.</param>
public sealed record DiagramBox(string Id, int? Number, int X, int Y, string State, int Times, bool OffPath);

/// <summary>An edge: an outcome leading from one step to another.</summary>
/// <param name="X1">Start x.</param>
/// <param name="Y1">Start y.</param>
/// <param name="X2">End x.</param>
/// <param name="Y2">End y.</param>
/// <param name="Kind">The outcome's kind: "forward", "back" or "end".</param>
/// <param name="FromCurrent">True when it leaves the current step (drawn darker: where the proposal may go next).</param>
public sealed record DiagramEdge(int X1, int Y1, int X2, int Y2, string Kind, bool FromCurrent);

/// <summary>
/// The workflow drawn from the definition's declared shape: the main path's steps in rows, then the side branches
/// (revisions, deadlock decisions), then the other ends; an edge for every outcome; each box marked done, current
/// or ahead (in colour and in words) with how often the history entered it.
/// </summary>
public sealed class Diagram
{
    public const int BoxWidth = 196;
    public const int BoxHeight = 54;
    public const int Gap = 22;
    private const int PerRow = 4;
    private const int SectionGap = 30;

    /// <summary>The prefix of the drawing's element ids, from the definition's id and version: a page may draw several.</summary>
    public required string IdPrefix { get; init; }

    /// <summary>The definition drawn ("id@version"): its boxes carry its own step names.</summary>
    public required string DefinitionKey { get; init; }

    public required IReadOnlyList<DiagramBox> Boxes { get; init; }

    public required IReadOnlyList<DiagramEdge> Edges { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>The y of the side branches' row and of the other ends' row (for their captions).</summary>
    public required (int Branches, int Ends) Sections { get; init; }

    public static Diagram Of(WorkflowDefinition definition, string currentStep, bool ended, IReadOnlyDictionary<string, int> entered)
    {
        var boxes = new List<DiagramBox>();
        var y = Gap + 16;
        void Row(IReadOnlyList<StepDefinition> steps, bool offPath, int numberFrom)
        {
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var times = entered.GetValueOrDefault(step.Id);
                var state = step.Id == currentStep && !ended ? "current"
                    : times > 0 ? "done"
                    : offPath ? "unvisited" : "ahead";
                boxes.Add(new DiagramBox(step.Id, offPath ? null : numberFrom + i, Gap + (i % PerRow * (BoxWidth + Gap)), y + (i / PerRow * (BoxHeight + Gap)), state, times, offPath));
            }

            y += (steps.Count + PerRow - 1) / PerRow * (BoxHeight + Gap);
        }

        Row([.. definition.MainPath.Select(definition.Step)], false, 1);
        var off = definition.Steps.Where(s => !definition.MainPath.Contains(s.Id)).ToList();
        y += SectionGap;
        var branchesY = y - 8;
        Row([.. off.Where(s => s.Kind != StepKind.End)], true, 0);
        y += SectionGap;
        var endsY = y - 8;
        Row([.. off.Where(s => s.Kind == StepKind.End)], true, 0);

        var at = boxes.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var edges = new List<DiagramEdge>();
        foreach (var step in definition.Steps)
        {
            foreach (var outcome in step.Outcomes.Values)
            {
                if (!at.TryGetValue(step.Id, out var from) || !at.TryGetValue(outcome.To, out var to))
                {
                    continue;
                }

                edges.Add(Edge(from, to, outcome.Kind.ToString().ToLowerInvariant(), step.Id == currentStep && !ended));
            }
        }

        return new Diagram
        {
            IdPrefix = $"diagram-{definition.Id}-v{definition.Version}",
            DefinitionKey = definition.Key,
            Boxes = boxes,
            Edges = edges,
            Width = (PerRow * (BoxWidth + Gap)) + Gap,
            Height = y,
            Sections = (branchesY, endsY),
        };
    }

    // Side by side in a row: from the right edge to the left edge; otherwise from the bottom (or top) centre to the
    // other's top (or bottom) centre.
    private static DiagramEdge Edge(DiagramBox from, DiagramBox to, string kind, bool fromCurrent)
    {
        if (from.Y == to.Y)
        {
            // A way back within a row runs just below the way forward, so the two stay apart.
            var rightward = to.X > from.X;
            var y = from.Y + (BoxHeight / 2) + (kind == "back" ? 12 : 0);
            return new DiagramEdge(rightward ? from.X + BoxWidth : from.X, y, rightward ? to.X : to.X + BoxWidth, y, kind, fromCurrent);
        }

        var down = to.Y > from.Y;
        return new DiagramEdge(from.X + (BoxWidth / 2), down ? from.Y + BoxHeight : from.Y, to.X + (BoxWidth / 2), down ? to.Y : to.Y + BoxHeight, kind, fromCurrent);
    }
}
