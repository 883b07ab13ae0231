namespace LinxianWorkflow.Engine;

/// <summary>
/// A command the engine refused: <see cref="Rule"/> is a stable identifier ("meeting.notice-period")
/// and <see cref="Message"/> names the rule and the numbers, in Chinese and English.
/// </summary>
public sealed record RuleViolation(string Rule, LocalizedText Message)
{
    /// <inheritdoc />
    public override string ToString() => $"[{Rule}] {Message.Zh} / {Message.En}";
}
