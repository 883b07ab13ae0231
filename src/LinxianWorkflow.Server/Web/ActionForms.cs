using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LinxianWorkflow.Server.Application;

namespace LinxianWorkflow.Server.Web;

/// <summary>
/// The form of each action (the same commands the API takes as JSON): which fields, of what kind, under which
/// JSON path. A posted form becomes that JSON and goes through the same strict reader and the same use case,
/// so the pages enforce exactly what the API enforces. Times are entered in Beijing time.
/// </summary>
public static class ActionForms
{
    public enum Kind { Text, TextArea, Whole, Money, DateTime, Date, Select, Checks, Bool, YesNo, Exclusions }

    public sealed record Field(string Path, string Label, Kind Kind, bool Required = true, IReadOnlyList<string>? Options = null);

    private static readonly string[] HiddenFields = ["stepId", "objectionId", "interventionId", "demandId", "record.meetingKind"];
    private static readonly string[] Channels = ["公开栏", "广播", "网上公开", "村民微信群"];

    public static IReadOnlyList<Field> For(ActionView action) => action.Action switch
    {
        "complete-task" => [new("outcome", "Outcome", Kind.Select, Options: action.ChoicesOf("outcome")), new("note", "Note", Kind.TextArea, false)],
        "record-meeting" =>
        [
            new("record.heldAt", "HeldAt", Kind.DateTime), new("record.noticeGivenAt", "NoticeGivenAt", Kind.DateTime, false),
            new("record.members", "Members", Kind.Whole), new("record.exclusions", "Exclusions", Kind.Exclusions, false, action.ChoicesOf("record.exclusions")),
            new("record.present", "Present", Kind.Whole), new("record.yes", "Yes", Kind.Whole), new("record.no", "No", Kind.Whole),
            new("record.abstain", "Abstain", Kind.Whole), new("record.minutes", "Minutes", Kind.TextArea),
            new("record.townshipAttendee", "TownshipAttendee", Kind.Text, false), new("record.implementationDueBy", "ImplementationDueBy", Kind.Date, false),
        ],
        "review" => [new("decision", "Decision", Kind.Select, Options: action.ChoicesOf("decision")), new("reasons", "Reasons", Kind.TextArea, false)],
        "countersign" => [new("opinion", "Opinion", Kind.TextArea, false)],
        "publish" => [new("noticeText", "NoticeText", Kind.TextArea), new("channels", "Channels", Kind.Checks, Options: Channels)],
        "answer-objection" => [new("answer", "Answer", Kind.TextArea), new("ruling", "Ruling", Kind.Select, Options: action.ChoicesOf("ruling"))],
        "escalate-objection" => [new("reason", "Reason", Kind.TextArea)],
        "rule-on-objection" => [new("ruling", "Ruling", Kind.Select, Options: action.ChoicesOf("ruling")), new("reasons", "Reasons", Kind.TextArea)],
        "report-progress" => [new("stage", "Stage", Kind.Select, Options: action.ChoicesOf("stage")), new("summary", "Summary", Kind.TextArea), new("costYuan", "Cost", Kind.Money, false), new("disclose", "Disclose", Kind.Bool, false)],
        "complete-implementation" => [new("summary", "Summary", Kind.TextArea), new("totalCostYuan", "TotalCost", Kind.Money)],
        "intervene" => [new("reason", "Reason", Kind.TextArea)],
        "demand-rehearing" => [new("targetStepId", "TargetStep", Kind.Select), new("reasons", "Reasons", Kind.TextArea)],
        "answer-rehearing" => [new("accepted", "Accepted", Kind.YesNo), new("answer", "Answer", Kind.TextArea)],
        "raise-concern" => [new("stepId", "ConcernStep", Kind.Select), new("text", "ConcernText", Kind.TextArea)],
        _ => [],
    };

