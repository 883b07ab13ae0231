using System.Text.Json.Nodes;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Rules;

namespace LinxianWorkflow.Engine.Tests.Definitions;

public class ProfileCompilerTests
{
    private const string File = "workflows/profiles/broken.profile.json";

    private static JsonObject Real() => JsonNode.Parse(Repository.ReadWorkflow("profiles/default.profile.json"))!.AsObject();

    private static void AssertError(JsonObject profile, string fragment)
    {
        var (compiled, errors) = ProfileCompiler.Compile(profile.ToJsonString(), File);
        Assert.Null(compiled);
        Assert.Contains(errors, e => e.File == File && e.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_profile_holds_the_domain_defaults()
    {
        var profile = Repository.DefaultProfile;
        var representatives = profile.Meetings["villager-representatives"];
        Assert.Equal(new Threshold(new Fraction(2, 3), Comparison.AtLeast, CountBase.Due), representatives.Quorum);
        Assert.Equal(new Threshold(new Fraction(1, 2), Comparison.MoreThan, CountBase.Due), representatives.Pass);
        Assert.Equal(10, profile.Meetings["villager-assembly"].NoticeDays);
        Assert.Equal(7, profile.Days["resolutionDisclosureDays"]);
        Assert.Equal(10, profile.Days["objectionAnswerDays"]);
        Assert.Equal(20, profile.Days["townshipAnswerDays"]);
        Assert.True(profile.Options.TownshipReview);
        Assert.True(profile.Options.DisclosureCountersign);
        Assert.Equal(new Threshold(new Fraction(2, 3), Comparison.AtLeast, CountBase.Present),
            profile.MeetingRuleFor("villager-representatives", "yishi-yiyi").Pass);
    }

    [Fact]
    public void A_category_override_leaves_other_meetings_alone()
    {
        var profile = Repository.DefaultProfile;
        Assert.Same(profile.Meetings["party-members"], profile.MeetingRuleFor("party-members", "yishi-yiyi"));
    }

    [Fact]
    public void A_disclosure_minimum_below_five_days_is_refused()
    {
        var p = Real();
        p["minimumDisclosureDays"] = 4;
        AssertError(p, "no disclosure may be shorter than 5 days");
    }

    [Theory]
    [InlineData("3/2")]
    [InlineData("0.66")]
    [InlineData("two-thirds")]
    public void A_threshold_must_be_an_exact_fraction(string fraction)
    {
        var p = Real();
        p["meetings"]!["villager-representatives"]!["quorum"] = new JsonObject { ["atLeast"] = fraction, ["of"] = "due" };
        AssertError(p, $"'{fraction}' is not a fraction");
    }

    [Fact]
    public void A_threshold_takes_exactly_one_comparison()
    {
        var p = Real();
        p["meetings"]!["villager-representatives"]!["pass"] = new JsonObject { ["atLeast"] = "1/2", ["moreThan"] = "1/2", ["of"] = "due" };
        AssertError(p, "write exactly one of \"atLeast\"");
    }

    [Fact]
    public void Quorum_is_counted_against_those_due()
    {
        var p = Real();
        p["meetings"]!["villager-representatives"]!["quorum"] = new JsonObject { ["atLeast"] = "2/3", ["of"] = "present" };
        AssertError(p, "quorum is counted against those due");
    }

    [Fact]
    public void An_unknown_counting_base_is_refused()
    {
        var p = Real();
        p["meetings"]!["villager-representatives"]!["pass"] = new JsonObject { ["moreThan"] = "1/2", ["of"] = "everyone" };
        AssertError(p, "\"of\" must be \"due\"");
    }

    [Fact]
    public void An_unknown_exclusion_reason_is_refused()
    {
        var p = Real();
        p["meetings"]!["party-members"]!["exclusions"] = new JsonArray("busy");
        AssertError(p, "unknown exclusion reason 'busy'");
    }

    [Fact]
    public void A_category_cannot_override_an_undefined_meeting()
    {
        var p = Real();
        p["categories"]!["yishi-yiyi"]!["meetings"]!.AsObject()["town-hall"] = new JsonObject { ["pass"] = new JsonObject { ["atLeast"] = "2/3", ["of"] = "present" } };
        AssertError(p, "overrides meeting 'town-hall'");
    }

    [Fact]
    public void Every_option_must_be_set()
    {
        var p = Real();
        p["options"]!.AsObject().Remove("townshipReview");
        AssertError(p, "'options' must set");
    }

    [Fact]
    public void A_zero_day_period_is_refused()
    {
        var p = Real();
        p["days"]!["objectionAnswerDays"] = 0;
        AssertError(p, "days 'objectionAnswerDays' is 0");
    }
}
