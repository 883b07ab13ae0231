using System.Text.Json;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Admin;

/// <summary>
/// A new version published under running instances: the service starts with version 1 of 四议两公开 only; proposals
/// run on it; version 2 is added to workflows/ and the service restarted; new proposals start on 2, the old ones stay on
/// 1 until an administrator migrates them (dry run first), and a migrated one runs on to the archive on version 2.
/// </summary>
public abstract class MigrationTests<TService>(TService service) : IClassFixture<TService>
    where TService : ServiceFixture, IVersionedWorkflows
{
    [Fact]
    public async Task A_published_version_leaves_running_instances_alone_until_a_dry_run_and_a_migration_move_them()
    {
        // One proposal ended on version 1 (first: its periods move the clock weeks on), one waiting for the township's review.
        var walker = new Walker(service);
        var ended = await walker.StartAsync("迁移测试：已办结");
        await walker.WalkToEndAsync(ended);
        var old = await walker.StartAsync("迁移测试：村道维修");
        for (var i = 0; i < 30 && await CurrentStep(old) != "township-review"; i++)
        {
            Assert.True(await walker.StepAsync(old));
        }

        var admin = await service.TokenFor("admin");
        Assert.Equal("siyi-liangkai@1", (await View(old)).GetProperty("definition").GetString());

        // Version 2 is published: new proposals start on it, the running one stays where it was.
        service.PublishVersion2();
        await service.RestartAsync();
        admin = await service.TokenFor("admin");
        var fresh = await walker.StartAsync("迁移测试：新版本");
        Assert.Equal(("siyi-liangkai@2", "linxian@2"), ((await View(fresh)).GetProperty("definition").GetString(), (await View(fresh)).GetProperty("profile").GetString()));
        var before = await View(old);
        Assert.Equal("siyi-liangkai@1", before.GetProperty("definition").GetString());
        using (var reader = new PageSession(service.Server.Url))
        {
            // Its diagram and dossier name the steps as its own version does (the branch's step was renamed in words in v2).
            await reader.SignInAsync("auditor");
            var own = await reader.GetAsync($"/proposals/{Uri.EscapeDataString(old)}");
            Assert.Contains("村党组织提议", own.Document.QuerySelector("svg.diagram")!.TextContent, StringComparison.Ordinal);
            // The dossier waits for the history's last events to be in a signed checkpoint (after the restart, the log's next batch).
            var dossier = await reader.GetAsync($"/proposals/{Uri.EscapeDataString(old)}/dossier");
            for (var i = 0; i < 300 && dossier.Status != System.Net.HttpStatusCode.OK; i++)
            {
                await Task.Delay(100);
                dossier = await reader.GetAsync($"/proposals/{Uri.EscapeDataString(old)}/dossier");
            }

            Assert.Equal(System.Net.HttpStatusCode.OK, dossier.Status);
            Assert.Contains("村党组织提议", dossier.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("村党组织研究讨论", dossier.Html, StringComparison.Ordinal);
        }

        // A dry run: where it lands, what timers go and come; nothing written.
        var request = new { definition = "siyi-liangkai", fromVersion = 1, toVersion = 2, reason = "《村民委员会组织法》2025年修正", proposalIds = new[] { old } };
        var dry = await service.Api.Post("/api/admin/migrations/dry-run", request, admin);
        Assert.True(dry.Code == 200, dry.ToString());
        var planned = dry.Json.GetProperty("instances").EnumerateArray().Single();
        Assert.Equal(("township-review", "township-review", false), (planned.GetProperty("fromStep").GetString(), planned.GetProperty("toStep").GetString(), planned.GetProperty("migrated").GetBoolean()));
        Assert.Equal("碛口镇西湾村", planned.GetProperty("villageName").GetString());
        Assert.NotEmpty(planned.GetProperty("timersCancelled").EnumerateArray());
        Assert.NotEmpty(planned.GetProperty("timersCreated").EnumerateArray());
        Assert.Equal(before.GetProperty("version").GetInt32(), (await View(old)).GetProperty("version").GetInt32());

        // Every running instance at that step, in the administrator's areas: the old one is among them, the new one is not (it is on 2).
        var atStep = await service.Api.Post("/api/admin/migrations/dry-run", new { definition = "siyi-liangkai", fromVersion = 1, toVersion = 2, reason = "试运行", atStep = "township-review" }, admin);
        var ids = atStep.Json.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("proposalId").GetString()).ToList();
        Assert.Contains(old, ids);
        Assert.DoesNotContain(fresh, ids);

        // The same dry run from the administrator's page.
        using (var adminPage = new PageSession(service.Server.Url))
        {
            await adminPage.SignInAsync("admin");
            var form = (await adminPage.GetAsync("/admin")).Document.QuerySelector("#migrate-form")!;
            var fields = PageSession.Fields(form);
            fields.AddRange([new("definition", "siyi-liangkai"), new("fromVersion", "1"), new("toVersion", "2"), new("atStep", "township-review"),
                new("proposalIds", ""), new("mapping", ""), new("reason", "试运行"), new("dryRun", "true")]);
            var answer = await adminPage.PostAsync(form.GetAttribute("action")!, fields);
            var row = answer.Document.QuerySelectorAll("#migration-report tbody tr").Single(r => r.TextContent.Contains("迁移测试：村道维修", StringComparison.Ordinal));
            Assert.Contains("乡镇审核 → 乡镇审核", row.TextContent, StringComparison.Ordinal);
            Assert.Contains("可以迁移", row.TextContent, StringComparison.Ordinal);
            Assert.StartsWith("试运行", answer.Document.QuerySelector("#migration-report caption")!.TextContent, StringComparison.Ordinal);
        }

        Assert.Equal("siyi-liangkai@1", (await View(old)).GetProperty("definition").GetString());

        // Refused, with the rule, for each instance that may not move; nothing written.
        var bad = await service.Api.Post("/api/admin/migrations", new
        {
            definition = "siyi-liangkai",
            fromVersion = 1,
            toVersion = 2,
            reason = "错误的对应",
            proposalIds = new[] { old, ended },
            mapping = new Dictionary<string, string> { ["township-review"] = "intake" },
        }, admin);
        Assert.True(bad.Code == 200, bad.ToString());
        var refused = bad.Json.GetProperty("instances").EnumerateArray().ToDictionary(i => i.GetProperty("proposalId").GetString()!, i => i);
        Assert.Equal(["migration.step-kind"], refused[old].GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("rule").GetString()));
        Assert.Contains("migration.ended", refused[ended].GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("rule").GetString()));
        Assert.Equal(0, bad.Json.GetProperty("migrated").GetInt32());
        Assert.Equal("siyi-liangkai@1", (await View(old)).GetProperty("definition").GetString());

        var secretary = await service.Api.Post("/api/admin/migrations", request, await service.TokenFor("xiwan-secretary"));
        Assert.Equal((403, "auth.administrator"), (secretary.Code, secretary.Rule));

        // The migration: one record in the history, the instance on version 2, and on to the archive.
        var done = await service.Api.Post("/api/admin/migrations", request, admin);
        Assert.True(done.Code == 200, done.ToString());
        Assert.True(done.Json.GetProperty("instances").EnumerateArray().Single().GetProperty("migrated").GetBoolean());
        var after = await View(old);
        Assert.Equal(("siyi-liangkai@2", "linxian@2", "township-review"),
            (after.GetProperty("definition").GetString(), after.GetProperty("profile").GetString(), after.GetProperty("currentStep").GetProperty("id").GetString()));
        var history = (await service.Api.Get($"/api/proposals/{old}/history", admin)).Json;
        Assert.True(history.GetProperty("intact").GetBoolean());
        var migrated = history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("record"))
            .Single(r => r.GetProperty("type").GetString() == "InstanceMigrated");
        Assert.Equal(("demo-admin", "administrator"), (migrated.GetProperty("actor").GetProperty("id").GetString(), migrated.GetProperty("actor").GetProperty("role").GetString()));
        Assert.Equal((1, 2), (migrated.GetProperty("data").GetProperty("fromVersion").GetInt32(), migrated.GetProperty("data").GetProperty("toVersion").GetInt32()));

        var again = await service.Api.Post("/api/admin/migrations", request, admin);
        Assert.True(again.Code == 200, again.ToString());
        Assert.Equal(["migration.not-on-version"], again.Json.GetProperty("instances").EnumerateArray().Single().GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("rule").GetString()));

        // The timers the migration made are the ones the service fires: past the review's deadline, the proposal is overdue.
        var deadline = done.Json.GetProperty("instances").EnumerateArray().Single().GetProperty("timersCreated").EnumerateArray()
            .Single(t => t.GetProperty("purpose").GetString() == "deadline").GetProperty("dueAt").GetDateTimeOffset();
        var now = await walker.AdvanceDaysAsync(0.001);
        await walker.AdvanceDaysAsync((deadline - now).TotalDays + 0.01);
        for (var i = 0; i < 600 && !(await View(old)).GetProperty("overdue").GetBoolean(); i++)
        {
            await Task.Delay(100); // polling for the sweep's named effect, not timing it
        }

        Assert.True((await View(old)).GetProperty("overdue").GetBoolean(), "the migrated deadline never fired");

        var end = await walker.WalkToEndAsync(old);
        Assert.Equal("archived", end.GetProperty("result").GetString());
        using var page = new PageSession(service.Server.Url);
        await page.SignInAsync("auditor");
        var shown = await page.GetAsync($"/proposals/{Uri.EscapeDataString(old)}");
        Assert.Contains("由流程第 1 版迁移到第 2 版", shown.Html, StringComparison.Ordinal);
    }

    private async Task<JsonElement> View(string id) => (await service.Api.Get($"/api/proposals/{id}", await service.TokenFor("auditor"))).Json;

    private async Task<string?> CurrentStep(string id) => (await View(id)).GetProperty("currentStep").GetProperty("id").GetString();
}

