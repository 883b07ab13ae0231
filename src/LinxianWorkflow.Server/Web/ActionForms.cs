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
    public enum Kind { Text, TextArea, Whole, Money, DateTime, Date, Select, Checks, Bool, YesNo, Exclusions, Names }

    /// <summary>
    /// A field of a form: <paramref name="Label"/> is a page-text key, unless <paramref name="Input"/> is a typed form's
    /// field, which the definition labels (with its choices' names, its help and the outcomes it belongs to).
    /// </summary>
    public sealed record Field(string Path, string Label, Kind Kind, bool Required = true, IReadOnlyList<string>? Options = null, ActionInputView? Input = null);

    /// <summary>The prefix of a typed form's fields in a command ("form.parties").</summary>
    public const string FormPrefix = "form.";

    private static readonly string[] HiddenFields = ["stepId", "objectionId", "interventionId", "demandId", "entry", "record.meetingKind"];
    private static readonly string[] Channels = ["公开栏", "广播", "网上公开", "村民微信群"];

    public static IReadOnlyList<Field> For(ActionView action) => [.. Fixed(action), .. Typed(action)];

    /// <summary>The fields of the typed form the definition declares for this action (a task's outcome form, an entry's record).</summary>
    public static IEnumerable<Field> Typed(ActionView action) =>
        (action.Inputs ?? []).Where(i => i.Label is not null && i.Path.StartsWith(FormPrefix, StringComparison.Ordinal))
            .Select(i => new Field(i.Path, i.Path, i.Kind switch
            {
                "long-text" => Kind.TextArea,
                "date" => Kind.Date,
                "money" => Kind.Money,
                "flag" => Kind.Bool,
                "choice" => Kind.Select,
                "names" => Kind.Names,
                _ => Kind.Text,
            }, i.Required, i.Choices, i));

    private static IReadOnlyList<Field> Fixed(ActionView action) => action.Action switch
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
        foreach (var (name, value) in new[] { ("stepId", action.StepId), ("objectionId", action.ObjectionId), ("interventionId", action.InterventionId), ("demandId", action.DemandId), ("entry", action.EntryId) })
        {
            if (value is not null)
            {
                yield return (name, value);
            }
        }
    }

    /// <summary>The form's element id ("f-record-meeting", "f-answer-objection-O1", "f-record-entry-session").</summary>
    public static string FormId(ActionView action) => FormId(action.Action, action.ObjectionId ?? action.EntryId);

    /// <summary>The form's element id from the action and the objection or entry it concerns.</summary>
    public static string FormId(string action, string? about) => "f-" + action + (string.IsNullOrEmpty(about) ? "" : "-" + about);

    /// <summary>
    /// The posted form as the action's JSON body; a field that cannot be read is left for the strict reader to name. An
    /// exclusion is written "姓名：理由", its reason in words or as its code (<paramref name="reasonCode"/> reads the words).
    /// <paramref name="action"/> is the open action the form was drawn for (its typed fields), or a bare one when it is
    /// no longer open (the engine then says why). A typed form's values go as "form": {field: value}; a field of another
    /// outcome than the one chosen is left out, and a box left unticked of the chosen outcome is "false".
    /// </summary>
    public static string ToJson(ActionView action, IFormCollection form, Func<string, string>? reasonCode = null)
    {
        var root = new JsonObject();
        var fields = Fixed(action).ToDictionary(f => f.Path, StringComparer.Ordinal);
        TypedToJson(root, action, form);

        // Only what the action's command has: a step id shown for context is not sent to a command without one.
        var members = ActionCatalog.Commands.TryGetValue(action.Action, out var type)
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

    private static void TypedToJson(JsonObject root, ActionView action, IFormCollection form)
    {
        var outcome = form["outcome"].ToString().Trim();
        var typed = Typed(action).ToDictionary(f => f.Path, StringComparer.Ordinal);
        var values = new JsonObject();
        foreach (var (key, posted) in form.Where(p => p.Key.StartsWith(FormPrefix, StringComparison.Ordinal) && p.Key.Length > FormPrefix.Length))
        {
            var text = posted.ToString().Trim();
            if (text.Length > 0 && (!typed.TryGetValue(key, out var f) || BelongsTo(f, outcome)))
            {
                values[key[FormPrefix.Length..]] = text;
            }
        }

        foreach (var f in typed.Values.Where(f => f.Kind == Kind.Bool && BelongsTo(f, outcome) && !form.ContainsKey(f.Path)))
        {
            values[f.Path[FormPrefix.Length..]] = "false";
        }

        if (values.Count > 0)
        {
            root["form"] = values;
        }
    }

    private static bool BelongsTo(Field field, string outcome) =>
        field.Input?.For is not { Count: > 0 } outcomes || outcomes.Contains(outcome, StringComparer.Ordinal);

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
