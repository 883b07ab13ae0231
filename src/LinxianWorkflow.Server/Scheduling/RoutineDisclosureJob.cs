using System.Globalization;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Time;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Scheduling;

/// <summary>
/// Routine disclosures (law art. 30): each village's chair is reminded once per period, as the village's
/// profile says (general affairs quarterly, finance monthly or quarterly). A recurring Hangfire job runs it
/// daily at 00:05 China time and the sweeper once at start; a reminder already made for the period is not
/// made again (a unique index), so a server down on the 1st still reminds, and twice is never.
/// </summary>
public sealed class RoutineDisclosureJob(WorkflowStore store, WorkflowLibrary library, TimeProvider time)
{
    public async Task<int> RunAsync()
    {
        var now = time.GetUtcNow();
        var today = ChinaTime.DateOf(now);
        // Every village where someone holds a village office, from every user (read page by page, never capped).
        var scopes = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var user in store.AllUsersAsync())
        {
            scopes.UnionWith(Tokens.GrantsOf(user).Where(g => Roles.VillageLevel.Contains(g.Role)).Select(g => g.Scope));
        }

        var villages = scopes;
        var reminders = new List<NotificationRow>();
        foreach (var village in villages)
        {
            var (_, profile) = library.ForNewProposal(village);
            foreach (var (kind, frequency) in profile.RoutineDisclosure)
            {
                var quarter = ((today.Month - 1) / 3) + 1;
                var (period, label) = frequency == "monthly"
                    ? (today.ToString("yyyy-MM", CultureInfo.InvariantCulture), ServerText.Get("PeriodMonth", today.Year, today.Month))
                    : ($"{today.Year}-Q{quarter}", ServerText.Get("PeriodQuarter", today.Year, quarter));
                var text = ServerText.Get("NotifyRoutineDisclosure", label, ServerText.Get(kind == "finance" ? "RoutineFinance" : "RoutineGeneral"));
                reminders.Add(new NotificationRow
                {
                    InstanceId = $"routine:{village}:{kind}:{period}",
                    Role = Roles.VillageChair,
                    AreaPath = village,
                    Kind = "routine-disclosure",
                    StepId = kind,
                    TextZh = text.Zh,
                    TextEn = text.En,
                    CreatedAt = now,
                });
            }
        }

        return await store.AddNotificationsOnceAsync(reminders);
    }
}