/// <summary>A fixture whose workflows/ folder starts without version 2, which a test then publishes.</summary>
public interface IVersionedWorkflows
{
    void PublishVersion2();
}

internal static class VersionedWorkflows
{
    private static readonly string[] Version2 = ["siyi-liangkai.v2.workflow.json", "profiles/default.v2.profile.json", "profiles/linxian.v2.profile.json"];

    /// <summary>A copy of the repository's workflows/ without the version 2 files.</summary>
    public static string CopyWithoutVersion2()
    {
        var source = Path.Combine(GoldenEventStreamsRoot(), "workflows");
        var target = Path.Combine(Path.GetTempPath(), "linxian-workflows-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (!Version2.Contains(relative.Replace('\\', '/'), StringComparer.Ordinal))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
                File.Copy(file, Path.Combine(target, relative));
            }
        }

        return target;
    }

    public static void Publish(string folder)
    {
        var source = Path.Combine(GoldenEventStreamsRoot(), "workflows");
        foreach (var relative in Version2)
        {
            File.Copy(Path.Combine(source, relative), Path.Combine(folder, relative), overwrite: true);
        }
    }

    private static string GoldenEventStreamsRoot() => Storage.GoldenEventStreams.RepositoryRoot();
}

public sealed class SqliteVersionedService : SqliteService, IVersionedWorkflows
{
    private readonly string _folder = VersionedWorkflows.CopyWithoutVersion2();

    protected override IEnumerable<string> ExtraArguments => [$"--Workflows:Folder={_folder}"];

    public void PublishVersion2() => VersionedWorkflows.Publish(_folder);
}

public sealed class PostgresVersionedService : PostgresService, IVersionedWorkflows
{
    private readonly string _folder = VersionedWorkflows.CopyWithoutVersion2();

    protected override IEnumerable<string> ExtraArguments => [$"--Workflows:Folder={_folder}"];

    public void PublishVersion2() => VersionedWorkflows.Publish(_folder);
}

public sealed class SqliteMigrationTests(SqliteVersionedService service) : MigrationTests<SqliteVersionedService>(service);

public sealed class PostgresMigrationTests(PostgresVersionedService service) : MigrationTests<PostgresVersionedService>(service);
