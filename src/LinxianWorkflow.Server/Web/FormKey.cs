namespace LinxianWorkflow.Server.Web;

/// <summary>
/// Each form carries an idempotency key made when the form was drawn (kept when a refused form is drawn again): a
/// form posted twice (a double click, a browser retry after the server restarted) is done once, and the second post
/// gets the first answer.
/// </summary>
public static class FormKey
{
    public const string Field = "_key";

    /// <summary>The key the form was posted with (letters, digits and '-' only, at most 64), or a new one to draw a form with.</summary>
    public static string Of(HttpRequest request) => Read(request) ?? New();

    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>The posted key as the use case's idempotency key, or null when the form sent none (an old page): then nothing is replayed.</summary>
    public static string? Posted(HttpRequest request) => Read(request) is { } key ? "form-" + key : null;

    private static string? Read(HttpRequest request) =>
        request.HasFormContentType && request.Form[Field].ToString() is { Length: > 0 and <= 64 } key && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
            ? key
            : null;
}
