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
            // The demo county's people and cases are read by the server's demo seeder (docs/operations.md), not the catalog.
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}demo{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
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

    // ---- two procedures: profiles name their procedure, roles mean one thing everywhere ---------------------

    private const string MediationFile = "renmin-tiaojie.v1.workflow.json";
    private const string MediationProfileFile = "profiles/renmin-tiaojie.linxian.profile.json";

    private static JsonObject Read(string file) => JsonNode.Parse(Repository.ReadWorkflow(file))!.AsObject();

    [Fact]
    public void Two_procedures_may_each_have_a_profile_of_one_id_and_each_finds_its_own()
    {
        var (catalog, errors) = WorkflowCatalog.Load([
            ("s.workflow.json", Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json")),
            ("m.workflow.json", Repository.ReadWorkflow(MediationFile)),
            ("s.profile.json", Repository.ReadWorkflow("profiles/linxian.profile.json")),
            ("m.profile.json", Repository.ReadWorkflow(MediationProfileFile)),
            ("cn" + Engine.Time.WorkingCalendar.Suffix, Repository.ReadWorkflow("calendar/cn.calendar.json")),
        ]);
        Assert.Empty(errors);
        Assert.Equal(["renmin-tiaojie/linxian@1", "siyi-liangkai/linxian@1"], catalog!.Profiles.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("m.profile.json", catalog.LatestProfile("renmin-tiaojie", "linxian")!.SourceFile);
        Assert.Equal("s.profile.json", catalog.Profile("siyi-liangkai", "linxian", 1)!.SourceFile);
        Assert.Null(catalog.Profile("renmin-tiaojie", "linxian", 2));
        Assert.Null(catalog.LatestProfile("renmin-tiaojie", "default"));
        Assert.Equal(["renmin-tiaojie", "siyi-liangkai"], catalog.Procedures.Select(d => d.Id));
    }

    [Fact]
    public void A_profile_without_its_procedure_is_refused()
    {
        var profile = Read(MediationProfileFile);
        profile.Remove("workflow");
        var (compiled, errors) = ProfileCompiler.Compile(profile.ToJsonString(), "m.profile.json");
        Assert.Null(compiled);
        Assert.Contains(errors, e => e.File == "m.profile.json" && e.Message.Contains("'workflow' is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void A_profile_naming_a_procedure_no_file_defines_is_refused()
    {
        var profile = Read(MediationProfileFile);
        profile["workflow"] = "xingzheng-tiaojie";
        var (catalog, errors) = WorkflowCatalog.Load([
            ("m.workflow.json", Repository.ReadWorkflow(MediationFile)),
            ("m.profile.json", Repository.ReadWorkflow(MediationProfileFile)),
            ("x.profile.json", profile.ToJsonString()),
        ]);
        Assert.Null(catalog);
        var error = Assert.Single(errors);
        Assert.Equal("x.profile.json", error.File);
        Assert.Contains("'workflow' names 'xingzheng-tiaojie', which no *.workflow.json file defines", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_definition_without_any_profile_is_refused_even_when_another_procedure_has_one()
    {
        var (catalog, errors) = WorkflowCatalog.Load([
            ("s.workflow.json", Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json")),
            ("m.workflow.json", Repository.ReadWorkflow(MediationFile)),
            ("s.profile.json", Repository.ReadWorkflow("profiles/default.profile.json")),
        ]);
        Assert.Null(catalog);
        var error = Assert.Single(errors);
        Assert.Equal("m.workflow.json", error.File);
        Assert.Contains("no *.profile.json file sets the rules of 'renmin-tiaojie'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("level")]
    [InlineData("name")]
    public void Two_definitions_declaring_one_role_differently_are_refused(string what)
    {
        var other = Read(MediationFile);
        other["id"] = "xingzheng-tiaojie";
        var mediator = other["roles"]!.AsArray().Select(r => r!.AsObject()).Single(r => (string)r["id"]! == MediationRoles.Mediator);
        if (what == "level")
        {
            mediator["level"] = "township";
        }
        else
        {
            mediator["name"]!["zh-CN"] = "调解员（行政）";
        }

        var profile = Read(MediationProfileFile);
        profile["workflow"] = "xingzheng-tiaojie";
        var (catalog, errors) = WorkflowCatalog.Load([
            ("m.workflow.json", Repository.ReadWorkflow(MediationFile)),
            ("x.workflow.json", other.ToJsonString()),
            ("m.profile.json", Repository.ReadWorkflow(MediationProfileFile)),
            ("x.profile.json", profile.ToJsonString()),
        ]);
        Assert.Null(catalog);
        var error = Assert.Single(errors);
        Assert.Equal("x.workflow.json", error.File);
        Assert.Contains("role 'mediator' is declared differently in m.workflow.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_declared_alike_by_two_definitions_is_one_role()
    {
        var other = Read(MediationFile);
        other["id"] = "xingzheng-tiaojie";
        var profile = Read(MediationProfileFile);
        profile["workflow"] = "xingzheng-tiaojie";
        var (catalog, errors) = WorkflowCatalog.Load([
            ("m.workflow.json", Repository.ReadWorkflow(MediationFile)),
            ("x.workflow.json", other.ToJsonString()),
            ("m.profile.json", Repository.ReadWorkflow(MediationProfileFile)),
            ("x.profile.json", profile.ToJsonString()),
        ]);
        Assert.Empty(errors);
        Assert.Equal(2, catalog!.Procedures.Count);
    }

    [Fact]
    public void A_profile_missing_the_period_an_outcome_is_open_within_is_named()
    {
        var profile = Read(MediationProfileFile);
        profile["days"]!.AsObject().Remove("confirmationDays");
        var (_, errors) = WorkflowCatalog.Load([
            ("m.workflow.json", Repository.ReadWorkflow(MediationFile)),
            ("m.profile.json", profile.ToJsonString()),
        ]);
        var error = Assert.Single(errors);
        Assert.Equal("m.workflow.json", error.File);
        Assert.Contains("outcome 'confirmationApplied' uses within profile:confirmationDays", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_without_meetings_or_a_disclosure_period_serves_a_procedure_that_posts_nothing_but_not_one_that_does()
    {
        var (mediation, errors) = WorkflowCatalog.Load([
            ("m.workflow.json", Repository.ReadWorkflow(MediationFile)),
            ("m.profile.json", Repository.ReadWorkflow(MediationProfileFile)),
        ]);
        Assert.Empty(errors);
        Assert.Empty(mediation!.LatestProfile("renmin-tiaojie", "linxian")!.Meetings);

        var siyi = Read("profiles/default.profile.json");
        siyi.Remove("minimumDisclosureDays");
        var (catalog, siyiErrors) = WorkflowCatalog.Load([
            ("s.workflow.json", Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json")),
            ("s.profile.json", siyi.ToJsonString()),
        ]);
        Assert.Null(catalog);
        Assert.Contains(siyiErrors, e => e.File == "s.profile.json" && e.Message.Contains("'minimumDisclosureDays' is 0", StringComparison.Ordinal));
    }

    // `linxian validate` prints each error as "file: step 'id': message"; a broken copy of the shipped definition is
    // reported under its own path and step.
    [Fact]
    public void A_broken_copy_of_the_mediation_definition_is_reported_with_its_file_and_step()
    {
        var folder = Path.Combine(Path.GetTempPath(), "linxian-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var file in Directory.EnumerateFiles(Repository.WorkflowsFolder, "*.json", SearchOption.AllDirectories))
            {
                var target = Path.Combine(folder, Path.GetRelativePath(Repository.WorkflowsFolder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            var broken = Read(MediationFile);
            var sessions = broken["steps"]!.AsArray().Single(s => (string)s!["id"]! == "mediation")!;
            sessions["outcomes"]!["writtenAgreement"]!["requiresEntries"] = new JsonArray("hearing");
            var path = Path.Combine(folder, MediationFile);
            File.WriteAllText(path, broken.ToJsonString());

            var (catalog, errors) = WorkflowCatalog.LoadFolder(folder);
            Assert.Null(catalog);
            var error = Assert.Single(errors); // its profiles are not reported as orphans besides
            Assert.Equal(Path.GetFullPath(path), Path.GetFullPath(error.File));
            Assert.Equal("mediation", error.Step);
            Assert.Equal($"{error.File}: step 'mediation': outcome 'writtenAgreement': 'requiresEntries' names 'hearing', which is not an entry of this step", error.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
