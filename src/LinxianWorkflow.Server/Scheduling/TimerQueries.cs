using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Scheduling;

/// <summary>
/// The timers table as the scheduler and the sweeper read it: every poll bounded (LIMIT, keyset pages) and claimed with a
/// lease, PostgreSQL skipping rows another node is claiming. Timers are written by the commit with the step that set them.
/// </summary>
public sealed class TimerQueries(Database store)
{
    private const string TimerColumns = "instance_id, timer_id, step_id, visit, purpose, on_expiry, objection_id, due_at, status, job_id, created_at";

    /// <summary>
    /// Claims up to <paramref name="limit"/> due, pending timers not claimed by another sweep (lease until
    /// <paramref name="until"/>), oldest first. PostgreSQL skips rows another node is claiming right now.
    /// </summary>
    public async Task<List<(string InstanceId, string TimerId)>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        var skipLocked = store.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "";
        var rows = await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "UPDATE timers SET claimed_until = @until WHERE (instance_id, timer_id) IN (" +
            "SELECT instance_id, timer_id FROM timers WHERE status = 'pending' AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now) " +
            $"ORDER BY due_at LIMIT @limit{skipLocked}) RETURNING instance_id, timer_id",
            new { now = now.ToUniversalTime(), until = until.ToUniversalTime(), limit }, cancellationToken: ct));
        return [.. rows];
    }

    /// <summary>Pending timers after a keyset position (due, instance, timer), a page at a time.</summary>
    public async Task<List<TimerRow>> PendingAfterAsync(DateTimeOffset dueAt, string instanceId, string timerId, int limit, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<TimerRow>(new CommandDefinition(
            $"SELECT {TimerColumns} FROM timers " +
            "WHERE status = 'pending' AND (due_at > @dueAt OR (due_at = @dueAt AND (instance_id > @instanceId OR (instance_id = @instanceId AND timer_id > @timerId)))) " +
            "ORDER BY due_at, instance_id, timer_id LIMIT @limit",
            new { dueAt, instanceId, timerId, limit }, cancellationToken: ct))];
    }

    /// <summary>Pending timers due before <paramref name="horizon"/> that have no Hangfire job yet, soonest first.</summary>
    public async Task<List<TimerRow>> UnscheduledAsync(DateTimeOffset horizon, int limit, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<TimerRow>(new CommandDefinition(
            "SELECT instance_id, timer_id, due_at FROM timers WHERE status = 'pending' AND job_id IS NULL AND due_at <= @horizon ORDER BY due_at LIMIT @limit",
            new { horizon = horizon.ToUniversalTime(), limit }, cancellationToken: ct))];
    }

    /// <summary>A proposal's timers, soonest first (a proposal sets a handful).</summary>
    public async Task<List<TimerRow>> OfProposalAsync(string instanceId, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<TimerRow>(new CommandDefinition(
            $"SELECT {TimerColumns} FROM timers WHERE instance_id = @instanceId ORDER BY due_at", new { instanceId }, cancellationToken: ct))];
    }

    public async Task ReleaseClaimAsync(string instanceId, string timerId, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE timers SET claimed_until = NULL WHERE instance_id = @instanceId AND timer_id = @timerId AND status = 'pending'", new { instanceId, timerId }, cancellationToken: ct));
    }

    public async Task SetJobAsync(string instanceId, string timerId, string jobId, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE timers SET job_id = @jobId WHERE instance_id = @instanceId AND timer_id = @timerId", new { jobId, instanceId, timerId }, cancellationToken: ct));
    }

    public async Task<string?> JobOfAsync(string instanceId, string timerId, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT job_id FROM timers WHERE instance_id = @instanceId AND timer_id = @timerId", new { instanceId, timerId }, cancellationToken: ct));
    }
}
