using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// `import-areas &lt;file&gt;`: adds areas and renames them by code from a table, ours (code,name,parent_code,level) or
/// the National Bureau of Statistics' (统计用区划代码,城乡分类代码,名称); see <see cref="AreaTable"/>. Codes the file
/// leaves out are reported and kept. A file with any malformed row changes nothing.
/// </summary>
public static class ImportAreasCommand
{
    private const int ErrorsShown = 20;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            await Console.Error.WriteLineAsync("usage: import-areas <file.csv> [--Storage:Provider=postgres --Storage:PostgresFile=...]");
            return 2;
        }

        if (!File.Exists(args[0]))
        {
            await Console.Error.WriteLineAsync($"找不到文件 / file not found: {args[0]}");
            return 2;
        }

        var table = AreaTable.Read(args[0]);
        if (await RefusedAsync(table.Errors))
        {
            return 1;
        }

        var builder = WebApplication.CreateBuilder(ServerArgs.Options([.. args.Where(a => a.StartsWith('-'))]));
        builder.AddStorage();
        builder.AddAreas();
        await using var app = builder.Build();
        var store = app.Services.GetRequiredService<Database>();
        await ServerApp.MigrateOrCheckAsync(store);
        var areas = app.Services.GetRequiredService<AreaQueries>();
        var changes = table.Compare(await areas.AllAsync());
        if (await RefusedAsync(changes.Errors))
        {
            return 1;
        }

        await areas.UpsertAsync(changes.ToWrite);

        int Count(AreaLevel level) => table.Areas.Count(a => a.Level == level);
        Console.WriteLine($"区划已导入 / areas imported: {Path.GetFileName(args[0])}");
        Console.WriteLine($"  文件中 / in the file: {Count(AreaLevel.County)} 个县 / counties, {Count(AreaLevel.Township)} 个乡镇 / townships, " +
            $"{Count(AreaLevel.Village)} 个村 / villages, {Count(AreaLevel.Community)} 个社区 / communities");
        Console.WriteLine($"  新增 / added: {changes.Added.Count}, 更名 / renamed: {changes.Updated.Count(u => u.Before.Name != u.After.Name)}, " +
            $"级别或上级变更 / level or parent changed: {changes.Updated.Count(u => u.Before.Name == u.After.Name)}, 未变 / unchanged: {changes.Unchanged}");
        foreach (var (before, after) in changes.Updated)
        {
            Console.WriteLine($"  变更 / changed: {after.Code} {before.Name} ({before.LevelName}, {before.ParentCode}) → {after.Name} ({after.LevelName}, {after.ParentCode})");
        }

        foreach (var area in changes.NotInFile)
        {
            Console.WriteLine($"  文件中没有，已保留 / not in the file, kept: {area.Code} {area.Name}");
        }

        if (table.Skipped > 0)
        {
            Console.WriteLine($"  跳过省、市级行 / province and city rows skipped: {table.Skipped}");
        }

        Console.WriteLine("运行中的服务重启后读取新的区划 / a running service reads the new areas when restarted.");
        return 0;
    }

    private static async Task<bool> RefusedAsync(IReadOnlyList<Engine.LocalizedText> errors)
    {
        foreach (var error in errors.Take(ErrorsShown))
        {
            await Console.Error.WriteLineAsync($"{error.Zh} / {error.En}");
        }

        if (errors.Count > ErrorsShown)
        {
            await Console.Error.WriteLineAsync($"……另有 {errors.Count - ErrorsShown} 处 / … and {errors.Count - ErrorsShown} more");
        }

        if (errors.Count > 0)
        {
            await Console.Error.WriteLineAsync("未导入任何区划 / nothing was imported.");
        }

        return errors.Count > 0;
    }
}
