using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Engine.Tests.Definitions;

// The JSON Schemas beside the files are for editors; the loader is the authority. These keep the two in step: every
// property the loader reads is one the schema declares and the other way round, the schema's closed lists are the
// engine's, and every file under workflows/ is valid by its schema.
public class SchemaTests
{
    private static JsonObject Schema(string name) => JsonNode.Parse(Repository.ReadWorkflow(Path.Combine("schema", name)))!.AsObject();

    private static string[] EnumOf(JsonNode node) => node["enum"]!.AsArray().Select(n => (string)n!).Order().ToArray();

    private static JsonNode Def(JsonObject schema, string name) => schema["$defs"]![name]!;

    // ---- roles: declared by definitions, not listed by the schema ------------------------------------------

    [Fact]
    public void The_schemas_role_is_any_identifier_but_the_roles_that_never_act()
    {
        var role = Def(Schema("workflow.schema.json"), "role")["allOf"]!.AsArray();
        Assert.Equal("#/$defs/identifier", (string)role[0]!["$ref"]!);
        Assert.Equal(Roles.NeverAct.Order(), EnumOf(role[1]!["not"]!));
    }

    [Fact]
    public void The_schemas_declared_role_is_any_identifier_but_the_platforms_and_its_levels_are_the_loaders()
    {
        var declaration = Def(Schema("workflow.schema.json"), "roleDeclaration")["properties"]!;
        var id = declaration["id"]!["allOf"]!.AsArray();
        Assert.Equal("#/$defs/identifier", (string)id[0]!["$ref"]!);
        Assert.Equal(Roles.Platform.Order(), EnumOf(id[1]!["not"]!));
        Assert.Equal(Enum.GetNames<RoleLevel>().Select(n => n.ToLowerInvariant()).Order(), EnumOf(declaration["level"]!));
    }

