using LinxianWorkflow.Server.Scheduling;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// `migrate`: brings the database's schema (and, on PostgreSQL, Hangfire's) up to this build, with the owner's login
/// (Storage:PostgresMigrations or Storage:PostgresMigrationsFile; Storage:Postgres when only that is given). The service
/// then runs with the service's login alone, which cannot change the schema (docs/operations.md).
/// </summary>
public static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Any(a => !a.StartsWith('-')))
        {
            await Console.Error.WriteLineAsync("usage: migrate [--Storage:Provider=postgres] (the owner's connection string in Storage__PostgresMigrations or --Storage:PostgresMigrationsFile=…)");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(ServerArgs.Options(args));
        builder.AddStorage();
        // Either string serves as the owner's here: this command does nothing else with the database.
        var service = builder.Configuration["Storage:Postgres"];
        var owner = builder.Configuration["Storage:PostgresMigrations"];
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Postgres"] = string.IsNullOrEmpty(service) ? owner : service,
            ["Storage:PostgresMigrations"] = string.IsNullOrEmpty(owner) ? service : owner,
        });
        await using var app = builder.Build();
        var store = app.Services.GetRequiredService<Database>();
        var pending = await store.PendingMigrationsAsync();
        await store.MigrateAsync();
        if (app.Services.GetRequiredService<StoreOptions>() is { IsPostgres: true, PostgresMigrations: { } ownerLogin })
        {
            await SchedulingSetup.InstallAsync(ownerLogin);
        }

        Console.WriteLine(pending.Count == 0
            ? "数据库结构已是最新 / the schema is up to date"
            : $"已应用 / applied: {string.Join(", ", pending)}");
        return 0;
    }
}
