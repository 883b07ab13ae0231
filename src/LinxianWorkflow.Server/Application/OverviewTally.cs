using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Application;

/// <summary>
/// What a command's events add to the overview's counters (issue 14), per township: how long each step took (in tenths of a
/// day), disclosures closed on time or late, objections lodged, answered, escalated and upheld. Summed into
/// <c>overview_tallies</c> in the command's own transaction; the same function refills the table from the events.
/// </summary>
public static class OverviewTally
{
    /// <summary>A step left: bucket = how long it was open, in tenths of a day (see <see cref="Bucket"/>).</summary>
    public const string StepTime = "step-time";

    /// <summary>A disclosure closed: bucket 1 when within <see cref="CloseGrace"/> of its period's end, 0 when later.</summary>
    public const string DisclosureClosed = "disclosure-closed";

    public const string ObjectionLodged = "objection-lodged";
    public const string ObjectionAnswered = "objection-answered";
    public const string ObjectionEscalated = "objection-escalated";

    /// <summary>Upheld by the committee's answer or the township's ruling (including upheld so far that the matter ends).</summary>
    public const string ObjectionUpheld = "objection-upheld";

    /// <summary>365 days in tenths: a longer stay is counted here.</summary>
    public const int MaxBucket = 3650;

    /// <summary>A disclosure closed at most this long after its period could end counts as closed on time.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromDays(3);

    /// <summary>
    /// The counters <paramref name="events"/> add, for a proposal of <paramref name="township"/> that stood at
    /// <paramref name="step"/> (entered at <paramref name="enteredAt"/>; null before it started) with a disclosure closable
    /// from <paramref name="closableFrom"/>. One row per key, sorted, so concurrent commits lock counter rows in one order.
    /// </summary>
    public static IReadOnlyList<TallyRow> Of(
        string township, string? step, DateTimeOffset enteredAt, DateTimeOffset? closableFrom, IEnumerable<RecordedEvent> events)
    {
        var counts = new SortedDictionary<(string Metric, string Step, int Bucket), long>();
        void Count(string metric, string stepId, int bucket = 0) => counts[(metric, stepId, bucket)] = counts.GetValueOrDefault((metric, stepId, bucket)) + 1;

        foreach (var e in events)
        {
            switch (e.Data)
            {
                case StepEntered entered:
                    if (step is not null)
                    {
                        Count(StepTime, step, Bucket(e.At - enteredAt));
                    }

                    (step, enteredAt, closableFrom) = (entered.StepId, e.At, null);
                    break;
                case DisclosurePublished published:
                    closableFrom = published.ClosableFrom;
                    break;
                case DisclosureClosed closed:
                    Count(DisclosureClosed, closed.StepId, closableFrom is { } from && e.At <= from + CloseGrace ? 1 : 0);
                    break;
                case ObjectionLodged lodged:
                    Count(ObjectionLodged, lodged.StepId);
                    break;
                case ObjectionAnswered answered:
                    Count(ObjectionAnswered, answered.StepId);
                    if (answered.Ruling != ObjectionRuling.Dismissed)
                    {
                        Count(ObjectionUpheld, answered.StepId);
                    }

                    break;
                case ObjectionEscalated escalated:
                    Count(ObjectionEscalated, escalated.StepId);
                    break;
                case ObjectionRuled ruled when ruled.Ruling != ObjectionRuling.Dismissed:
                    Count(ObjectionUpheld, ruled.StepId);
                    break;
                default:
                    break;
            }
        }

        return [.. counts.Select(c => new TallyRow(township, c.Key.Metric, c.Key.Step, c.Key.Bucket, c.Value))];
    }

    /// <summary>The event types <see cref="Of"/> reads (what a refill loads from the events table).</summary>
    public static readonly IReadOnlyList<string> EventTypes =
        [nameof(StepEntered), nameof(DisclosurePublished), nameof(DisclosureClosed), nameof(ObjectionLodged), nameof(ObjectionAnswered), nameof(ObjectionEscalated), nameof(ObjectionRuled)];

    /// <summary>
    /// A stay in tenths of a day, rounded down: to the tenth below 10 days, to the day below 100, to ten days beyond (at most
    /// <see cref="MaxBucket"/>). Coarser where a tenth means nothing keeps the counters few (a few thousand rows a township).
    /// </summary>
    public static int Bucket(TimeSpan open)
    {
        var tenths = Math.Clamp(open.Ticks / (TimeSpan.TicksPerDay / 10), 0, MaxBucket);
        return (int)(tenths < 100 ? tenths : tenths < 1000 ? tenths / 10 * 10 : tenths / 100 * 100);
    }
}
