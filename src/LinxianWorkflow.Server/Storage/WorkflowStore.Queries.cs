using System.Globalization;
using System.Text;
using Dapper;
using LinxianWorkflow.Engine;

namespace LinxianWorkflow.Server.Storage;

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
    int Offset = 0);

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

public sealed partial class WorkflowStore
{
    private const string ProposalColumns =
        "id AS Id, village_path AS VillagePath, village_code AS VillageCode, township_code AS TownshipCode, title AS Title, category AS Category, " +
        "amount_fen AS AmountFen, status AS Status, result AS Result, current_step AS CurrentStep, step_kind AS StepKind, visit AS Visit, version AS Version, " +
        "definition_key AS DefinitionKey, profile_key AS ProfileKey, started_at AS StartedAt, updated_at AS UpdatedAt, step_entered_at AS StepEnteredAt, " +
        "due_at AS DueAt, overdue AS Overdue, last_hash AS LastHash";

    public async Task<ProposalRow?> GetProposalAsync(string id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ProposalRow>($"SELECT {ProposalColumns} FROM proposals WHERE id = @id", new { id });
    }

    /// <summary>Proposals matching <paramref name="filter"/> inside the areas <paramref name="scopes"/> (area-code path prefixes; "" is everywhere).</summary>
    public async Task<List<ProposalRow>> ListProposalsAsync(ProposalFilter filter, IReadOnlyCollection<string> scopes, CancellationToken ct = default)
    {
        var sql = new StringBuilder($"SELECT {ProposalColumns} FROM proposals WHERE ");
        var args = new DynamicParameters();
        AppendScopes(sql, args, "village_path", scopes);
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
        Where("EXISTS (SELECT 1 FROM events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.instance_id = proposals.id AND (e.actor_id = @actor OR u.user_name = @actor))",
            "actor", filter.Actor);
        sql.Append(" ORDER BY started_at DESC, id LIMIT @limit OFFSET @offset");
        args.Add("limit", filter.Limit);
        args.Add("offset", filter.Offset);
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<ProposalRow>(sql.ToString(), args)];
    }

    /// <summary>Open tasks any of <paramref name="grants"/> may do: one indexed probe per grant.</summary>
    public async Task<List<InboxRow>> InboxAsync(IReadOnlyList<RoleGrant> grants, CancellationToken ct = default)
    {
        if (grants.Count == 0)
        {
            return [];
        }

        var sql = new StringBuilder(
            "SELECT t.instance_id AS InstanceId, p.title AS Title, p.village_code AS VillageCode, t.task AS Task, t.role AS Role, t.step_id AS StepId, " +
            "t.due_at AS DueAt, t.remind_at AS RemindAt, t.opened_at AS OpenedAt, p.overdue AS Overdue " +
            "FROM open_tasks t JOIN proposals p ON p.id = t.instance_id WHERE t.closed_at IS NULL AND ");
        var args = new DynamicParameters();
        AppendGrants(sql, args, "t.role", "t.village_path", grants);
        sql.Append(" ORDER BY CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END, t.due_at, t.opened_at LIMIT 500");
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<InboxRow>(sql.ToString(), args)];
    }

    private const string DisclosureSelect =
        "SELECT d.instance_id AS InstanceId, d.step_id AS StepId, d.visit AS Visit, d.village_code AS VillageCode, d.title AS Title, d.notice_text AS NoticeText, " +
        "d.channels AS Channels, d.period_days AS PeriodDays, d.published_at AS PublishedAt, d.closable_from AS ClosableFrom, d.closed_at AS ClosedAt, " +
        "d.event_seq AS EventSeq, d.event_hash AS EventHash, l.position AS LogPosition " +
        "FROM disclosures d LEFT JOIN log_leaves l ON l.instance_id = d.instance_id AND l.seq = d.event_seq ";

    public async Task<List<DisclosureRow>> DisclosuresAsync(string villageCode, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<DisclosureRow>(
            DisclosureSelect + "WHERE d.village_code = @villageCode ORDER BY d.published_at DESC LIMIT 200", new { villageCode })];
    }

    /// <summary>Disclosures whose title contains <paramref name="text"/>, newest first (at most <paramref name="limit"/>).</summary>
    public async Task<List<DisclosureRow>> DisclosuresTitledAsync(string text, int limit, CancellationToken ct = default)
    {
        var pattern = "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<DisclosureRow>(new CommandDefinition(
            DisclosureSelect + @"WHERE d.title LIKE @pattern ESCAPE '\' ORDER BY d.published_at DESC LIMIT @limit", new { pattern, limit }, cancellationToken: ct))];
    }

    /// <summary>The villages with at least one published disclosure.</summary>
    public async Task<List<string>> DisclosingVillagesAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<string>("SELECT DISTINCT village_code FROM disclosures ORDER BY village_code")];
    }

    /// <summary>Every disclosure ever published, oldest first (the open-data export).</summary>
    public async Task<List<DisclosureRow>> AllDisclosuresAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<DisclosureRow>(DisclosureSelect + "ORDER BY d.published_at, d.instance_id, d.step_id, d.visit")];
    }

    /// <summary>The disclosure a proposal's event published, or null when that event published none.</summary>
    public async Task<DisclosureRow?> DisclosureByEventAsync(string instanceId, int eventSeq, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<DisclosureRow>(
            DisclosureSelect + "WHERE d.instance_id = @instanceId AND d.event_seq = @eventSeq", new { instanceId, eventSeq });
    }

    public async Task<List<TimerRow>> TimersAsync(string instanceId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<TimerRow>(
            "SELECT instance_id AS InstanceId, timer_id AS TimerId, step_id AS StepId, visit AS Visit, purpose AS Purpose, on_expiry AS OnExpiry, " +
            "objection_id AS ObjectionId, due_at AS DueAt, status AS Status, job_id AS JobId, created_at AS CreatedAt FROM timers WHERE instance_id = @instanceId ORDER BY due_at",
            new { instanceId })];
    }

    public async Task<IdempotencyRow?> GetIdempotencyAsync(string userId, string key, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<IdempotencyRow>(
            "SELECT user_id AS UserId, key AS Key, request_hash AS RequestHash, status AS Status, response AS Response, created_at AS CreatedAt " +
            "FROM idempotency_keys WHERE user_id = @userId AND key = @key",
            new { userId, key });
    }

    /// <summary>"(role = r0 AND path under g0) OR (…)": one indexed probe per grant.</summary>
    private static void AppendGrants(StringBuilder sql, DynamicParameters args, string roleColumn, string pathColumn, IReadOnlyList<RoleGrant> grants)
    {
        sql.Append('(');
        for (var i = 0; i < grants.Count; i++)
        {
            sql.Append(i == 0 ? "(" : " OR (").Append(CultureInfo.InvariantCulture, $"{roleColumn} = @r{i} AND ");
            args.Add($"r{i}", grants[i].Role);
            AppendScopes(sql, args, pathColumn, [grants[i].Scope], $"g{i}");
            sql.Append(')');
        }

        sql.Append(')');
    }

    private static void AppendScopes(StringBuilder sql, DynamicParameters args, string column, IReadOnlyCollection<string> scopes, string prefix = "s")
    {
        if (scopes.Any(s => s.Length == 0))
        {
            sql.Append("1 = 1");
            return;
        }

        if (scopes.Count == 0)
        {
            sql.Append("1 = 0");
            return;
        }

        sql.Append('(');
        var i = 0;
        foreach (var scope in scopes)
        {
            sql.Append(i == 0 ? "" : " OR ").Append(CultureInfo.InvariantCulture, $"{column} = @{prefix}{i} OR {column} LIKE @{prefix}{i}l");
            args.Add($"{prefix}{i}", scope);
            args.Add($"{prefix}{i}l", scope + "/%");
            i++;
        }

        sql.Append(')');
    }
}
