using System.Globalization;

namespace LinxianWorkflow.Engine.Definitions;

/// <summary>The types a form field declared in a definition may have.</summary>
public enum FieldType
{
    /// <summary>One line of text.</summary>
    Text,

    /// <summary>Several lines of text.</summary>
    LongText,

    /// <summary>A calendar date, yyyy-MM-dd, read in China Standard Time.</summary>
    Date,

    /// <summary>A decimal number.</summary>
    Number,

    /// <summary>Yes or no ("true" / "false").</summary>
    Boolean,

    /// <summary>One of the field's options.</summary>
    Choice,

    /// <summary>A list of people's names, one to a line.</summary>
    Names,
}

/// <summary>One field of a typed form: what the record holds beside the outcome, checked by the engine.</summary>
public sealed record FieldDefinition
{
    /// <summary>The field's id, unique in its definition where it names the same thing (a later form may cover an earlier one's field).</summary>
    public required string Id { get; init; }

    /// <summary>Its label.</summary>
    public required LocalizedText Name { get; init; }

    /// <summary>Its type.</summary>
    public required FieldType Type { get; init; }

    /// <summary>True when a value must be given (for the outcomes it belongs to).</summary>
    public bool Required { get; init; }

    /// <summary>The outcomes the field belongs to; empty for every outcome (and for entries and start forms).</summary>
    public IReadOnlyList<string> Outcomes { get; init; } = [];

    /// <summary>Text fields: the longest value allowed.</summary>
    public int MaxLength { get; init; } = 2000;

    /// <summary>Names fields: the fewest names allowed.</summary>
    public int MinCount { get; init; }

    /// <summary>Names fields: the id of an earlier field whose every name this one must include (every party signed).</summary>
    public string? Covers { get; init; }

    /// <summary>Boolean fields: the value the record must hold (the committee's seal applied), or null.</summary>
    public bool? MustBe { get; init; }

    /// <summary>Number fields: bounds, or null.</summary>
    public decimal? Min { get; init; }

    /// <summary>Number fields: bounds, or null.</summary>
    public decimal? Max { get; init; }

    /// <summary>Choice fields: the options, id and name.</summary>
    public IReadOnlyList<SourceDefinition> Options { get; init; } = [];

    /// <summary>A line of guidance shown under the field, or null.</summary>
    public LocalizedText? Help { get; init; }

    /// <summary>True when the field belongs to <paramref name="outcome"/> (null: a form without outcomes).</summary>
    public bool BelongsTo(string? outcome) => Outcomes.Count == 0 || (outcome is not null && Outcomes.Contains(outcome));
}

/// <summary>A typed form: fields in the order written.</summary>
public sealed record FormDefinition(IReadOnlyList<FieldDefinition> Fields)
{
    /// <summary>A form with no fields.</summary>
    public static readonly FormDefinition Empty = new([]);

    /// <summary>The field named <paramref name="id"/>, or null.</summary>
    public FieldDefinition? Field(string id) => Fields.FirstOrDefault(f => f.Id == id);
}

/// <summary>
/// A record kept at a task step any number of times without moving the instance (a mediation session's record, a
/// follow-up visit, the parties' consent to extend a deadline).
/// </summary>
/// <param name="Id">The entry's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Roles">Who records it (the step's roles when empty).</param>
/// <param name="Form">Its fields.</param>
/// <param name="Extends">A deadline timer of the instance this entry moves, or null.</param>
/// <param name="UntilField">With <paramref name="Extends"/>: the date field that gives the new last day.</param>
public sealed record EntryDefinition(string Id, LocalizedText Name, IReadOnlyList<string> Roles, FormDefinition Form, string? Extends, string? UntilField);

/// <summary>Checks form values against a form: presence, types, lengths, names covering an earlier list, required values.</summary>
public static class FormCheck
{
    /// <summary>The separator of names in a stored names value.</summary>
    public const char NameSeparator = '\n';

    private static readonly char[] NameSplitters = ['\n', '\r', '、', ',', '，', ';', '；'];

