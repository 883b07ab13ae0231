using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Storage;
using LinxianWorkflow.Server.Tests.Areas;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Hosting;

public sealed class ImportAreasCommandTests
{
    [Fact]
    public async Task An_nbs_table_is_imported_a_later_one_renames_by_code_a_bad_one_changes_nothing_and_the_service_reads_what_was_imported()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"linxian-areas-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var db = $"--Storage:SqlitePath={Path.Combine(dir, "linxian.db")}";
        string Write(string name, string text)
        {
            var path = Path.Combine(dir, name);
            File.WriteAllText(path, text);
            return path;
        }

        // The NBS's table, as copied from its web page (tabs), province and city rows included.
        var (code, output) = await ServerProcess.RunCommandAsync("import-areas", Write("2023.tsv", AreaTableTests.Nbs), db);
        Assert.True(code == 0, output);
        Assert.Contains("1 个县 / counties, 1 个乡镇 / townships, 2 个村 / villages, 1 个社区 / communities", output, StringComparison.Ordinal);
        Assert.Contains("新增 / added: 5, 更名 / renamed: 0", output, StringComparison.Ordinal);
        Assert.Contains("跳过省、市级行 / province and city rows skipped: 2", output, StringComparison.Ordinal);

        // A later year renames a village and no longer lists another: renamed by code, the other kept and reported.
        (code, output) = await ServerProcess.RunCommandAsync("import-areas", Write("2024.csv", """
            code,name,parent_code,level
            141124109,碛口镇,141124,township
            141124109207,西湾村民委员会,141124109,village
            """), db);
        Assert.True(code == 0, output);
        Assert.Contains("新增 / added: 0, 更名 / renamed: 1", output, StringComparison.Ordinal);
        Assert.Contains("141124109207 西湾村委会 (village, 141124109) → 西湾村民委员会 (village, 141124109)", output, StringComparison.Ordinal);
        Assert.Contains("not in the file, kept: 141124109001 碛口居委会", output, StringComparison.Ordinal);
        Assert.Contains("not in the file, kept: 141124109230 李家山村委会", output, StringComparison.Ordinal);

        // A malformed row refuses the whole file, naming its line; nothing is written.
        (code, output) = await ServerProcess.RunCommandAsync("import-areas", Write("bad.csv", """
            code,name,parent_code,level
            141124109207,西湾村,141124109,village
            1411241092,碛口镇,141124,township
            """), db);
        Assert.Equal(1, code);
        Assert.Contains("第 3 行：区划代码“1411241092”无效", output, StringComparison.Ordinal);
        Assert.Contains("未导入任何区划 / nothing was imported.", output, StringComparison.Ordinal);
        await using (var store = new Database(new StoreOptions { SqlitePath = Path.Combine(dir, "linxian.db") }))
        {
            var areas = await new AreaQueries(store).AllAsync();
            Assert.Equal(["141124", "141124109", "141124109001", "141124109207", "141124109230"], areas.Select(a => a.Code));
            Assert.Equal("西湾村民委员会", areas.Single(a => a.Code == "141124109207").Name);
        }

        Assert.Equal(2, (await ServerProcess.RunCommandAsync("import-areas", Path.Combine(dir, "missing.csv"), db)).Code);

        // The service reads the imported table as it is (the shipped one seeds only an empty table).
        await using var server = await ServerProcess.StartAsync([db, $"--Audit:KeyFile={dir}/log.key"]);
        using var api = new ApiClient(server.Url);
        var qikou = (await api.Get("/api/areas?parent=141124109")).Json.EnumerateArray().Select(a => a.GetProperty("shortName").GetString()).ToList();
        Assert.Equal(["碛口社区", "西湾村", "李家山村"], qikou);
        Assert.Equal("area.not-found", (await api.Get("/api/areas?parent=141124105")).Rule);
    }
}
