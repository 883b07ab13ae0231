using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// `backup &lt;file&gt;`: a consistent copy of the embedded SQLite store, taken with SQLite's online backup API while the
/// service runs (never a file copy: that misses what is still in the WAL). PostgreSQL is backed up with its own tools.
/// The log key, its state file and the privacy secret are not in the database: they are backed up apart
/// (docs/operations.md, Backup and restore).
/// </summary>
public static class BackupCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            await Console.Error.WriteLineAsync("usage: backup <file> [--Storage:SqlitePath=...]");
            return 2;
        }

        if (File.Exists(args[0]))
        {
            await Console.Error.WriteLineAsync($"文件已存在，未覆盖 / {args[0]} exists: it was not overwritten (name a new file).");
            return 2;
        }

        var builder = WebApplication.CreateBuilder(ServerArgs.Options([.. args[1..]]));
        builder.AddStorage();
        await using var app = builder.Build();
        var options = app.Services.GetRequiredService<StoreOptions>();
        if (!options.IsPostgres && !File.Exists(options.SqlitePath))
        {
            await Console.Error.WriteLineAsync($"找不到数据库 / no store at {Path.GetFullPath(options.SqlitePath)} (give --Storage:SqlitePath as the service has it).");
            return 2;
        }

        var store = app.Services.GetRequiredService<Database>();
        if (store.IsPostgres)
        {
            await Console.Error.WriteLineAsync(
                "PostgreSQL 请用 pg_dump -Fc（所有者账户）或基础备份加 WAL 归档 / back PostgreSQL up with `pg_dump -Fc` as the owner, " +
                "or a base backup with WAL archiving (docs/operations.md, Backup and restore).");
            return 2;
        }

        var (events, checkpoint) = await store.BackupSqliteAsync(args[0]);
        Console.WriteLine($"备份完成 / backed up: {store.SqlitePath} → {Path.GetFullPath(args[0])}");
        Console.WriteLine($"  事件 / events: {events}, 最新检查点 / newest checkpoint: size {checkpoint}");
        Console.WriteLine("  日志密钥、其状态文件和隐私密钥不在备份中，请另行备份 / the log key, its state file and the privacy secret are not in it: back them up apart.");
        return 0;
    }
}