    [Theory]
    [InlineData(Roles.Administrator)]
    [InlineData(Roles.CountyAuditor)]
    [InlineData(Roles.Public)]
    [InlineData(Roles.System)]
    public void A_platform_role_the_schema_refuses_to_declare_the_loader_refuses_too(string platform)
    {
        var definition = JsonNode.Parse(Repository.ReadWorkflow("renmin-tiaojie.v1.workflow.json"))!.AsObject();
        definition["roles"]!.AsArray().Add(new JsonObject { ["id"] = platform, ["name"] = new JsonObject { ["zh-CN"] = "某", ["en"] = "x" }, ["level"] = "county" });
        Assert.NotEmpty(Validate(definition, Schema("workflow.schema.json")));
        var (compiled, errors) = DefinitionCompiler.Compile(definition.ToJsonString(), "m.workflow.json");
        Assert.Null(compiled);
        Assert.Contains(errors, e => e.Message.Contains($"'{platform}' is the platform's own role", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Roles.Administrator, false)]
    [InlineData(Roles.CountyAuditor, false)]
    [InlineData("mediator", true)]
    [InlineData("unknown-role", true)] // an identifier: only the loader knows what the definition declares
    [InlineData("Mediator", false)]
    public void A_step_role_the_schema_refuses_the_loader_refuses_too(string role, bool schemaAccepts)
    {
        var definition = JsonNode.Parse(Repository.ReadWorkflow("renmin-tiaojie.v1.workflow.json"))!.AsObject();
        definition["steps"]![0]!["roles"] = new JsonArray(role);
        Assert.Equal(schemaAccepts, Validate(definition, Schema("workflow.schema.json")).Count == 0);
        var (_, errors) = DefinitionCompiler.Compile(definition.ToJsonString(), "m.workflow.json");
        Assert.Equal(role == "mediator", errors.Count == 0);
    }

    // ---- properties: the schema declares what the loader reads -----------------------------------------------

    // Each object of the schema and the loader's class that reads it (DefinitionJson.cs).
    public static TheoryData<string, string, string> Shapes => new()
    {
        { "workflow.schema.json", "", "WorkflowJson" },
        { "workflow.schema.json", "/$defs/roleDeclaration", "RoleJson" },
        { "workflow.schema.json", "/$defs/choice", "ChoiceJson" },
        { "workflow.schema.json", "/properties/concern", "ConcernJson" },
        { "workflow.schema.json", "/$defs/field", "FieldJson" },
        { "workflow.schema.json", "/$defs/entry", "EntryJson" },
        { "workflow.schema.json", "/$defs/step", "StepJson" },
        { "workflow.schema.json", "/$defs/outcome", "OutcomeJson" },
        { "workflow.schema.json", "/$defs/step/properties/repeatedFailure", "RepeatedFailureJson" },
        { "workflow.schema.json", "/$defs/timer", "TimerJson" },
        { "workflow.schema.json", "/properties/interventions/items", "InterventionJson" },
        { "workflow.schema.json", "/properties/rehearing", "RehearingJson" },
        { "profile.schema.json", "", "ProfileJson" },
        { "profile.schema.json", "/properties/options", "ProfileOptionsJson" },
        { "profile.schema.json", "/properties/meetings/additionalProperties", "MeetingRuleJson" },
        { "profile.schema.json", "/properties/categories/additionalProperties", "CategoryJson" },
        { "profile.schema.json", "/properties/categories/additionalProperties/properties/meetings/additionalProperties", "MeetingOverrideJson" },
        { "profile.schema.json", "/$defs/threshold", "ThresholdJson" },
        { "profile.schema.json", "/properties/mandatoryAgenda/items", "AgendaThresholdJson" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_schema_declares_exactly_the_properties_the_loader_reads(string file, string path, string loaderClass)
    {
        var node = Pointer(Schema(file), path);
        Assert.False((bool)node["additionalProperties"]!, $"{file}#{path} allows any property; the loader refuses unknown ones");
        var declared = node["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);

        var type = typeof(WorkflowCatalog).Assembly.GetType("LinxianWorkflow.Engine.Definitions." + loaderClass, throwOnError: true)!;
        var read = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .Order(StringComparer.Ordinal);
        Assert.Equal(read, declared);
    }

    [Fact]
    public void The_schemas_field_types_are_the_loaders()
    {
        var types = EnumOf(Def(Schema("workflow.schema.json"), "field")["properties"]!["type"]!);
        Assert.Equal(Enum.GetNames<FieldType>().Select(n => n.ToLowerInvariant()).Order(), types);
        foreach (var type in types)
        {
            var definition = JsonNode.Parse(Repository.ReadWorkflow("renmin-tiaojie.v1.workflow.json"))!.AsObject();
            definition["startForm"]![2]!["type"] = type;
            if (type == "choice")
            {
                definition["startForm"]![2]!["options"] = definition["startForm"]![1]!["options"]!.DeepClone();
            }

            var (_, errors) = DefinitionCompiler.Compile(definition.ToJsonString(), "m.workflow.json");
            Assert.Empty(errors);
        }
    }

    [Fact]
    public void The_schemas_options_are_the_engines_options()
    {
        var step = Def(Schema("workflow.schema.json"), "step")["properties"]!;
        Assert.Equal(Engine.Rules.RuleProfile.KnownOptions.Order(), EnumOf(step["onlyIf"]!));
        Assert.Equal(Engine.Rules.RuleProfile.KnownOptions.Order(), EnumOf(step["skipIf"]!));
    }

    [Fact]
    public void The_schemas_exclusion_reasons_are_the_engines()
    {
        var exclusions = Schema("profile.schema.json")["properties"]!["meetings"]!["additionalProperties"]!["properties"]!["exclusions"]!["items"]!;
        Assert.Equal(ProfileCompiler.KnownExclusionReasons.Order(), EnumOf(exclusions));
    }

    // ---- every file is valid by its schema -----------------------------------------------------------------

    public static TheoryData<string> Files =>
    [
        .. Directory.EnumerateFiles(Repository.WorkflowsFolder, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.WorkflowsFolder, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("schema/", StringComparison.Ordinal))
            .Where(f => !f.StartsWith("demo/", StringComparison.Ordinal)) // the demo seeder's files, checked by the server's DemoFilesTests
            .Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_file_names_its_schema_and_is_valid_by_it(string file)
    {
        var document = JsonNode.Parse(Repository.ReadWorkflow(file))!.AsObject();
        var schemaName = file.EndsWith(WorkflowCatalog.DefinitionSuffix, StringComparison.Ordinal) ? "workflow.schema.json"
            : file.EndsWith(WorkflowCatalog.ProfileSuffix, StringComparison.Ordinal) ? "profile.schema.json"
            : "calendar.schema.json";
        var depth = file.Count(c => c == '/');
        Assert.Equal(string.Concat(Enumerable.Repeat("../", depth)) + "schema/" + schemaName, (string)document["$schema"]!);
        Assert.Empty(Validate(document, Schema(schemaName)));
    }

    [Fact]
    public void The_validator_these_tests_use_finds_what_the_loader_refuses()
    {
        var schema = Schema("workflow.schema.json");
        var definition = JsonNode.Parse(Repository.ReadWorkflow("renmin-tiaojie.v1.workflow.json"))!.AsObject();
        Assert.Empty(Validate(definition, schema));

        var typo = definition.DeepClone().AsObject();
        typo["steps"]![2]!["entries"]![1]!["extend"] = "conclusion-deadline";
        Assert.Contains("/steps/2/entries/1: 'extend' is not declared", Validate(typo, schema));
        Assert.NotEmpty(DefinitionCompiler.Compile(typo.ToJsonString(), "m.workflow.json").Errors);

        var badType = definition.DeepClone().AsObject();
        badType["startForm"]![0]!["type"] = "people";
        Assert.Contains("/startForm/0/type: 'people' is not one of", string.Join("\n", Validate(badType, schema)), StringComparison.Ordinal);
        Assert.NotEmpty(DefinitionCompiler.Compile(badType.ToJsonString(), "m.workflow.json").Errors);

        var noWorkflow = JsonNode.Parse(Repository.ReadWorkflow("profiles/renmin-tiaojie.linxian.profile.json"))!.AsObject();
        noWorkflow.Remove("workflow");
        Assert.Contains(": 'workflow' is required", Validate(noWorkflow, Schema("profile.schema.json")));
    }

    private static JsonNode Pointer(JsonNode root, string pointer) =>
        pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Aggregate(root, (node, part) => node[part]!);

    // A validator of the part of JSON Schema 2020-12 these schemas use: $ref (local), allOf, oneOf, not, enum, type,
    // pattern, minLength, minimum, maximum, required, properties, additionalProperties, propertyNames, minProperties,
    // items, minItems, uniqueItems. Returns one line per problem, "path: what".
    private static List<string> Validate(JsonNode? value, JsonObject schema)
    {
        var problems = new List<string>();
        Check(value, schema, schema, "", problems);
        return problems;
    }

    private static void Check(JsonNode? value, JsonNode rule, JsonObject root, string path, List<string> problems)
    {
        if (rule is JsonValue flag)
        {
            if (!(bool)flag)
            {
                problems.Add($"{path}: not allowed");
            }

            return;
        }

        var r = rule.AsObject();
        var at = path.Length == 0 ? "" : path;
        if (r["$ref"] is { } reference)
        {
            Check(value, Pointer(root, ((string)reference!).TrimStart('#')), root, path, problems);
        }

        foreach (var sub in r["allOf"]?.AsArray() ?? [])
        {
            Check(value, sub!, root, path, problems);
        }

        if (r["oneOf"] is JsonArray oneOf && oneOf.Count(s => Holds(value, s!, root)) != 1)
        {
            problems.Add($"{at}: not exactly one of 'oneOf'");
        }

        if (r["not"] is { } not && Holds(value, not, root))
        {
            problems.Add($"{at}: '{value?.ToJsonString()}' is excluded by 'not'");
        }

        if (r["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
        {
            problems.Add($"{at}: '{(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString())}' is not one of {options.ToJsonString()}");
        }

        if (r["type"] is { } type && !IsType(value, (string)type!))
        {
            problems.Add($"{at}: not of type {type}");
            return;
        }

        switch (value)
        {
            case JsonValue text when text.TryGetValue<string>(out var s):
                if (r["pattern"] is { } pattern && !Regex.IsMatch(s, (string)pattern!))
                {
                    problems.Add($"{at}: '{s}' does not match {pattern}");
                }

                if (r["minLength"] is { } minLength && s.Length < (int)minLength)
                {
                    problems.Add($"{at}: shorter than {minLength}");
                }

                break;
            case JsonValue number when number.TryGetValue<decimal>(out var d):
                if ((r["minimum"] is { } min && d < (decimal)min) || (r["maximum"] is { } max && d > (decimal)max))
                {
                    problems.Add($"{at}: {d} out of range");
                }

                break;
            case JsonObject obj:
                foreach (var required in r["required"]?.AsArray().Select(n => (string)n!) ?? [])
                {
                    if (!obj.ContainsKey(required))
                    {
                        problems.Add($"{at}: '{required}' is required");
                    }
                }

                if (r["minProperties"] is { } minProperties && obj.Count < (int)minProperties)
                {
                    problems.Add($"{at}: fewer than {minProperties} properties");
                }

                foreach (var (key, child) in obj)
                {
                    if (r["propertyNames"] is { } names)
                    {
                        Check(JsonValue.Create(key), names, root, $"{path}/{key} (name)", problems);
                    }

                    if (r["properties"]?[key] is { } declared)
                    {
                        Check(child, declared, root, $"{path}/{key}", problems);
                    }
                    else if (r["additionalProperties"] is JsonValue additional && !(bool)additional)
                    {
                        problems.Add($"{at}: '{key}' is not declared");
                    }
                    else if (r["additionalProperties"] is JsonObject additionalSchema)
                    {
                        Check(child, additionalSchema, root, $"{path}/{key}", problems);
                    }
                }

                break;
            case JsonArray array:
                if (r["minItems"] is { } minItems && array.Count < (int)minItems)
                {
                    problems.Add($"{at}: fewer than {minItems} items");
                }

                if (r["uniqueItems"] is { } unique && (bool)unique
                    && array.Select(i => i?.ToJsonString()).Distinct(StringComparer.Ordinal).Count() != array.Count)
                {
                    problems.Add($"{at}: items repeat");
                }

                if (r["items"] is { } items)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Check(array[i], items, root, $"{path}/{i}", problems);
                    }
                }

                break;
            default:
                break;
        }
    }

    private static bool Holds(JsonNode? value, JsonNode rule, JsonObject root)
    {
        var problems = new List<string>();
        Check(value, rule, root, "", problems);
        return problems.Count == 0;
    }

    private static bool IsType(JsonNode? value, string type) => (type, value) switch
    {
        ("object", JsonObject) => true,
        ("array", JsonArray) => true,
        ("string", JsonValue v) => v.GetValueKind() == JsonValueKind.String,
        ("boolean", JsonValue v) => v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        ("integer", JsonValue v) => v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<decimal>(out var d) && d == decimal.Truncate(d),
        ("number", JsonValue v) => v.GetValueKind() == JsonValueKind.Number,
        _ => false,
    };
}
