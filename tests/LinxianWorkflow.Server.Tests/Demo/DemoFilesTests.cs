using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Demo;

namespace LinxianWorkflow.Server.Tests.Demo;

/// <summary>The demo's people and cases as data (workflows/demo/): every procedure's roles covered, user names by level, bad files refused by name.</summary>
public sealed class DemoFilesTests : IDisposable
{
    private readonly string _copy = Path.Combine(Path.GetTempPath(), "linxian-demo-files-" + Guid.NewGuid().ToString("N"));

    private static string Workflows => Path.Combine(Storage.GoldenEventStreams.RepositoryRoot(), "workflows");

    public void Dispose()
    {
        if (Directory.Exists(_copy))
        {
            Directory.Delete(_copy, recursive: true);
        }
    }

    /// <summary>A copy of the repository's workflows/ with demo/people.json (or cases.json) replaced.</summary>
    private WorkflowLibrary CopyWith(string file, string json)
    {
        foreach (var path in Directory.EnumerateFiles(Workflows, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_copy, Path.GetRelativePath(Workflows, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }

        File.WriteAllText(Path.Combine(_copy, "demo", file), json);
        return new WorkflowLibrary(new WorkflowOptions { Folder = _copy });
    }

    [Fact]
    public void Every_role_of_both_procedures_has_a_demo_person_at_the_role_s_level()
    {
        var library = new WorkflowLibrary(new WorkflowOptions { Folder = Workflows });
        var people = DemoFiles.People(library);
        var declared = library.Catalog.Procedures.SelectMany(d => d.Roles).ToList();
        Assert.Contains(library.Catalog.Procedures, d => d.Id == "renmin-tiaojie");
        Assert.All(declared, role => Assert.Contains(people, p => p.Role == role.Id && p.Level == role.Level));
        Assert.Equal(RoleLevel.Village, people.Single(p => p.Role == MediationRoles.Mediator).Level);
        Assert.Equal(RoleLevel.Township, people.Single(p => p.Role == MediationRoles.JudicialAssistant).Level);
    }

    [Fact]
    public void User_names_keep_the_demo_s_pattern_for_each_level()
    {
        var people = DemoFiles.People(new WorkflowLibrary(new WorkflowOptions { Folder = Workflows }));
        string Of(string role, string area) => DemoSeeder.UserName(people.Single(p => p.Role == role), area);
        Assert.Equal("xiwan-secretary", Of(SiyiRoles.PartySecretary, "xiwan"));
        Assert.Equal("sunjiagou-supervisor", Of(SiyiRoles.SupervisionMember, "sunjiagou"));
        Assert.Equal("reviewer-109", Of(SiyiRoles.TownshipReviewer, "141124109"));
        Assert.Equal("xiwan-tiaojie", Of(MediationRoles.Chair, "xiwan"));
        Assert.Equal("nanguan-mediator", Of(MediationRoles.Mediator, "nanguan"));
        Assert.Equal("judicial-105", Of(MediationRoles.JudicialAssistant, "141124105"));
    }

    [Fact]
    public void A_role_no_definition_declares_stops_the_demo_naming_the_role_and_the_file()
    {
        var library = CopyWith("people.json", """[{ "role": "village-accountant", "user": "accountant", "title": "会计" }]""");
        var error = Assert.Throws<InvalidOperationException>(() => DemoFiles.People(library));
        Assert.Contains("village-accountant", error.Message, StringComparison.Ordinal);
        Assert.Contains("people.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(MediationRoles.Mediator, error.Message, StringComparison.Ordinal); // the roles it could have named
    }

    [Fact]
    public void A_misspelt_field_or_one_user_for_two_roles_is_refused()
    {
        var typo = CopyWith("cases.json", """[{ "procedure": "renmin-tiaojie", "villages": "xiwan" }]""");
        Assert.Contains("villages", Assert.Throws<InvalidOperationException>(() => DemoFiles.Cases(typo)).Message, StringComparison.Ordinal);
        Dispose();

        var twice = CopyWith("people.json", """
            [{ "role": "mediator", "user": "tiaojie", "title": "调解员" }, { "role": "mediation-committee-chair", "user": "tiaojie", "title": "调委会主任" }]
            """);
        var error = Assert.Throws<InvalidOperationException>(() => DemoFiles.People(twice));
        Assert.Contains("'tiaojie'", error.Message, StringComparison.Ordinal);
    }
}
