using System.Text;
using Dapper;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>Filters for the proposal list; every one optional.</summary>
public sealed record ProposalFilter(
    string? Village = null,
    string? Township = null,
    string? Status = null,
    string? Step = null,
    bool? Overdue = null,
    string? Category = null,
    long? MinAmountFen = null,
    long? MaxAmountFen = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Actor = null,
    int Limit = 50,
    int Offset = 0,
    string? Procedure = null);

/// <summary>An open task with its proposal's title, for an inbox.</summary>
public sealed class InboxRow
{
    public string InstanceId { get; set; } = "";
    public string Title { get; set; } = "";
    public string VillageCode { get; set; } = "";
    public string Task { get; set; } = "";
    public string Role { get; set; } = "";
    public string StepId { get; set; } = "";
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset? RemindAt { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public bool Overdue { get; set; }
}

/// <summary>The proposal list (with its filters, inside the caller's areas) and the inbox of open tasks: the proposals table's and open_tasks' indexes.</summary>
public sealed class ProposalQueries(Database store)
{
    /// <summary>Proposals matching <paramref name="filter"/> inside the areas <paramref name="scopes"/> (area-code path prefixes; "" is everywhere), a page at a time.</summary>
    public async Task<List<ProposalRow>> ListAsync(
        ProposalFilter filter, IReadOnlyCollection<string> scopes, IReadOnlyList<(string Key, IReadOnlyCollection<string> Scopes)>? privateScopes = null, CancellationToken ct = default)
    {
        var sql = new StringBuilder($"SELECT {Database.ProposalColumns} FROM proposals WHERE ");
        var args = new DynamicParameters();
        Database.AppendScopes(sql, args, "village_path", scopes);
        // A non-public procedure's cases only where the caller holds one of its roles (or reads everything).
        for (var i = 0; i < (privateScopes?.Count ?? 0); i++)
        {
            var (key, readable) = privateScopes![i];
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" AND (definition_key <> @pk{i} OR ");
            args.Add($"pk{i}", key);
            Database.AppendScopes(sql, args, "village_path", readable, $"p{i}s");
            sql.Append(')');
        }

        void Where(string clause, string name, object? value)
        {
            if (value is not null)
            {
                sql.Append(" AND ").Append(clause);
                args.Add(name, value);
            }
        }

        Where("village_code = @village", "village", filter.Village);
        Where("township_code = @township", "township", filter.Township);
        Where("status = @status", "status", filter.Status);
        Where("current_step = @step", "step", filter.Step);
        Where("overdue = @overdue", "overdue", filter.Overdue);
        Where("category = @category", "category", filter.Category);
        Where("amount_fen >= @minAmount", "minAmount", filter.MinAmountFen);
        Where("amount_fen <= @maxAmount", "maxAmount", filter.MaxAmountFen);
        Where("started_at >= @from", "from", filter.From?.ToUniversalTime());
        Where("started_at < @to", "to", filter.To?.ToUniversalTime());
        // A procedure's every version: its keys are "id@version".
        Where(@"definition_key LIKE @procedure ESCAPE '\'", "procedure", filter.Procedure is { } procedure
            ? procedure.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "@%"
            : null);
        Where("EXISTS (SELECT 1 FROM events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.instance_id = proposals.id AND (e.actor_id = @actor OR u.user_name = @actor))",
            "actor", filter.Actor);
        sql.Append(" ORDER BY started_at DESC, id LIMIT @limit OFFSET @offset");
        args.Add("limit", filter.Limit);
        args.Add("offset", filter.Offset);
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<ProposalRow>(new CommandDefinition(sql.ToString(), args, cancellationToken: ct))];
    }

    /// <summary>Open tasks any of <paramref name="grants"/> may do: one indexed probe per grant.</summary>
    public async Task<List<InboxRow>> InboxAsync(IReadOnlyList<RoleGrant> grants, CancellationToken ct = default)
    {
        if (grants.Count == 0)
        {
            return [];
        }

        var sql = new StringBuilder(
            "SELECT t.instance_id, p.title, p.village_code, t.task, t.role, t.step_id, t.due_at, t.remind_at, t.opened_at, p.overdue " +
            "FROM open_tasks t JOIN proposals p ON p.id = t.instance_id WHERE t.closed_at IS NULL AND ");
        var args = new DynamicParameters();
        Database.AppendGrants(sql, args, "t.role", "t.village_path", grants);
        sql.Append(" ORDER BY CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END, t.due_at, t.opened_at LIMIT 500");
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<InboxRow>(new CommandDefinition(sql.ToString(), args, cancellationToken: ct))];
    }
}
