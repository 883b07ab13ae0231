using System.Text.Json;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Http;

/// <summary>
/// Reads a JSON body ourselves, so every way it can be wrong (not JSON, wrong type, missing or unknown
/// field, too big, wrong content type) becomes a 4xx naming the field, never a 500.
/// </summary>
public static class JsonBody
{
    public const int DefaultLimit = 256 * 1024;

    public static readonly JsonSerializerOptions Options = Strict();

    public static async Task<(T Value, string Text)> ReadAsync<T>(HttpRequest request, int limit = DefaultLimit)
    {
        var (value, text) = await ReadAsync(request, typeof(T), limit);
        return ((T)value, text);
    }

    public static async Task<(object Value, string Text)> ReadAsync(HttpRequest request, Type type, int limit = DefaultLimit)
    {
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw ServerText.Problem(StatusCodes.Status415UnsupportedMediaType, "input.content-type", "BodyContentType");
        }

        if (request.ContentLength > limit)
        {
            throw ServerText.Problem(StatusCodes.Status413PayloadTooLarge, "input.too-large", "BodyTooLarge", limit);
        }

        var buffer = new byte[limit + 1];
        var length = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
            if (length > limit)
            {
                throw ServerText.Problem(StatusCodes.Status413PayloadTooLarge, "input.too-large", "BodyTooLarge", limit);
            }
        }

        if (length == 0)
        {
            throw ServerText.Problem(StatusCodes.Status400BadRequest, "input.body-missing", "BodyMissing");
        }

        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        return (Parse(buffer.AsSpan(0, length), type), text);
    }

    /// <summary>JSON (from a body, or a form the pages turned into JSON) read strictly as <paramref name="type"/>; a 400 problem naming what is wrong.</summary>
    public static object Parse(string json, Type type) => Parse(System.Text.Encoding.UTF8.GetBytes(json), type);

    private static object Parse(ReadOnlySpan<byte> json, Type type)
    {
        try
        {
            var value = JsonSerializer.Deserialize(json, type, Options)
                ?? throw ServerText.Problem(StatusCodes.Status400BadRequest, "input.body-missing", "BodyMissing");
            CheckText(json);
            return value;
        }
        catch (JsonException e) when (e.InnerException?.GetType().Name == "JsonReaderException" || e.Path is null)
        {
            throw ServerText.Problem(StatusCodes.Status400BadRequest, "input.malformed-json", "BodyMalformed",
                e.LineNumber is { } line ? $"line {line + 1}, byte {e.BytePositionInLine + 1}" : "?");
        }
        catch (JsonException e)
        {
            throw ServerText.Problem(StatusCodes.Status400BadRequest, "input.field", "BodyField", FieldOf(e));
        }
    }

    // Every string in the body (names and values) is free of control characters; the refusal names the field.
    private static void CheckText(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var field = "";
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                field = reader.GetString() ?? "";
                TextInput.Check(field, field);
            }
            else if (reader.TokenType == JsonTokenType.String)
            {
                TextInput.Check(field, reader.GetString());
            }
        }
    }

    /// <summary>The field a conversion error is about: its path, plus the names of missing required properties.</summary>
    private static string FieldOf(JsonException e)
    {
        var path = e.Path!.TrimStart('$').TrimStart('.');
        const string Missing = "missing required properties including: ";
        var at = e.Message.IndexOf(Missing, StringComparison.Ordinal);
        if (at >= 0)
        {
            var names = e.Message[(at + Missing.Length)..].TrimEnd('.').Replace("'", "", StringComparison.Ordinal);
            path = path.Length == 0 ? names : $"{path}.{names}";
        }

        return path.Length == 0 ? "(body)" : path;
    }

    private static JsonSerializerOptions Strict()
    {
        var options = new JsonSerializerOptions(EventCodec.Json)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            MaxDepth = 16,
        };
        return options;
    }
}
