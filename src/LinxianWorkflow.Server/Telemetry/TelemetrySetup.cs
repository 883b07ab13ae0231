using Dapper;
using LinxianWorkflow.Server.Storage;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LinxianWorkflow.Server.Telemetry;

/// <summary>
/// OpenTelemetry, on when configured: <c>Telemetry:Otlp</c> (an OTLP endpoint, e.g. http://collector:4317) exports
/// traces and metrics; <c>Telemetry:Prometheus=true</c> serves metrics at <c>/metrics</c> for a scraper, or for a
/// person with curl, without a collector. Traces: ASP.NET Core, HttpClient, Npgsql and our commands; metrics: the
/// same plus the .NET runtime and <see cref="WorkflowMetrics"/>. Off (the default), nothing is added.
/// </summary>
public static class TelemetrySetup
{
    public static bool Enabled(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["Telemetry:Otlp"]) || configuration.GetValue<bool>("Telemetry:Prometheus");

    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (!Enabled(configuration))
        {
            return;
        }

        var otlp = configuration["Telemetry:Otlp"] is { Length: > 0 } endpoint ? new Uri(endpoint) : null;
        var prometheus = configuration.GetValue<bool>("Telemetry:Prometheus");
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("linxian-workflow", serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(WorkflowMetrics.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsql();
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(WorkflowMetrics.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation().AddNpgsqlInstrumentation();
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }

                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
    }

    public static void MapTelemetry(this WebApplication app)
    {
        if (!Enabled(app.Configuration))
        {
            return;
        }

        var store = app.Services.GetRequiredService<Database>();
        WorkflowMetrics.ObserveBacklog(() =>
        {
            try
            {
                return BacklogAsync(store, TimeProvider.System.GetUtcNow()).GetAwaiter().GetResult();
            }
            catch (Exception e) when (StoreFailure.IsUnavailable(e))
            {
                return null; // the database away: the gauges are absent, the health check says why
            }
        });
        if (app.Configuration.GetValue<bool>("Telemetry:Prometheus"))
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
    }

    /// <summary>What is waiting (for the telemetry gauges): events not in a signed checkpoint, undelivered notifications, timers past due.</summary>
    private static async Task<Backlog> BacklogAsync(Database store, DateTimeOffset now)
    {
        await using var connection = await store.OpenAsync();
        var row = await connection.QuerySingleAsync<(long Unsigned, long Pending, long Overdue)>(
            "SELECT (SELECT count(*) FROM events) - COALESCE((SELECT max(size) FROM checkpoints), 0), " +
            "(SELECT count(*) FROM notifications WHERE routed_at IS NULL) + (SELECT count(*) FROM deliveries WHERE status = 'pending'), " +
            "(SELECT count(*) FROM timers WHERE status = 'pending' AND due_at < @now)",
            new { now = now.ToUniversalTime() });
        return new Backlog(row.Unsigned, row.Pending, row.Overdue);
    }
}
