using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Samples;
using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Cli;

/// <summary>`linxian walk`: runs a sample instance of a procedure from its start to its archived end and prints its history.</summary>
internal static class WalkCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static int Run(string folder, string profileId, string procedure = "siyi-liangkai")
    {
        var (catalog, errors) = WorkflowCatalog.LoadFolder(folder);
        if (catalog is null)
        {
            errors.ToList().ForEach(e => Console.Error.WriteLine(e));
            return 1;
        }

        var definition = catalog.LatestDefinition(procedure);
        var profile = catalog.LatestProfile(procedure, profileId);
        if (definition is null || profile is null)
        {
            Console.Error.WriteLine($"找不到流程 {procedure} 或其规则 {profileId} / definition or profile not found");
            return 1;
        }

        var start = new DateTimeOffset(2026, 12, 1, 9, 0, 0, ChinaTime.Offset);
        var (events, state) = SampleDriver.Walk(definition, profile, "demo-1", "141124/141124100/141124100201", start);
        foreach (var e in events)
        {
            var data = e.Data switch
            {
                StepEntered s => $"进入「{definition.Step(s.StepId).Name.Zh}」 (visit {s.Visit})",
                MeetingRecorded m => MeetingJudgeText(profile, state, m),
                _ => e.Data.GetType().Name + " " + JsonSerializer.Serialize(e.Data, e.Data.GetType(), Json),
            };
            Console.WriteLine($"{e.Sequence,3}  {ChinaTime.Display(e.At)}  {e.ActorName}({e.Role})  {data}");
        }

        Console.WriteLine($"结果 / result: {state.Result} at {state.CurrentStep}, {events.Count} events");
        return 0;
    }

    private static string MeetingJudgeText(Engine.Rules.RuleProfile profile, InstanceState state, MeetingRecorded m) =>
        Engine.Rules.MeetingJudge.Explain(profile.MeetingRuleFor(m.Record.MeetingKind, state.Start!.Category), m).Zh;
}
