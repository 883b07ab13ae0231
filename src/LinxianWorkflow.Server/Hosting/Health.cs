using System.Text.Json;
using Dapper;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// Health as ASP.NET Core's health checks: <c>/health/live</c> (the process answers) and <c>/health/ready</c> (the
/// database answers within two seconds and carries every migration this build knows; <c>/health</c> is the same
/// check; and this node may sign the log). Not ready is a 503 problem+json naming what is wrong, with Retry-After, so a
/// load balancer takes the node out within seconds of PostgreSQL stopping and back when it returns. A node that may not
/// sign the log (another key, a rolled-back database: <see cref="AuditLog.LogIdentity"/>) is not ready either, with the
/// rule named: it would leave every event it takes unsigned, so traffic should go to a node that signs.
/// </summary>
public static class Health
{
    public static void AddHealth(this WebApplicationBuilder builder) =>
        builder.Services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<LogHealthCheck>("log", tags: ["ready"]);

    public static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().WithTags("Operations");
        foreach (var path in new[] { "/health/ready", "/health" })
        {
            app.MapHealthChecks(path, new HealthCheckOptions
            {
                Predicate = check => check.Tags.Contains("ready"),
                ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable, [HealthStatus.Degraded] = StatusCodes.Status200OK },
                ResponseWriter = WriteAsync,
            }).AllowAnonymous().WithTags("Operations");
        }
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        if (report.Status == HealthStatus.Unhealthy)
        {
            var unhealthy = report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).ToList();
            var reasons = string.Join("; ", unhealthy.Select(e => $"{e.Key}: {e.Value.Description}"));

            // The database first: while it is away nothing else can be judged. Otherwise the check's own problem, rule named.
            var problem = unhealthy.All(e => e.Key != "store") && unhealthy.Select(e => e.Value.Data.GetValueOrDefault("problem")).OfType<ProblemException>().FirstOrDefault() is { } own
                ? own
                : ServerText.Problem(StatusCodes.Status503ServiceUnavailable, "store.unavailable", "NotReady", reasons);
            return Problems.WriteAsync(context, problem);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = "ready",
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description }),
        }, Api.Json));
    }
}

/// <summary>The database answers, within two seconds, and has every migration this build ships.</summary>
public sealed partial class StoreHealthCheck(Database store, ILogger<StoreHealthCheck> log) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var connection = await store.OpenAsync(timeout.Token);
            var applied = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT max(version) FROM schema_migrations", cancellationToken: timeout.Token));
            var expected = Database.Scripts(store.IsPostgres ? "postgres" : "sqlite")[^1].Version;
            return applied >= expected
                ? HealthCheckResult.Healthy($"{(store.IsPostgres ? "PostgreSQL" : "SQLite")}, migration {applied}")
                : HealthCheckResult.Unhealthy($"migration {applied?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} of {expected}");
        }
        catch (Exception e) when (StoreFailure.IsUnavailable(e) || e is OperationCanceledException || e is System.Data.Common.DbException)
        {
            // The reason goes to the log; the anonymous answer says only what is wrong, not where the database is.
            LogUnreachable(log, e.GetBaseException().Message);
            return HealthCheckResult.Unhealthy("database unreachable");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: the database is unreachable: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string reason);
}

/// <summary>This node may sign the log: its key is the deployment's and the database was not rolled back (<see cref="AuditLog.LogIdentity"/>).</summary>
public sealed class LogHealthCheck(AuditLog.LogIdentity identity) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(identity.Refusal is { } refusal
            ? HealthCheckResult.Unhealthy($"{refusal.Rule}: {refusal.Text.En}", data: new Dictionary<string, object> { ["problem"] = refusal.Problem() })
            : HealthCheckResult.Healthy($"signs with {identity.Verifier}"));
}
