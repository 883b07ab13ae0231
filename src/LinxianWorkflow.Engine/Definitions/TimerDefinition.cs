using System.Globalization;

namespace LinxianWorkflow.Engine.Definitions;

/// <summary>What a timer is for.</summary>
public enum TimerKind
{
    /// <summary>The step (or objection) should be dealt with by then; a reminder may precede it.</summary>
    Deadline,

    /// <summary>A disclosure may not be closed before then.</summary>
    MinimumPeriod,
}

/// <summary>The fact a timer's period is counted from.</summary>
public enum TimerAnchor
{
    /// <summary>The step was entered.</summary>
    StepEntered,

    /// <summary>The disclosure was published.</summary>
    Published,

    /// <summary>An objection was lodged (one timer per objection).</summary>
    ObjectionLodged,

    /// <summary>An objection was escalated to the township (one timer per objection).</summary>
    ObjectionEscalated,
}

/// <summary>What happens when a deadline passes.</summary>
public enum TimerExpiry
{
    /// <summary>Nothing beyond the record that the period ended (minimum periods).</summary>
    None,

    /// <summary>The step is marked overdue and escalated to the township.</summary>
    Escalate,

    /// <summary>The unanswered objection goes to the township.</summary>
    EscalateObjection,
}

/// <summary>A number of calendar days, written "P10D", or a day count named in the rule profile, written "profile:objectionAnswerDays".</summary>
public readonly record struct DurationSpec(int Days, string? ProfileKey)
{
    private const string ProfilePrefix = "profile:";

    /// <summary>Parses "P10D" or "profile:name"; false for anything else.</summary>
    public static bool TryParse(string? text, out DurationSpec spec)
    {
        spec = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.StartsWith(ProfilePrefix, StringComparison.Ordinal))
        {
            var key = text[ProfilePrefix.Length..];
            if (key.Length == 0 || !key.All(char.IsAsciiLetterOrDigit))
            {
                return false;
            }

            spec = new DurationSpec(0, key);
            return true;
        }

        if (text.Length >= 3 && text[0] == 'P' && text[^1] == 'D'
            && int.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var days)
            && days is > 0 and <= 3660)
        {
            spec = new DurationSpec(days, null);
            return true;
        }

        return false;
    }

    /// <summary>The number of days under <paramref name="profile"/>.</summary>
    public int DaysUnder(Rules.RuleProfile profile) => ProfileKey is null ? Days : profile.Days[ProfileKey];

    /// <inheritdoc />
    public override string ToString() => ProfileKey is null ? $"P{Days}D" : ProfilePrefix + ProfileKey;
}

/// <summary>A timer declared on a step.</summary>
public sealed record TimerDefinition(
    string Id,
    TimerKind Kind,
    TimerAnchor Anchor,
    DurationSpec Duration,
    DurationSpec? ReminderBefore,
    TimerExpiry OnExpiry,
    IReadOnlyList<string>? KeepThrough = null)
{
    /// <summary>Steps the timer keeps running through when the instance moves on to them (a month counted from acceptance across informing and sessions).</summary>
    public IReadOnlyList<string> KeptThrough => KeepThrough ?? [];
}