    /// <summary>
    /// The fields of an action's form as drawn: the meeting kind first for a meeting, and the steps a concern or a
    /// rehearing demand may name restricted to those the engine offers.
    /// </summary>
    public static IReadOnlyList<Field> Drawn(ActionView action, IReadOnlyCollection<string> stepIds)
    {
        var fields = For(action);
        if (action.Action == "record-meeting")
        {
            fields = [new Field("record.meetingKind", "MeetingKind", Kind.Select, Options: action.ChoicesOf("record.meetingKind")), .. fields];
        }

        if (action.Action is "raise-concern" or "demand-rehearing")
        {
            fields = [fields[0] with { Options = [.. action.ChoicesOf(fields[0].Path).Where(stepIds.Contains)] }, .. fields.Skip(1)];
        }

        return fields;
    }

    /// <summary>The hidden fields a form carries (the step, objection, intervention or rehearing it is about).</summary>
    public static IEnumerable<(string Name, string Value)> Hidden(ActionView action)
    {
        foreach (var (name, value) in new[] { ("stepId", action.StepId), ("objectionId", action.ObjectionId), ("interventionId", action.InterventionId), ("demandId", action.DemandId) })
        {
            if (value is not null)
            {
                yield return (name, value);
            }
        }
    }

    /// <summary>The form's element id ("f-record-meeting", "f-answer-objection-O1").</summary>
    public static string FormId(ActionView action) => "f-" + action.Action + (action.ObjectionId is null ? "" : "-" + action.ObjectionId);

    /// <summary>
    /// The posted form as the action's JSON body; a field that cannot be read is left for the strict reader to name. An
    /// exclusion is written "姓名：理由", its reason in words or as its code (<paramref name="reasonCode"/> reads the words).
    /// </summary>
    public static string ToJson(string action, IFormCollection form, Func<string, string>? reasonCode = null)
    {
        var root = new JsonObject();
        var fields = For(new ActionView(action, null, new Engine.LocalizedText("", ""))).ToDictionary(f => f.Path, StringComparer.Ordinal);

        // Only what the action's command has: a step id shown for context is not sent to a command without one.
        var members = ActionCatalog.Commands.TryGetValue(action, out var type)
            ? type.GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var key in HiddenFields.Concat(fields.Keys).Distinct(StringComparer.Ordinal).Where(k => members.Contains(k.Split('.')[0])))
        {
            var values = form[key];
            _ = fields.TryGetValue(key, out var f);
            var kind = f?.Kind ?? Kind.Text;
            var text = values.ToString().Trim();
            JsonNode? node;
            switch (kind)
            {
                case Kind.Checks:
                    node = new JsonArray([.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => (JsonNode?)JsonValue.Create(v))]);
                    break;
                case Kind.Bool:
                    node = JsonValue.Create(text == "true");
                    break;
                case Kind.YesNo when text is "true" or "false":
                    node = JsonValue.Create(text == "true");
                    break;
                case Kind.YesNo:
                    continue; // not chosen: the strict reader names the field
                case Kind.Exclusions:
                    node = new JsonArray([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(line => line.Split(['：', ':'], 2))
                        .Select(p => (JsonNode?)new JsonObject { ["member"] = p[0].Trim(), ["reason"] = p.Length > 1 ? (reasonCode ?? (r => r))(p[1].Trim()) : "" })]);
                    break;
                default:
                    if (text.Length == 0)
                    {
                        if (f is { Required: false })
                        {
                            Put(root, key, null); // an optional field left empty is null
                        }

                        continue; // a required one left out is named by the strict reader
                    }

                    node = kind switch
                    {
                        Kind.Whole when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),
                        Kind.Money when decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                        Kind.DateTime when DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) =>
                            JsonValue.Create(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Unspecified), TimeSpan.FromHours(8))),
                        _ => JsonValue.Create(text),
                    };
                    break;
            }

            Put(root, key, node);
        }

        return root.ToJsonString();
    }

    private static void Put(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var target = root;
        foreach (var part in parts[..^1])
        {
            target = target[part] as JsonObject ?? (JsonObject)(target[part] = new JsonObject());
        }

        target[parts[^1]] = value;
    }
}
