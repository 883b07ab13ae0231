using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Http;

/// <summary>How the API answers: JSON with Chinese readable but HTML-significant characters escaped (&lt; &gt; &amp; ' become \u escapes).</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(EventCodec.Json)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>A JSON body's size limit unless the endpoint names its own (<see cref="BodyLimit"/>).</summary>
    public const int DefaultBodyLimit = 256 * 1024;

    public static IResult Ok<T>(T value) => Results.Json(value, Json);

    /// <summary>The Idempotency-Key header, checked: 1 to 100 visible ASCII characters.</summary>
    public static string? IdempotencyKey(HttpRequest request)
    {
        if (!request.Headers.TryGetValue("Idempotency-Key", out var values))
        {
            return null;
        }

        var key = values.ToString();
        return key.Length is > 0 and <= 100 && key.All(c => c is > ' ' and <= '~')
            ? key
            : throw ServerText.Problem(StatusCodes.Status400BadRequest, "idempotency.key-invalid", "IdempotencyKeyInvalid");
    }

    /// <summary>If-Match: "7" (or 7, or W/"7"): the version the caller saw.</summary>
    public static int? ExpectedVersion(HttpRequest request)
    {
        if (!request.Headers.TryGetValue("If-Match", out var values))
        {
            return null;
        }

        var text = values.ToString().Trim();
        text = text.StartsWith("W/", StringComparison.Ordinal) ? text[2..] : text;
        return int.TryParse(text.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) && version >= 0
            ? version
            : throw ServerText.Problem(StatusCodes.Status400BadRequest, "concurrency.if-match", "IfMatchInvalid");
    }

    /// <summary>An optional whole-number query parameter (0 or more); anything else is a 400 naming it.</summary>
    public static long? QueryNumber(HttpRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var values))
        {
            return null;
        }

        return long.TryParse(values.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? n
            : throw ServerText.Problem(StatusCodes.Status400BadRequest, "query.number", "QueryNumber", name);
    }
}

/// <summary>An endpoint's request body limit in bytes, as endpoint metadata the server applies before the body is read.</summary>
public sealed class BodyLimit(long bytes) : Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = bytes;
}
