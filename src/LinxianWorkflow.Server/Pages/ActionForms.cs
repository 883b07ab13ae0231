using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LinxianWorkflow.Server.Application;

namespace LinxianWorkflow.Server.Pages;

/// <summary>
/// The form of each action (the same commands the API takes as JSON): which fields, of what kind, under which
/// JSON path. A posted form becomes that JSON and goes through the same strict reader and the same use case,
/// so the pages enforce exactly what the API enforces. Times are entered in Beijing time.
/// </summary>
public static class ActionForms
{
    public enum Kind { Text, TextArea, Whole, Money, DateTime, Date, Select, Checks, Bool, Exclusions }

    public sealed record Field(string Path, string Label, Kind Kind, bool Required = true, IReadOnlyList<string>? Options = null);

    private static readonly string[] HiddenFields = ["stepId", "objectionId", "interventionId", "demandId", "record.meetingKind"];
    private static readonly string[] Channels = ["公开栏", "广播", "网上公开", "村民微信群"];

    public static IReadOnlyList<Field> For(ActionView action) => action.Action switch
    {
        "complete-task" => [new("outcome", "Outcome", Kind.Select, Options: action.ChoicesOf("outcome")), new("note", "Note", Kind.TextArea, false)],
        "record-meeting" =>
        [
            new("record.heldAt", "HeldAt", Kind.DateTime), new("record.noticeGivenAt", "NoticeGivenAt", Kind.DateTime, false),
            new("record.members", "Members", Kind.Whole), new("record.exclusions", "Exclusions", Kind.Exclusions, false),
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
        "answer-rehearing" => [new("accepted", "Accepted", Kind.Bool, false), new("answer", "Answer", Kind.TextArea)],
        "raise-concern" => [new("stepId", "ConcernStep", Kind.Select), new("text", "ConcernText", Kind.TextArea)],
        _ => [],
    };

    /// <summary>The action's form: its fields, the hidden step, objection, version, and the anti-forgery token.</summary>
    public static string Render(PageContext page, string proposalId, int version, ActionView action, IReadOnlyDictionary<string, string> steps)
    {
        if (action.Action == "attach-document")
        {
            return Upload(page, proposalId, action);
        }

        var id = "f-" + action.Action + (action.ObjectionId is null ? "" : "-" + action.ObjectionId);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture,
            $"<form method=\"post\" action=\"/proposals/{Uri.EscapeDataString(proposalId)}/act/{action.Action}\" class=\"action\" id=\"{PageContext.Attr(id)}\">");
        // An intervention is named by the definition (撤回, 撤销, 责令纠正…), every other action by the page text.
        html.Append(CultureInfo.InvariantCulture, $"<h3>{(action.Action == "intervene" ? page.L(action.Label) : page.T("Action." + action.Action))}</h3>");
        html.Append(page.Antiforgery());
        html.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"_version\" value=\"{version}\">");
        Hidden(html, "stepId", action.StepId);
        Hidden(html, "objectionId", action.ObjectionId);
        Hidden(html, "interventionId", action.InterventionId);
        Hidden(html, "demandId", action.DemandId);
        // What the engine says a clerk should know first: the meeting's numbers, when a period ends.
        foreach (var hint in action.Hints ?? [])
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"hint\">{page.L(hint)}</p>");
        }

        var fields = For(action);
        if (action.Action == "record-meeting")
        {
            fields = [new Field("record.meetingKind", "MeetingKind", Kind.Select, Options: action.ChoicesOf("record.meetingKind")), .. fields];
        }

        if (action.Action is "raise-concern" or "demand-rehearing")
        {
            fields = [fields[0] with { Options = [.. action.ChoicesOf(fields[0].Path).Where(steps.ContainsKey)] }, .. fields.Skip(1)];
        }

        foreach (var f in fields)
        {
            var name = PageContext.Attr(f.Path);
            var fieldId = PageContext.Attr(id + "-" + f.Path.Replace('.', '-'));
            var label = page.T(f.Label);
            var required = f.Required ? " required" : "";
            switch (f.Kind)
            {
                case Kind.Select:
                    html.Append(CultureInfo.InvariantCulture, $"<label for=\"{fieldId}\">{label}</label><select id=\"{fieldId}\" name=\"{name}\"{required}>");
                    foreach (var o in f.Options ?? [])
                    {
                        html.Append(CultureInfo.InvariantCulture, $"<option value=\"{PageContext.Attr(o)}\">{(steps.TryGetValue(o, out var stepName) ? stepName : page.Option(o))}</option>");
                    }

                    html.Append("</select>");
                    break;
                case Kind.Checks:
                    html.Append(CultureInfo.InvariantCulture, $"<fieldset><legend>{label}</legend>");
                    var n = 0;
                    foreach (var o in f.Options ?? [])
                    {
                        html.Append(CultureInfo.InvariantCulture,
                            $"<label class=\"check\"><input type=\"checkbox\" name=\"{name}\" value=\"{PageContext.Attr(o)}\" id=\"{fieldId}-{n++}\"{(n == 1 ? " checked" : "")}> {PageContext.E(o)}</label>");
                    }

                    html.Append("</fieldset>");
                    break;
                case Kind.Bool:
                    html.Append(CultureInfo.InvariantCulture, $"<label class=\"check\"><input type=\"checkbox\" id=\"{fieldId}\" name=\"{name}\" value=\"true\"> {label}</label>");
                    break;
                case Kind.TextArea or Kind.Exclusions:
                    html.Append(CultureInfo.InvariantCulture, $"<label for=\"{fieldId}\">{label}</label><textarea id=\"{fieldId}\" name=\"{name}\" rows=\"3\"{required}></textarea>");
                    break;
                default:
                    var type = f.Kind switch { Kind.Whole or Kind.Money => "number", Kind.DateTime => "datetime-local", Kind.Date => "date", _ => "text" };
                    var step = f.Kind == Kind.Money ? " step=\"0.01\" min=\"0\"" : f.Kind == Kind.Whole ? " step=\"1\" min=\"0\"" : "";
                    html.Append(CultureInfo.InvariantCulture, $"<label for=\"{fieldId}\">{label}</label><input id=\"{fieldId}\" name=\"{name}\" type=\"{type}\"{step}{required}>");
                    break;
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"<button type=\"submit\">{page.T("Submit")}</button></form>");
        return html.ToString();
    }

    /// <summary>The upload form: a file (PDF, JPEG, PNG, ≤ 10 MiB) and a description, posted as multipart with the anti-forgery token.</summary>
    private static string Upload(PageContext page, string proposalId, ActionView action) => $"""
        <form method="post" action="/proposals/{Uri.EscapeDataString(proposalId)}/attachments" enctype="multipart/form-data" class="action" id="f-attach-document">
        <h3>{page.T("Action.attach-document")}</h3>
        {page.Antiforgery()}
        <input type="hidden" name="stepId" value="{PageContext.Attr(action.StepId)}">
        <label for="f-attach-file">{page.T("AttachFile")}</label><input id="f-attach-file" name="file" type="file" accept="application/pdf,image/jpeg,image/png" required>
        <label for="f-attach-description">{page.T("Note")}</label><input id="f-attach-description" name="description" maxlength="2000">
        <button type="submit">{page.T("Submit")}</button>
        </form>
        """;

    private static void Hidden(StringBuilder html, string name, string? value)
    {
        if (value is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{PageContext.Attr(name)}\" value=\"{PageContext.Attr(value)}\">");
        }
    }

    /// <summary>The posted form as the action's JSON body; a field that cannot be read is left for the strict reader to name.</summary>
    public static string ToJson(string action, IFormCollection form)
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
                case Kind.Exclusions:
                    node = new JsonArray([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(line => line.Split(['：', ':'], 2))
                        .Select(p => (JsonNode?)new JsonObject { ["member"] = p[0].Trim(), ["reason"] = p.Length > 1 ? p[1].Trim() : "" })]);
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
