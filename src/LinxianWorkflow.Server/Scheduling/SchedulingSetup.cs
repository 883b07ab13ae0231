using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Notifications;
using LinxianWorkflow.Server.Storage;
using Npgsql;

namespace LinxianWorkflow.Server.Scheduling;

/// <summary>
/// Time on Hangfire: PostgreSQL storage (schema "hangfire") with the PostgreSQL store, in-memory storage in
/// the embedded mode; the sweep and the notification dispatcher as hosted services; the dashboard at
/// /hangfire for administrators only.
/// </summary>
public static class SchedulingSetup
{
    public const string Schema = "hangfire";

    public static void AddScheduling(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Scheduling").Get<SchedulingOptions>() ?? new SchedulingOptions();
        var store = builder.Configuration.GetSection("Storage").Get<StoreOptions>() ?? new StoreOptions();
        // Hangfire is configured from these now, so they are checked now as well as by the options pattern.
        Hosting.ServerApp.Check(options);
        builder.Services.AddOptions<SchedulingOptions>().Bind(builder.Configuration.GetSection("Scheduling")).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<SchedulingOptions>>().Value);
        builder.Services.AddHangfire(hangfire =>
        {
            hangfire.UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();
            if (store.IsPostgres)
            {
                hangfire.UsePostgreSqlStorage(
                    connection => connection.UseNpgsqlConnection(store.Postgres),
                    new PostgreSqlStorageOptions
                    {
                        SchemaName = Schema,
                        PrepareSchemaIfNecessary = false, // installed by the owner at start (PrepareSchedulingAsync)
                        QueuePollInterval = TimeSpan.FromSeconds(options.PollSeconds),
                    });
            }
            else
            {
                hangfire.UseInMemoryStorage();
            }
        });
        builder.Services.AddHangfireServer(server =>
        {
            server.SchedulePollingInterval = TimeSpan.FromSeconds(options.PollSeconds);
            server.WorkerCount = options.Workers;
        });
        builder.Services.AddSingleton<TimerQueries>();
        builder.Services.AddSingleton<TimerScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerScheduler>());
        builder.Services.AddSingleton<FireTimerJob>();
        builder.Services.AddSingleton<RoutineDisclosureJob>();
        builder.Services.AddSingleton<TimerSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimerSweeper>());
        if (builder.Configuration.GetValue("Audit:Batcher", true))
        {
            // Off only to measure what the log costs a command (tests/LinxianWorkflow.LoadTest `nolog`): events then wait in the outbox.
            builder.Services.AddHostedService<AuditLog.LogBatcher>();
        }
        builder.AddNotifications();
    }

    /// <summary>
    /// On PostgreSQL, Hangfire's tables are installed by the owner and granted to the application role: at start when the
    /// service is given the owner's login, otherwise by the `migrate` command (<see cref="InstallAsync"/>).
    /// </summary>
    public static async Task PrepareSchedulingAsync(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<StoreOptions>();
        if (store.IsPostgres && !string.IsNullOrEmpty(store.PostgresMigrations))
        {
            await InstallAsync(store.PostgresMigrations);
        }
    }

    /// <summary>Installs or upgrades Hangfire's schema with the owner's connection string and grants it to linxian_app.</summary>
    public static async Task InstallAsync(string ownerConnectionString)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(4242)", connection))
        {
            await lockCommand.ExecuteNonQueryAsync();
        }

        PostgreSqlObjectsInstaller.Install(connection, Schema);
        await using var grant = new NpgsqlCommand(
            $"GRANT USAGE ON SCHEMA {Schema} TO linxian_app; " +
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {Schema} TO linxian_app; " +
            $"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {Schema} TO linxian_app; " +
            "SELECT pg_advisory_unlock(4242);",
            connection);
        await grant.ExecuteNonQueryAsync();
    }

    public static void UseScheduling(this WebApplication app)
    {
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new AdministratorsOnly()],
            DashboardTitle = "LinxianWorkflow · Hangfire",
        });

        // 00:05 China time (UTC+8, no daylight saving) = 16:05 UTC.
        app.Services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<RoutineDisclosureJob>("routine-disclosure", job => job.RunAsync(), "5 16 * * *");
    }

    /// <summary>The dashboard is for administrators (bearer token; the pages' cookie sign-in comes with them).</summary>
    private sealed class AdministratorsOnly : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().Caller().IsAdministrator;
    }
}
