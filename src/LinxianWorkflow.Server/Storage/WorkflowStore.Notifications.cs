using System.Text;
using Dapper;
using LinxianWorkflow.Engine;

namespace LinxianWorkflow.Server.Storage;

public sealed partial class WorkflowStore
{
    private const string NotificationColumns =
        "id AS Id, instance_id AS InstanceId, role AS Role, area_path AS AreaPath, kind AS Kind, step_id AS StepId, text_zh AS TextZh, text_en AS TextEn, " +
        "params AS Params, created_at AS CreatedAt, routed_at AS RoutedAt";

    /// <summary>Notifications for any of <paramref name="grants"/> (the role, in an area the grant covers), newest first.</summary>
    public async Task<List<NotificationRow>> NotificationsAsync(IReadOnlyList<RoleGrant> grants, int limit, CancellationToken ct = default)
    {
        if (grants.Count == 0)
        {
            return [];
        }

        var sql = new StringBuilder($"SELECT {NotificationColumns} FROM notifications WHERE ");
        var args = new DynamicParameters();
        AppendGrants(sql, args, "role", "area_path", grants);

        sql.Append(" ORDER BY created_at DESC, id DESC LIMIT @limit");
        args.Add("limit", limit);
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<NotificationRow>(sql.ToString(), args)];
    }
}

public sealed partial class WorkflowStore
{
    /// <summary>Adds notifications, skipping any a unique index already holds (routine reminders are once per period).</summary>
    public async Task<int> AddNotificationsOnceAsync(IReadOnlyList<NotificationRow> rows, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var added = 0;
        foreach (var n in rows)
        {
            added += await connection.ExecuteAsync(
                "INSERT INTO notifications (instance_id, role, area_path, kind, step_id, text_zh, text_en, params, created_at) " +
                "VALUES (@InstanceId, @Role, @AreaPath, @Kind, @StepId, @TextZh, @TextEn, @Params, @CreatedAt) ON CONFLICT DO NOTHING",
                n);
        }

        return added;
    }
}
