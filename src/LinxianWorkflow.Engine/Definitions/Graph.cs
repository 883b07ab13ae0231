namespace LinxianWorkflow.Engine.Definitions;

/// <summary>Checks a definition's shape: every step reachable from the start, an end reachable from every step.</summary>
internal static class Graph
{
    public static IEnumerable<string> Successors(StepDefinition step)
    {
        foreach (var outcome in step.Outcomes.Values)
        {
            yield return outcome.To;
        }

        if (step.RepeatedFailure is { } rf)
        {
            yield return rf.To;
        }

        if (step.SkipTo is not null)
        {
            yield return step.SkipTo;
        }
    }

    public static void Check(WorkflowDefinition definition, Action<string?, string> error)
    {
        var extra = definition.Interventions.Values
            .SelectMany(i => i.AllowedAt.Select(at => (From: at, i.To)))
            .ToLookup(e => e.From, e => e.To, StringComparer.Ordinal);

        var reachable = Walk(definition.Start, id => Successors(definition.Step(id)).Concat(extra[id]));
        foreach (var step in definition.Steps.Where(s => !reachable.Contains(s.Id)))
        {
            error(step.Id, $"unreachable: no outcome, skipTo or intervention leads here from '{definition.Start}'");
        }

        // Interventions are exceptional moves; the ordinary outcomes alone must lead every step to an end.
        foreach (var step in definition.Steps.Where(s => s.Kind != StepKind.End))
        {
            var ahead = Walk(step.Id, id => Successors(definition.Step(id)));
            if (!ahead.Any(id => definition.Step(id).Kind == StepKind.End))
            {
                error(step.Id, "no end step can be reached from here through its outcomes: the instance would be stuck forever");
            }
        }

        if (definition.Steps.All(s => s.Result != EndResult.Archived))
        {
            error(null, "no end step has result 'archived': the procedure could never complete");
        }
    }

    private static HashSet<string> Walk(string from, Func<string, IEnumerable<string>> next)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var queue = new Queue<string>([from]);
        while (queue.TryDequeue(out var id))
        {
            foreach (var to in next(id).Where(seen.Add))
            {
                queue.Enqueue(to);
            }
        }

        return seen;
    }
}
