using System.Text.Json.Nodes;

namespace LinxianWorkflow.Engine.Tests.Definitions;

// The JSON Schemas beside the files are for editors; the loader is the authority. These keep the two in step.
public class SchemaTests
{
    private static JsonObject Schema(string name) => JsonNode.Parse(Repository.ReadWorkflow(Path.Combine("schema", name)))!.AsObject();

    private static string[] Enum(JsonNode node) => node["enum"]!.AsArray().Select(n => (string)n!).Order().ToArray();

    [Fact]
    public void The_schemas_roles_are_the_engines_acting_roles()
    {
        var roles = Enum(Schema("workflow.schema.json")["$defs"]!["role"]!);
        Assert.Equal(Roles.All.Except(Roles.NeverAct).Order(), roles);
    }

    [Fact]
    public void The_schemas_options_are_the_engines_options()
    {
        var step = Schema("workflow.schema.json")["$defs"]!["step"]!["properties"]!;
        Assert.Equal(Engine.Rules.RuleProfile.KnownOptions.Order(), Enum(step["onlyIf"]!));
        Assert.Equal(Engine.Rules.RuleProfile.KnownOptions.Order(), Enum(step["skipIf"]!));
    }

    [Fact]
    public void The_schemas_exclusion_reasons_are_the_engines()
    {
        var exclusions = Schema("profile.schema.json")["properties"]!["meetings"]!["additionalProperties"]!["properties"]!["exclusions"]!["items"]!;
        Assert.Equal(Engine.Definitions.ProfileCompiler.KnownExclusionReasons.Order(), Enum(exclusions));
    }

    [Fact]
    public void Every_file_names_its_schema()
    {
        Assert.Equal("schema/workflow.schema.json", (string)JsonNode.Parse(Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json"))!["$schema"]!);
        Assert.Equal("../schema/profile.schema.json", (string)JsonNode.Parse(Repository.ReadWorkflow("profiles/default.profile.json"))!["$schema"]!);
        Assert.Equal("../schema/profile.schema.json", (string)JsonNode.Parse(Repository.ReadWorkflow("profiles/linxian.profile.json"))!["$schema"]!);
    }
}
