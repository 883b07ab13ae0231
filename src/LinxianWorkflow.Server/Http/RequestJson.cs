using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Http;

/// <summary>
/// How a request body is read: strictly (unknown members refused, required members and non-null annotations enforced,
/// numbers as numbers, enums by name, no control characters in any string). The minimal API binds <c>[FromBody]</c>
/// parameters with these options (<see cref="Configure"/>); the pages read their forms' JSON with <see cref="Read"/>.
/// A body that does not bind is a 400 naming every bad member at once (<see cref="Refusal"/>).
/// </summary>
public static class RequestJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>Makes <paramref name="options"/> (the framework's HTTP JSON options) read as strictly as <see cref="Options"/>.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = Options.PropertyNamingPolicy;
        options.Encoder = Options.Encoder;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.MaxDepth = Options.MaxDepth;
        foreach (var converter in Options.Converters)
        {
            options.Converters.Add(converter);
        }
    }

    /// <summary>JSON the pages built from a form, read as <paramref name="type"/>; a 400 problem naming what is wrong.</summary>
    public static object Read(string json, Type type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type, Options)
                ?? throw ServerText.Problem(StatusCodes.Status400BadRequest, "input.body-missing", "BodyMissing");
        }
        catch (JsonException e)
        {
            throw Refusal(e, type, json);
        }
    }

    /// <summary>
    /// The refusal for a body that did not bind as <paramref name="type"/>: a control character or a syntax error where
    /// the reader stopped; otherwise every member that is missing, unknown or null where it may not be, found by
    /// walking the body against the type's contract, or else the member the reader stopped at.
    /// </summary>
    public static ProblemException Refusal(JsonException error, Type type, string? body)
    {
        var at = error.Path?.TrimStart('$').TrimStart('.') is { Length: > 0 } path ? path : "(body)";
        if (error is ControlCharacterException)
        {
            return ServerText.Problem(StatusCodes.Status400BadRequest, "input.control-character", "ControlCharacter", at);
        }

        JsonNode? node;
        try
        {
            node = body is null ? null : JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = Options.MaxDepth });
        }
        catch (JsonException)
        {
            return ServerText.Problem(StatusCodes.Status400BadRequest, "input.malformed-json", "BodyMalformed",
                error.LineNumber is { } line ? $"line {line + 1}, byte {error.BytePositionInLine + 1}" : "?");
        }

        var wrong = new List<string>();
        try
        {
            Walk(node, Options.GetTypeInfo(type), "", wrong);
        }
        catch (ArgumentException)
        {
            // A member named twice in one object: JsonNode will not enumerate it; the reader's own place says enough.
            wrong.Clear();
        }

        // Where the reader stopped is always one of them (a wrong type the walk does not look at, say).
        if (at != "(body)" && !wrong.Contains(at, StringComparer.OrdinalIgnoreCase))
        {
            wrong.Add(at);
        }

        return ServerText.Problem(StatusCodes.Status400BadRequest, "input.field", "BodyField", wrong.Count > 0 ? string.Join(", ", wrong) : at);
    }

    // Members missing, unknown or null against the contract, object by object; the rest of a value's wrongs are the reader's.
    private static void Walk(JsonNode? node, JsonTypeInfo contract, string path, List<string> wrong)
    {
        if (contract.Kind == JsonTypeInfoKind.Enumerable && node is JsonArray items && contract.ElementType is { } element)
        {
            for (var i = 0; i < items.Count; i++)
            {
                Walk(items[i], Options.GetTypeInfo(element), $"{path}[{i}]", wrong);
            }

            return;
        }

        if (contract.Kind != JsonTypeInfoKind.Object || contract.PolymorphismOptions is not null || node is not JsonObject members)
        {
            return;
        }

        string Name(string member) => path.Length == 0 ? member : $"{path}.{member}";
        // Members bind case-insensitively (the web defaults), so they are looked up that way here too.
        var known = contract.Properties.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var present = new HashSet<string>(members.Select(m => m.Key), StringComparer.OrdinalIgnoreCase);
        foreach (var (member, value) in members)
        {
            if (!known.TryGetValue(member, out var property))
            {
                wrong.Add(Name(member));
            }
            else if (value is null)
            {
                if (property.AssociatedParameter is { IsNullable: false } || property is { IsSetNullable: false, Set: not null })
                {
                    wrong.Add(Name(member));
                }
            }
            else
            {
                Walk(value, Options.GetTypeInfo(property.PropertyType), Name(member), wrong);
            }
        }

        foreach (var property in contract.Properties)
        {
            var required = property.IsRequired || property.AssociatedParameter is { HasDefaultValue: false, IsMemberInitializer: false };
            if (required && !present.Contains(property.Name))
            {
                wrong.Add(Name(property.Name));
            }
        }
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(EventCodec.Json)
        {
            Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            NumberHandling = JsonNumberHandling.Strict,
            MaxDepth = 16,
        };
        options.Converters.Insert(0, new PlainTextConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>A string member that holds a control character (the reader fills in where).</summary>
    private sealed class ControlCharacterException() : JsonException("A control character in a string.");

    /// <summary>Strings as sent, refusing control characters (<see cref="TextInput"/>) in values and in dictionary keys.</summary>
    private sealed class PlainTextConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? Checked(reader.GetString()) : throw new JsonException("Expected a string.");

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Checked(reader.GetString()) ?? "";

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

        private static string? Checked(string? text) => TextInput.HasControlCharacter(text) ? throw new ControlCharacterException() : text;
    }
}
