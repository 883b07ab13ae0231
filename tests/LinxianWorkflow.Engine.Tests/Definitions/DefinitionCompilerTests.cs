using System.Text.Json.Nodes;
using LinxianWorkflow.Engine.Definitions;

namespace LinxianWorkflow.Engine.Tests.Definitions;

public class DefinitionCompilerTests
{
    private const string File = "workflows/broken.workflow.json";

    private static JsonObject Real() => JsonNode.Parse(Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json"))!.AsObject();

    private static JsonObject StepOf(JsonObject definition, string id) =>
        definition["steps"]!.AsArray().Select(s => s!.AsObject()).Single(s => (string)s["id"]! == id);

    private static IReadOnlyList<DefinitionError> Errors(JsonObject definition)
    {
        var (compiled, errors) = DefinitionCompiler.Compile(definition.ToJsonString(), File);
        Assert.Null(compiled);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal(File, e.File));
        return errors;
    }

    private static void AssertError(JsonObject definition, string? step, string fragment)
    {
        var errors = Errors(definition);
        Assert.Contains(errors, e => e.Step == step && e.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void The_real_definition_compiles()
    {
        var (definition, errors) = DefinitionCompiler.Compile(Repository.ReadWorkflow("siyi-liangkai.v1.workflow.json"), File);
        Assert.Empty(errors);
        Assert.NotNull(definition);
        Assert.Equal("siyi-liangkai", definition.Id);
        Assert.Equal(StepKind.Meeting, definition.Step("villager-resolution").Kind);
    }

    [Fact]
    public void A_definition_names_who_oversees_it_with_roles_that_may_act()
    {
        var d = Real();
        Assert.Equal(["township-reviewer"], DefinitionCompiler.Compile(d.ToJsonString(), File).Definition!.OversightRoles);
        d.Remove("oversightRoles");
        AssertError(d, null, "'oversightRoles' is missing or empty");
        d["oversightRoles"] = new JsonArray("county-auditor");
        AssertError(d, null, "'oversightRoles' names 'county-auditor', which reads and administers but never acts");
    }

    [Fact]
    public void An_unknown_step_kind_is_named_with_its_step()
    {
        var d = Real();
        StepOf(d, "implementation")["kind"] = "workflow";
        AssertError(d, "implementation", "unknown kind 'workflow'");
    }

    [Fact]
    public void A_dangling_outcome_names_the_missing_target()
    {
        var d = Real();
        StepOf(d, "intake")["outcomes"]!["accepted"]!["to"] = "nowhere";
        AssertError(d, "intake", "leads to 'nowhere', which is not a step");
    }

    [Fact]
    public void A_meeting_without_its_failed_outcome_is_rejected()
    {
        var d = Real();
        StepOf(d, "party-member-review")["outcomes"]!.AsObject().Remove("failed");
        AssertError(d, "party-member-review", "outcome 'failed' is missing");
    }

    [Fact]
    public void A_review_needs_approve_return_and_reject()
    {
        var d = Real();
        StepOf(d, "township-review")["outcomes"]!.AsObject().Remove("returned");
        AssertError(d, "township-review", "outcome 'returned' is missing");
    }

    [Fact]
    public void An_outcome_a_kind_cannot_have_is_rejected()
    {
        var d = Real();
        StepOf(d, "township-review")["outcomes"]!.AsObject()["maybe"] = new JsonObject { ["to"] = "revision" };
        AssertError(d, "township-review", "outcome 'maybe' is not one a review step can have");
    }

    [Fact]
    public void An_unreachable_step_is_named()
    {
        var d = Real();
        d["steps"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "orphan",
            ["kind"] = "task",
            ["name"] = new JsonObject { ["zh-CN"] = "孤立", ["en"] = "Orphan" },
            ["roles"] = new JsonArray("party-secretary"),
            ["outcomes"] = new JsonObject { ["done"] = new JsonObject { ["to"] = "archived", ["kind"] = "end" } },
        });
        AssertError(d, "orphan", "unreachable");
    }

    [Fact]
    public void A_step_from_which_no_end_can_be_reached_is_named()
    {
        var d = Real();
        var revision = StepOf(d, "revision");
        revision["outcomes"] = new JsonObject { ["again"] = new JsonObject { ["to"] = "revision", ["kind"] = "back" } };
        StepOf(d, "two-committee-deliberation")["outcomes"]!["failed"]!["to"] = "revision";
        AssertError(d, "revision", "no end step can be reached");
    }

    [Fact]
    public void An_unknown_role_is_named()
    {
        var d = Real();
        StepOf(d, "villager-resolution")["roles"] = new JsonArray("village-head");
        AssertError(d, "villager-resolution", "unknown role 'village-head'");
    }

    [Fact]
    public void An_auditor_may_never_act_on_a_step()
    {
        var d = Real();
        StepOf(d, "township-review")["roles"] = new JsonArray("county-auditor");
        AssertError(d, "township-review", "never acts on a proposal");
    }

    [Theory]
    [InlineData("10 days")]
    [InlineData("P0D")]
    [InlineData("P-3D")]
    [InlineData("PT10H")]
    [InlineData("P10")]
    [InlineData("profile:")]
    [InlineData("profile:bad key")]
    [InlineData("")]
    public void A_malformed_duration_is_named_with_its_timer(string duration)
    {
        var d = Real();
        StepOf(d, "township-review")["timers"]![0]!["duration"] = duration;
        AssertError(d, "township-review", $"timer 'review-deadline': malformed duration '{duration}'");
    }

    [Fact]
    public void A_reminder_after_its_deadline_is_rejected()
    {
        var d = Real();
        var timer = StepOf(d, "township-review")["timers"]![0]!;
        timer["duration"] = "P3D";
        timer["reminderBefore"] = "P5D";
        AssertError(d, "township-review", "the reminder (P5D) must come before the deadline (P3D)");
    }

    [Fact]
    public void A_disclosure_without_a_minimum_period_is_rejected()
    {
        var d = Real();
        var timers = StepOf(d, "resolution-disclosure")["timers"]!.AsArray();
        timers.RemoveAt(0);
        AssertError(d, "resolution-disclosure", "exactly one minimum-period timer");
    }

    [Fact]
    public void An_objection_timer_outside_a_disclosure_is_rejected()
    {
        var d = Real();
        StepOf(d, "township-review")["timers"]![0]!["anchor"] = "objection-lodged";
        AssertError(d, "township-review", "exists on disclosure steps only");
    }

    [Fact]
    public void Duplicate_step_ids_are_rejected()
    {
        var d = Real();
        StepOf(d, "revision")["id"] = "intake";
        AssertError(d, "intake", "used by another step");
    }

    [Fact]
    public void A_start_that_is_not_a_step_is_rejected()
    {
        var d = Real();
        d["start"] = "begin";
        AssertError(d, null, "'start' names 'begin'");
    }

    [Fact]
    public void A_name_needs_both_languages()
    {
        var d = Real();
        StepOf(d, "intake")["name"] = new JsonObject { ["zh-CN"] = "议题受理" };
        AssertError(d, "intake", "needs both \"zh-CN\" and \"en\"");
    }

    [Fact]
    public void An_unknown_option_is_rejected()
    {
        var d = Real();
        StepOf(d, "township-review")["onlyIf"] = "townshipReviews";
        AssertError(d, "township-review", "unknown option 'townshipReviews'");
    }

    [Fact]
    public void An_optional_step_needs_skip_to()
    {
        var d = Real();
        StepOf(d, "township-review").Remove("skipTo");
        AssertError(d, "township-review", "'skipTo' is required");
    }

    [Fact]
    public void An_unknown_guard_is_rejected()
    {
        var d = Real();
        StepOf(d, "intake")["outcomes"]!["declined"]!["unless"] = "always";
        AssertError(d, "intake", "unknown guard 'always'");
    }

    [Fact]
    public void An_end_step_needs_a_result()
    {
        var d = Real();
        StepOf(d, "archived")["result"] = "done";
        AssertError(d, "archived", "an end step needs 'result'");
    }

    [Fact]
    public void A_meeting_step_needs_meeting_kinds()
    {
        var d = Real();
        StepOf(d, "branch-proposal").Remove("meetingKinds");
        AssertError(d, "branch-proposal", "needs 'meetingKinds'");
    }

    [Fact]
    public void A_disclosure_needs_countersign_roles()
    {
        var d = Real();
        StepOf(d, "result-disclosure").Remove("countersignRoles");
        AssertError(d, "result-disclosure", "needs 'countersignRoles'");
    }

    [Fact]
    public void An_intervention_at_an_unknown_step_is_rejected()
    {
        var d = Real();
        d["interventions"]![0]!["allowedAt"]!.AsArray().Add("nowhere");
        AssertError(d, null, "intervention 'withdraw': 'allowedAt' names 'nowhere'");
    }

    [Fact]
    public void A_misspelt_property_is_an_error_not_a_silent_default()
    {
        var d = Real();
        StepOf(d, "intake")["outcome"] = new JsonObject();
        var errors = Errors(d);
        var error = Assert.Single(errors);
        Assert.Contains("unknown property", error.Message, StringComparison.Ordinal);
        Assert.Contains("$.steps[0]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"id\": 5}")]
    [InlineData("{\"steps\": \"many\"}")]
    public void Malformed_json_is_reported_without_throwing(string json)
    {
        var (definition, errors) = DefinitionCompiler.Compile(json, File);
        Assert.Null(definition);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal(File, e.File));
    }

    [Fact]
    public void Every_error_in_a_file_is_reported_at_once()
    {
        var d = Real();
        StepOf(d, "intake")["roles"] = new JsonArray("nobody");
        StepOf(d, "implementation")["kind"] = "job";
        StepOf(d, "township-review")["timers"]![0]!["duration"] = "soon";
        var errors = Errors(d);
        Assert.Contains(errors, e => e.Step == "intake");
        Assert.Contains(errors, e => e.Step == "implementation");
        Assert.Contains(errors, e => e.Step == "township-review");
    }

    [Fact]
    public void An_error_reads_file_step_and_what_to_fix()
    {
        var error = new DefinitionError("workflows/x.workflow.json", "intake", "unknown kind 'workflow': use one of end, meeting");
        Assert.Equal("workflows/x.workflow.json: step 'intake': unknown kind 'workflow': use one of end, meeting", error.ToString());
    }
}
