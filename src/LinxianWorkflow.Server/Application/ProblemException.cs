using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Areas;

namespace LinxianWorkflow.Server.Application;

/// <summary>
/// A refusal the caller can act on: an HTTP status, the rule that was broken (a stable id) and the message
/// in Chinese and English. The HTTP layer writes it as problem+json; nothing was saved.
/// </summary>
public sealed class ProblemException(int status, string rule, LocalizedText message) : Exception(message.En)
{
    public int Status { get; } = status;

    public string Rule { get; } = rule;

    public LocalizedText Text { get; } = message;

    /// <summary>When asking again may succeed (sent as Retry-After); null when waiting does not help.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// The engine's rule violation as a refusal: 403 for authorization, 409 for a stale step, 422 for the rest. The
    /// engine knows areas only by their paths, so where its message names the proposal's village by
    /// <paramref name="villagePath"/>, the village's name is put in its place (碛口镇西湾村).
    /// </summary>
    public static ProblemException From(RuleViolation violation, string? villagePath = null, AreaRegistry? areas = null)
    {
        var text = violation.Message;
        if (villagePath is { Length: > 0 } && areas?.Find(villagePath) is not null)
        {
            var name = areas.DisplayName(villagePath);
            text = new LocalizedText(text.Zh.Replace(villagePath, name, StringComparison.Ordinal), text.En.Replace(villagePath, name, StringComparison.Ordinal));
        }

        var status = violation.Rule switch
        {
            "auth.role" or "auth.jurisdiction" or "duty.separation" => StatusCodes.Status403Forbidden,
            "step.not-current" or "instance.ended" or "instance.already-started" => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        return new ProblemException(status, violation.Rule, text);
    }
}

/// <summary>The service's own messages (Resources/ServerMessages.resx, zh-CN, and ServerMessages.en.resx).</summary>
public static class ServerText
{
    private static readonly MessageCatalog Messages = new("LinxianWorkflow.Server.Resources.ServerMessages", typeof(ServerText).Assembly);

    public static LocalizedText Get(string key, params object?[] args) => Messages.Get(key, args);

    public static ProblemException Problem(int status, string rule, string key, params object?[] args) => new(status, rule, Get(key, args));
}
