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

    // ---- 人民调解: roles, forms, entries and time windows declared as data --------------------------------------

    private static JsonObject Mediation() => JsonNode.Parse(Repository.ReadWorkflow("renmin-tiaojie.v1.workflow.json"))!.AsObject();

    private static JsonObject FieldOf(JsonObject step, string id) =>
        step["form"]!.AsArray().Select(f => f!.AsObject()).Single(f => (string)f["id"]! == id);

    private static JsonObject EntryOf(JsonObject step, string id) =>
        step["entries"]!.AsArray().Select(e => e!.AsObject()).Single(e => (string)e["id"]! == id);

    [Fact]
    public void The_mediation_definition_compiles_with_its_roles_forms_entries_and_windows()
    {
        var (definition, errors) = DefinitionCompiler.Compile(Repository.ReadWorkflow("renmin-tiaojie.v1.workflow.json"), File);
        Assert.Empty(errors);
        Assert.False(definition!.Public);
        Assert.Equal([MediationRoles.Chair, MediationRoles.Mediator, MediationRoles.JudicialAssistant], definition.Roles.Select(r => r.Id));
        Assert.Equal(RoleLevel.Township, definition.Roles.Single(r => r.Id == MediationRoles.JudicialAssistant).Level);
        Assert.Equal(2, definition.StartForm.Field("parties")!.MinCount);
        Assert.Equal(["mediation"], definition.Step("informing").Timers.Single().KeptThrough);
        Assert.Equal(("conclusion-deadline", "extendedTo"), (definition.Step("mediation").Entries["extension"].Extends, definition.Step("mediation").Entries["extension"].UntilField));
        Assert.Equal(new DurationSpec(0, "confirmationDays"), definition.Step("performance").Outcomes["confirmationApplied"].Within);
        Assert.Equal(["session"], definition.Step("mediation").Outcomes["writtenAgreement"].EntriesRequired);
        Assert.Equal("达成书面调解协议", definition.Step("mediation").Outcomes["writtenAgreement"].Label!.Zh);
    }

    // Each breaks one thing in a copy of the mediation definition; the error names the step (null: the definition) and says what.
    [Theory]
    [InlineData("unknown role", "acceptance", "'roles' names unknown role 'village-head'")]
    [InlineData("role of another procedure", "informing", "'roles' names unknown role 'party-secretary'")]
    [InlineData("platform role declared", null, "role 'system': 'system' is the platform's own role")]
    [InlineData("administrator declared", null, "role 'administrator': 'administrator' is the platform's own role")]
    [InlineData("bad level", null, "role 'mediator': 'level' must be \"village\", \"township\" or \"county\"")]
    [InlineData("role declared twice", null, "role 'mediator': 'id' is missing, not an identifier, or declared twice")]
    [InlineData("conflicts with unknown", null, "role 'mediator': 'conflictsWith' names 'judge', which is not a role of this definition")]
    [InlineData("conflicts with itself", null, "role 'mediator': 'conflictsWith' names 'mediator', which is the role itself")]
    [InlineData("no roles", null, "'roles' is missing or empty")]
    [InlineData("no sources", null, "'sources' is missing or empty")]
    [InlineData("concern by unknown role", null, "'concern roles' names unknown role 'police'")]
    [InlineData("unknown field type", "acceptance", "form field 'mediators': unknown type 'people'")]
    [InlineData("field of no outcome", "acceptance", "form field 'mediators': 'outcomes' names 'approved', which is not an outcome of this step")]
    [InlineData("field id not camelCase", "acceptance", "form field 'directed-to': 'id' is missing, not a camelCase name")]
    [InlineData("covers a text field", "informing", "field 'informedParties': 'covers' names 'referredBy', which is no names field of this definition")]
    [InlineData("covers nothing", "mediation", "field 'signedBy': 'covers' names 'witnesses', which is no names field of this definition")]
    [InlineData("covers on a date", "mediation", "entry 'session' field 'heldOn': 'covers' belongs to names fields only")]
    [InlineData("mustBe on text", "mediation", "form field 'terms': 'mustBe' belongs to boolean fields only")]
    [InlineData("choice of one option", "informing", "form field 'sessionsInPublic': a choice needs at least two 'options'")]
    [InlineData("options on text", "mediation", "form field 'terms': 'options' belongs to choice fields only")]
    [InlineData("minCount on text", null, "startForm field 'referredBy': 'minCount' belongs to names fields only")]
    [InlineData("outcomes in start form", null, "startForm field 'parties': 'outcomes' belongs to a task step's form only")]
    [InlineData("entry extends unknown timer", "mediation", "entry 'extension': 'extends' names 'hearing-deadline', which is no deadline timer running at this step")]
    [InlineData("deadline not kept through", "mediation", "entry 'extension': 'extends' names 'conclusion-deadline', which is no deadline timer running at this step")]
    [InlineData("until a text field", "mediation", "entry 'extension': 'until' must name a required date field of the entry's form")]
    [InlineData("until an optional date", "mediation", "entry 'extension': 'until' must name a required date field of the entry's form")]
    [InlineData("extends without until", "mediation", "entry 'extension': 'extends' (a deadline timer) and 'until' (the date field giving its new last day) go together")]
    [InlineData("entry without form", "performance", "entry 'follow-up': 'form' is missing or empty")]
    [InlineData("requires no such entry", "mediation", "outcome 'writtenAgreement': 'requiresEntries' names 'hearing', which is not an entry of this step")]
    [InlineData("requires another step's entry", "performance", "outcome 'performed': 'requiresEntries' names 'session', which is not an entry of this step")]
    [InlineData("within malformed", "performance", "outcome 'confirmationApplied': 'within' is \"P30D\" or \"profile:confirmationDays\"")]
    [InlineData("within zero", "performance", "outcome 'confirmationApplied': 'within' is")]
    [InlineData("keepThrough unknown step", "informing", "timer 'conclusion-deadline': 'keepThrough' names 'nowhere', which is not a step of this definition")]
    [InlineData("keepThrough itself", "informing", "timer 'conclusion-deadline': 'keepThrough' belongs to deadline timers anchored at 'step-entered' and lists other steps")]
    [InlineData("public acts in private", "acceptance", "'public' acts here, but the definition says \"public\": false")]
    [InlineData("public records an entry in private", "performance", "'public' acts here, but the definition says \"public\": false")]
    [InlineData("public intervenes in private", "take-over", "'public' may intervene, but the definition says \"public\": false")]
    [InlineData("form on an end step", "archived", "'form' and 'entries' belong to task steps only")]
    public void A_broken_mediation_definition_names_the_step_and_what_to_fix(string breakage, string? step, string fragment)
    {
        var d = Mediation();
        var acceptance = StepOf(d, "acceptance");
        var informing = StepOf(d, "informing");
        var sessions = StepOf(d, "mediation");
        var performance = StepOf(d, "performance");
        var roles = d["roles"]!.AsArray();
        JsonObject Role(string id) => roles.Select(r => r!.AsObject()).Single(r => (string)r["id"]! == id);
        JsonObject NewRole(string id) => new() { ["id"] = id, ["name"] = new JsonObject { ["zh-CN"] = "某", ["en"] = "x" }, ["level"] = "county" };
        switch (breakage)
        {
            case "unknown role": acceptance["roles"] = new JsonArray("village-head"); break;
            case "role of another procedure": informing["roles"] = new JsonArray(SiyiRoles.PartySecretary); break;
            case "platform role declared": roles.Add(NewRole(Roles.System)); break;
            case "administrator declared": roles.Add(NewRole(Roles.Administrator)); break;
            case "bad level": Role("mediator")["level"] = "province"; break;
            case "role declared twice": roles.Add(NewRole("mediator")); break;
            case "conflicts with unknown": Role("mediator")["conflictsWith"] = new JsonArray("judge"); break;
            case "conflicts with itself": Role("mediator")["conflictsWith"] = new JsonArray("mediator"); break;
            case "no roles": d.Remove("roles"); break;
            case "no sources": d["sources"] = new JsonArray(); break;
            case "concern by unknown role": d["concern"]!["roles"] = new JsonArray("police"); break;
            case "unknown field type": FieldOf(acceptance, "mediators")["type"] = "people"; break;
            case "field of no outcome": FieldOf(acceptance, "mediators")["outcomes"] = new JsonArray("approved"); break;
            case "field id not camelCase": FieldOf(acceptance, "directedTo")["id"] = "directed-to"; break;
            case "covers a text field": FieldOf(informing, "informedParties")["covers"] = "referredBy"; break;
            case "covers nothing": FieldOf(EntryOf(sessions, "session"), "signedBy")["covers"] = "witnesses"; break;
            case "covers on a date": FieldOf(EntryOf(sessions, "session"), "heldOn")["covers"] = "parties"; break;
            case "mustBe on text": FieldOf(sessions, "terms")["mustBe"] = true; break;
            case "choice of one option": FieldOf(informing, "sessionsInPublic")["options"]!.AsArray().RemoveAt(1); break;
            case "options on text": FieldOf(sessions, "terms")["options"] = FieldOf(informing, "sessionsInPublic")["options"]!.DeepClone(); break;
            case "minCount on text": d["startForm"]![2]!["minCount"] = 2; break;
            case "outcomes in start form": d["startForm"]![0]!["outcomes"] = new JsonArray("accepted"); break;
            case "entry extends unknown timer": EntryOf(sessions, "extension")["extends"] = "hearing-deadline"; break;
            case "deadline not kept through": informing["timers"]![0]!.AsObject().Remove("keepThrough"); break;
            case "until a text field": EntryOf(sessions, "extension")["until"] = "extensionReason"; break;
            case "until an optional date": FieldOf(EntryOf(sessions, "extension"), "extendedTo")["required"] = false; break;
            case "extends without until": EntryOf(sessions, "extension").Remove("until"); break;
            case "entry without form": EntryOf(performance, "follow-up")["form"] = new JsonArray(); break;
            case "requires no such entry": sessions["outcomes"]!["writtenAgreement"]!["requiresEntries"] = new JsonArray("hearing"); break;
            case "requires another step's entry": performance["outcomes"]!["performed"]!["requiresEntries"] = new JsonArray("session"); break;
            case "within malformed": performance["outcomes"]!["confirmationApplied"]!["within"] = "30 days"; break;
            case "within zero": performance["outcomes"]!["confirmationApplied"]!["within"] = "P0D"; break;
            case "keepThrough unknown step": informing["timers"]![0]!["keepThrough"] = new JsonArray("nowhere"); break;
            case "keepThrough itself": informing["timers"]![0]!["keepThrough"] = new JsonArray("informing"); break;
            case "public acts in private": acceptance["roles"]!.AsArray().Add(Roles.Public); break;
            case "public records an entry in private": EntryOf(performance, "follow-up")["roles"] = new JsonArray(Roles.Public); break;
            case "public intervenes in private": d["interventions"]![0]!["roles"]!.AsArray().Add(Roles.Public); break;
            case "form on an end step": StepOf(d, "archived")["form"] = new JsonArray(); break;
            default: throw new ArgumentException(breakage, nameof(breakage));
        }

        AssertError(d, step, fragment);
    }

    [Fact]
    public void A_disclosure_step_in_a_procedure_that_is_not_public_is_refused()
    {
        var d = Real();
        Assert.True(DefinitionCompiler.Compile(d.ToJsonString(), File).Definition!.Public);
        d["public"] = false;
        AssertError(d, "resolution-disclosure", "a disclosure step in a definition with \"public\": false");
        AssertError(d, "result-disclosure", "a disclosure step in a definition with \"public\": false");
    }

    [Fact]
    public void The_public_may_act_where_the_procedure_is_public()
    {
        var d = Mediation();
        d["public"] = true;
        StepOf(d, "acceptance")["roles"]!.AsArray().Add(Roles.Public);
        var (definition, errors) = DefinitionCompiler.Compile(d.ToJsonString(), File);
        Assert.Empty(errors);
        Assert.Contains(Roles.Public, definition!.Step("acceptance").Roles);
    }
}
