using Dapper;

namespace LinxianWorkflow.Server.Storage;

public sealed partial class WorkflowStore
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due, pending timers not claimed by another sweep (lease until
    /// <paramref name="until"/>), oldest first. PostgreSQL skips rows another node is claiming right now.
    /// </summary>
    public async Task<List<(string InstanceId, string TimerId)>> ClaimDueTimersAsync(DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var skipLocked = IsPostgres ? " FOR UPDATE SKIP LOCKED" : "";
        var rows = await connection.QueryAsync<(string, string)>(
            "UPDATE timers SET claimed_until = @until WHERE (instance_id, timer_id) IN (" +
            "SELECT instance_id, timer_id FROM timers WHERE status = 'pending' AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now) " +
            $"ORDER BY due_at LIMIT @limit{skipLocked}) RETURNING instance_id, timer_id",
            new { now = now.ToUniversalTime(), until = until.ToUniversalTime(), limit });
        return [.. rows];
    }

    /// <summary>Pending timers after a keyset position (due, instance, timer), a page at a time.</summary>
    public async Task<List<TimerRow>> PendingTimersAfterAsync(DateTimeOffset dueAt, string instanceId, string timerId, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<TimerRow>(
            "SELECT instance_id AS InstanceId, timer_id AS TimerId, step_id AS StepId, visit AS Visit, purpose AS Purpose, on_expiry AS OnExpiry, " +
            "objection_id AS ObjectionId, due_at AS DueAt, status AS Status, job_id AS JobId, created_at AS CreatedAt FROM timers " +
            "WHERE status = 'pending' AND (due_at > @dueAt OR (due_at = @dueAt AND (instance_id > @instanceId OR (instance_id = @instanceId AND timer_id > @timerId)))) " +
            "ORDER BY due_at, instance_id, timer_id LIMIT @limit",
            new { dueAt, instanceId, timerId, limit })];
    }

    /// <summary>Pending timers due before <paramref name="horizon"/> that have no Hangfire job yet, soonest first.</summary>
    public async Task<List<TimerRow>> UnscheduledTimersAsync(DateTimeOffset horizon, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<TimerRow>(
            "SELECT instance_id AS InstanceId, timer_id AS TimerId, due_at AS DueAt FROM timers " +
            "WHERE status = 'pending' AND job_id IS NULL AND due_at <= @horizon ORDER BY due_at LIMIT @limit",
            new { horizon = horizon.ToUniversalTime(), limit })];
    }

    public async Task ReleaseTimerClaimAsync(string instanceId, string timerId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "UPDATE timers SET claimed_until = NULL WHERE instance_id = @instanceId AND timer_id = @timerId AND status = 'pending'", new { instanceId, timerId });
    }

    public async Task SetTimerJobAsync(string instanceId, string timerId, string jobId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync("UPDATE timers SET job_id = @jobId WHERE instance_id = @instanceId AND timer_id = @timerId", new { jobId, instanceId, timerId });
    }

    public async Task<string?> TimerJobAsync(string instanceId, string timerId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(
            "SELECT job_id FROM timers WHERE instance_id = @instanceId AND timer_id = @timerId", new { instanceId, timerId });
    }
}
