using System.Text.Json.Nodes;
using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Engine.Tests.Definitions;

public class WorkflowCatalogTests
{
    [Fact]
    public void Every_file_under_workflows_loads()
    {
        var files = Directory.EnumerateFiles(Repository.WorkflowsFolder, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}schema{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.True(
            f.EndsWith(WorkflowCatalog.DefinitionSuffix, StringComparison.Ordinal) || f.EndsWith(WorkflowCatalog.ProfileSuffix, StringComparison.Ordinal)
                || f.EndsWith(Engine.Time.WorkingCalendar.Suffix, StringComparison.Ordinal),
            $"{f} is neither a *.workflow.json, a *.profile.json nor a *.calendar.json: the catalog would ignore it"));

        var (catalog, errors) = WorkflowCatalog.LoadFolder(Repository.WorkflowsFolder);
        Assert.Empty(errors);
        Assert.NotNull(catalog);
        Assert.Equal(files.Count, catalog.Definitions.Count + catalog.Profiles.Count + 1);
        Assert.NotNull(catalog.Profile("siyi-liangkai", "linxian", 1)!.Calendar);
        Assert.Contains("siyi-liangkai@1", catalog.Definitions.Keys);
        Assert.Contains("renmin-tiaojie@1", catalog.Definitions.Keys);
        Assert.Contains("siyi-liangkai/default@1", catalog.Profiles.Keys);
        Assert.Contains("siyi-liangkai/linxian@1", catalog.Profiles.Keys);
        Assert.Contains("renmin-tiaojie/linxian@1", catalog.Profiles.Keys);
        Assert.All(catalog.Profiles, p => Assert.Equal(WorkflowCatalog.ProfileKey(p.Value), p.Key));
    }

    [Fact]
    public void A_profile_missing_a_meeting_kind_the_definition_uses_is_named()
    {
        var profile = JsonNode.Parse(Repository.ReadWorkflow("profiles/default.profile.json"))!.AsObject();
        profile["meetings"]!.AsObject().Remove("party-members");
        profile["categories"]!["yishi-yiyi"]!["meetings"]!.AsObject().Remove("party-members");
        var (catalog, errors) = WorkflowCatalog.Load([
            ("a.workflow.json", Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json")),
            ("b.profile.json", profile.ToJsonString()),
        ]);
        Assert.Null(catalog);
        var error = Assert.Single(errors);
        Assert.Equal("a.workflow.json", error.File);
        Assert.Equal("party-member-review", error.Step);
        Assert.Contains("meeting kind 'party-members' is not defined in profile default@1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_missing_a_named_period_is_named()
    {
        var profile = JsonNode.Parse(Repository.ReadWorkflow("profiles/default.profile.json"))!.AsObject();
        profile["days"]!.AsObject().Remove("townshipAnswerDays");
        var (_, errors) = WorkflowCatalog.Load([
            ("a.workflow.json", Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json")),
            ("b.profile.json", profile.ToJsonString()),
        ]);
        Assert.Contains(errors, e => e.Step == "resolution-disclosure" && e.Message.Contains("profile:townshipAnswerDays", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_version_twice_is_refused()
    {
        var text = Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json");
        var (_, errors) = WorkflowCatalog.Load([
            ("a.workflow.json", text),
            ("b.workflow.json", text),
            ("p.profile.json", Repository.ReadWorkflow("profiles/default.profile.json")),
        ]);
        Assert.Contains(errors, e => e.Message.Contains("siyi-liangkai@1 is defined more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void The_newest_version_is_the_one_new_instances_start_on()
    {
        var v2 = JsonNode.Parse(Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json"))!.AsObject();
        v2["version"] = 2;
        var (catalog, errors) = WorkflowCatalog.Load([
            ("v1.workflow.json", Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json")),
            ("v2.workflow.json", v2.ToJsonString()),
            ("p.profile.json", Repository.ReadWorkflow("profiles/default.profile.json")),
        ]);
        Assert.Empty(errors);
        Assert.Equal(2, catalog!.LatestDefinition("siyi-liangkai")!.Version);
        Assert.Equal(1, catalog.Definitions["siyi-liangkai@1"].Version);
    }

    [Fact]
    public void A_missing_folder_is_an_error()
    {
        var (catalog, errors) = WorkflowCatalog.LoadFolder(Path.Combine(Repository.Root, "no-such-folder"));
        Assert.Null(catalog);
        Assert.Contains(errors, e => e.Message.Contains("does not exist", StringComparison.Ordinal));
    }
}
