using System.Globalization;
using LinxianWorkflow.Engine.Time;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Scheduling;

/// <summary>
/// Routine disclosures (law art. 30): whoever publishes disclosures in a village (the roles of the definition's
/// disclosure steps; the chair in 四议两公开) is reminded once per period, as the village's
/// profile says (general affairs quarterly, finance monthly or quarterly). A recurring Hangfire job runs it
/// daily at 00:05 China time and the sweeper once at start; a reminder already made for the period is not
/// made again (a unique index), so a server down on the 1st still reminds, and twice is never.
/// </summary>
public sealed class RoutineDisclosureJob(Features.Identity.UserQueries users, Notifications.NotificationQueries notifications, WorkflowLibrary library, TimeProvider time)
{
    public async Task<int> RunAsync()
    {
        var now = time.GetUtcNow();
        var today = ChinaTime.DateOf(now);
        // Who publishes is the definition's: the roles of its disclosure steps. Every village where someone holds
        // one of them is reminded, from every user (read page by page, never capped).
        var villages = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        await foreach (var user in users.AllAsync())
        {
            foreach (var grant in Tokens.GrantsOf(user))
            {
                if (!villages.ContainsKey(grant.Scope) && Publishers(grant.Scope) is var publishers && publishers.Contains(grant.Role))
                {
                    villages[grant.Scope] = publishers;
                }
            }
        }

        // Written a thousand at a time, so the reminders held in memory stay few however many villages there are.
        var added = 0;
        var reminders = new List<NotificationRow>();
        foreach (var (village, publishers) in villages)
        {
            if (reminders.Count >= 1000)
            {
                added += await notifications.AddOnceAsync(reminders);
                reminders.Clear();
            }

            var (_, profile) = library.ForNewProposal(village);
            foreach (var (kind, frequency) in profile.RoutineDisclosure)
            {
                var quarter = ((today.Month - 1) / 3) + 1;
                var (period, label) = frequency == "monthly"
                    ? (today.ToString("yyyy-MM", CultureInfo.InvariantCulture), ServerText.Get("PeriodMonth", today.Year, today.Month))
                    : ($"{today.Year}-Q{quarter}", ServerText.Get("PeriodQuarter", today.Year, quarter));
                var what = ServerText.Get(kind == "finance" ? "RoutineFinance" : "RoutineGeneral");
                var text = ServerText.Get("NotifyRoutineDisclosure", label, what);
                reminders.AddRange(publishers.Select(role => new NotificationRow
                {
                    InstanceId = $"routine:{village}:{kind}:{period}",
                    Role = role,
                    AreaPath = village,
                    Kind = "routine-disclosure",
                    StepId = kind,
                    TextZh = text.Zh,
                    TextEn = text.En,
                    Params = Projection.TemplateParams(label, what),
                    CreatedAt = now,
                }));
            }
        }

        return added + await notifications.AddOnceAsync(reminders);
    }

    // The roles that publish disclosures in the definition new proposals of this area run on.
    private IReadOnlyList<string> Publishers(string scope) =>
        [.. library.ForNewProposal(scope).Definition.Steps.Where(s => s.Kind == Engine.Definitions.StepKind.Disclosure).SelectMany(s => s.Roles).Distinct(StringComparer.Ordinal)];
}