    /// <summary>
    /// The values, trimmed and in canonical form (names one to a line, booleans "true"/"false", dates yyyy-MM-dd), or the
    /// rule they break. <paramref name="earlier"/> holds the instance's latest value of each field recorded before.
    /// </summary>
    public static (IReadOnlyDictionary<string, string>? Values, RuleViolation? Violation) Check(
        FormDefinition form, string? outcome, IReadOnlyDictionary<string, string>? values, IReadOnlyDictionary<string, string> earlier)
    {
        values ??= new Dictionary<string, string>(StringComparer.Ordinal);
        // A field of another outcome left empty (a page posts every field it drew) is no error; one filled in is.
        foreach (var key in values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).Select(v => v.Key)
                     .Where(k => form.Field(k) is not { } f || !f.BelongsTo(outcome)))
        {
            return (null, Text.Violation("form.unknown-field", "FormUnknownField", key,
                string.Join(", ", form.Fields.Where(f => f.BelongsTo(outcome)).Select(f => f.Id))));
        }

        var clean = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in form.Fields.Where(f => f.BelongsTo(outcome)))
        {
            var raw = values.GetValueOrDefault(field.Id)?.Trim();
            if (string.IsNullOrEmpty(raw))
            {
                if (field.Required)
                {
                    return (null, Text.Violation("form.required", "FormRequired", field.Name));
                }

                continue;
            }

            var (value, violation) = One(field, raw, earlier);
            if (violation is not null)
            {
                return (null, violation);
            }

            clean[field.Id] = value!;
        }

        return (clean, null);
    }

    /// <summary>The names of a stored names value.</summary>
    public static IReadOnlyList<string> NamesOf(string? value) =>
        value is null ? [] : [.. value.Split(NameSplitters, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>A date value as a date, or null.</summary>
    public static DateOnly? DateOf(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static (string? Value, RuleViolation? Violation) One(FieldDefinition field, string raw, IReadOnlyDictionary<string, string> earlier)
    {
        switch (field.Type)
        {
            case FieldType.Text or FieldType.LongText:
                return raw.Length > field.MaxLength
                    ? (null, Text.Violation("form.too-long", "FormTooLong", field.Name, field.MaxLength, raw.Length))
                    : (raw, null);
            case FieldType.Date:
                return DateOf(raw) is { } date
                    ? (date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null)
                    : (null, Text.Violation("form.type", "FormDate", field.Name, raw));
            case FieldType.Number:
                if (!decimal.TryParse(raw, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
                {
                    return (null, Text.Violation("form.type", "FormNumber", field.Name, raw));
                }

                return (field.Min is { } min && number < min) || (field.Max is { } max && number > max)
                    ? (null, Text.Violation("form.range", "FormRange", field.Name, raw, field.Min?.ToString(CultureInfo.InvariantCulture) ?? "-", field.Max?.ToString(CultureInfo.InvariantCulture) ?? "-"))
                    : (number.ToString(CultureInfo.InvariantCulture), null);
            case FieldType.Boolean:
                bool? flag = raw.ToLowerInvariant() switch
                {
                    "true" or "on" or "yes" or "是" => true,
                    "false" or "off" or "no" or "否" => false,
                    _ => null,
                };
                if (flag is null)
                {
                    return (null, Text.Violation("form.type", "FormBoolean", field.Name, raw));
                }

                return field.MustBe is { } must && flag != must
                    ? (null, Text.Violation("form.must-be", must ? "FormMustBeYes" : "FormMustBeNo", field.Name))
                    : (flag.Value ? "true" : "false", null);
            case FieldType.Choice:
                return field.Options.Any(o => o.Id == raw)
                    ? (raw, null)
                    : (null, Text.Violation("form.type", "FormChoice", field.Name, raw, string.Join(", ", field.Options.Select(o => o.Id))));
            default:
                return Names(field, raw, earlier);
        }
    }

    private static (string? Value, RuleViolation? Violation) Names(FieldDefinition field, string raw, IReadOnlyDictionary<string, string> earlier)
    {
        var names = NamesOf(raw);
        if (names.Count < Math.Max(1, field.MinCount))
        {
            return (null, Text.Violation("form.min-count", "FormMinCount", field.Name, Math.Max(1, field.MinCount), names.Count));
        }

        if (names.FirstOrDefault(n => n.Length > 64) is { } tooLong)
        {
            return (null, Text.Violation("form.too-long", "FormTooLong", field.Name, 64, tooLong.Length));
        }

        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return (null, Text.Violation("form.duplicate-name", "FormDuplicateName", field.Name, twice.Key));
        }

        if (field.Covers is { } covers)
        {
            var missing = NamesOf(earlier.GetValueOrDefault(covers)).Where(n => !names.Contains(n, StringComparer.Ordinal)).ToList();
            if (missing.Count > 0)
            {
                return (null, Text.Violation("form.covers", "FormCovers", field.Name, string.Join("、", missing)));
            }
        }

        return (string.Join(NameSeparator, names), null);
    }
}
