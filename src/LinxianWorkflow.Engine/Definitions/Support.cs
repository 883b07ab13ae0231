using System.Text.Json;

namespace LinxianWorkflow.Engine.Definitions;

/// <summary>The guards an outcome may carry.</summary>
public static class Guards
{
    /// <summary>The outcome is refused when the matter's backing forces it onto the agenda (domain.md §1, step 0).</summary>
    public const string MandatoryAgenda = "mandatory-agenda";
}

internal static class Identifiers
{
    public static bool IsValid(string id) =>
        id.Length is > 0 and <= 64
        && char.IsAsciiLetterLower(id[0])
        && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    public static bool IsOutcomeName(string name) =>
        name.Length is > 0 and <= 64 && char.IsAsciiLetterLower(name[0]) && name.All(char.IsAsciiLetter);
}

internal static class Names
{
    public static LocalizedText? Read(Dictionary<string, string>? raw, string field, string? step, Action<string?, string> error)
    {
        if (raw is null || !raw.TryGetValue("zh-CN", out var zh) || !raw.TryGetValue("en", out var en)
            || string.IsNullOrWhiteSpace(zh) || string.IsNullOrWhiteSpace(en))
        {
            error(step, $"'{field}' needs both \"zh-CN\" and \"en\" texts");
            return null;
        }

        if (raw.Count > 2)
        {
            error(step, $"'{field}' holds languages other than \"zh-CN\" and \"en\": {string.Join(", ", raw.Keys.Where(k => k is not ("zh-CN" or "en")))}");
        }

        return new LocalizedText(zh, en);
    }
}

internal static class JsonErrors
{
    public static string Describe(JsonException e)
    {
        var where = e.Path is null ? "" : $" at {e.Path}";
        var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
        var what = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? "an unknown property: check its spelling against the schema"
            : e.Message.Split(" Path:", 2)[0];
        return $"malformed JSON{where}{line}: {what}";
    }
}
