using System.Collections.Frozen;
using System.Text.Json;
using LinxianWorkflow.Engine.Rules;

using LinxianWorkflow.Engine.Time;

namespace LinxianWorkflow.Engine.Definitions;

/// <summary>Reads a rule profile file, checks it, and builds a <see cref="RuleProfile"/>.</summary>
public static class ProfileCompiler
{
    /// <summary>The lowest minimum disclosure period any profile may set (domain.md §3: never below 5 days).</summary>
    public const int LowestDisclosureDays = 5;

    /// <summary>Reasons a member may be excluded from "due" (domain.md §2).</summary>
    public static readonly FrozenSet<string> KnownExclusionReasons =
        new[] { "seriously-ill", "abroad", "away-over-six-months", "deprived-of-rights" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>What a routine disclosure covers: general village affairs, or finance.</summary>
    public static readonly FrozenSet<string> RoutineKinds = new[] { "general", "finance" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>How often a routine disclosure is due.</summary>
    public static readonly FrozenSet<string> RoutineFrequencies = new[] { "monthly", "quarterly" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Groups whose backing can force a matter onto the agenda.</summary>
    public static readonly FrozenSet<string> KnownAgendaGroups =
        new[] { "adult-villagers", "representatives" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Parses and checks <paramref name="json"/>; <paramref name="file"/> names the source in every error.</summary>
    public static (RuleProfile? Profile, IReadOnlyList<DefinitionError> Errors) Compile(string json, string file, WorkingCalendar? calendar = null)
    {
        ProfileJson? raw;
        try
        {
            raw = JsonSerializer.Deserialize<ProfileJson>(json, DefinitionJsonOptions.Value);
        }
        catch (JsonException e)
        {
            return (null, [new DefinitionError(file, null, JsonErrors.Describe(e))]);
        }

        if (raw is null)
        {
            return (null, [new DefinitionError(file, null, "the file holds no profile (null)")]);
        }

        var errors = new List<DefinitionError>();
        void Error(string? item, string message) => errors.Add(new DefinitionError(file, item, message));

        if (string.IsNullOrWhiteSpace(raw.Id) || !Identifiers.IsValid(raw.Id))
        {
            Error(null, "'id' is missing or not a lower-case identifier");
        }

        if (raw.Version is not > 0)
        {
            Error(null, "'version' is missing or not a positive whole number");
        }

        var name = Names.Read(raw.Name, "name", null, Error);
        var options = raw.Options;
        if (options?.SupervisionCheck is null || options.TownshipReview is null || options.AllowMergedBranchProposal is null
            || options.DisclosureCountersign is null || options.EmergencyNotice is null)
        {
            Error(null, "'options' must set supervisionCheck, townshipReview, allowMergedBranchProposal, disclosureCountersign and emergencyNotice");
        }

        var meetings = new Dictionary<string, MeetingRule>(StringComparer.Ordinal);
        foreach (var (kind, rule) in raw.Meetings ?? [])
        {
            var label = $"meeting '{kind}'";
            var meetingName = Names.Read(rule.Name, $"{label} name", null, Error);
            var quorum = ReadThreshold(rule.Quorum, $"{label} quorum", Error);
            var pass = ReadThreshold(rule.Pass, $"{label} pass", Error);
            if (quorum is { Base: not CountBase.Due })
            {
                Error(null, $"{label}: quorum is counted against those due: write \"of\": \"due\"");
            }

            if (rule.NoticeDays is not >= 0)
            {
                Error(null, $"{label}: 'noticeDays' is missing or negative");
            }

            foreach (var reason in (rule.Exclusions ?? []).Where(r => !KnownExclusionReasons.Contains(r)))
            {
                Error(null, $"{label}: unknown exclusion reason '{reason}': use {string.Join(", ", KnownExclusionReasons.Order())}");
            }

            if (meetingName is not null && quorum is not null && pass is not null)
            {
                meetings[kind] = new MeetingRule(kind, meetingName, quorum, pass, rule.NoticeDays ?? 0, rule.TownshipAttendee ?? false,
                    (rule.Exclusions ?? []).ToFrozenSet(StringComparer.Ordinal));
            }
        }

        var categories = new Dictionary<string, CategoryRule>(StringComparer.Ordinal);
        foreach (var (id, category) in raw.Categories ?? [])
        {
            var label = $"category '{id}'";
            var categoryName = Names.Read(category.Name, $"{label} name", null, Error);
            var overrides = new Dictionary<string, MeetingRule>(StringComparer.Ordinal);
            foreach (var (kind, change) in category.Meetings ?? [])
            {
                if (!meetings.TryGetValue(kind, out var baseRule))
                {
                    Error(null, $"{label}: overrides meeting '{kind}', which 'meetings' does not define");
                    continue;
                }

                var quorum = change.Quorum is null ? baseRule.Quorum : ReadThreshold(change.Quorum, $"{label} {kind} quorum", Error);
                var pass = change.Pass is null ? baseRule.Pass : ReadThreshold(change.Pass, $"{label} {kind} pass", Error);
                if (quorum is not null && pass is not null)
                {
                    overrides[kind] = baseRule with { Quorum = quorum, Pass = pass };
                }
            }

            if (categoryName is not null)
            {
                categories[id] = new CategoryRule(id, categoryName, overrides.ToFrozenDictionary(StringComparer.Ordinal));
            }
        }

        if (categories.Count == 0)
        {
            Error(null, "'categories' is missing or empty: every proposal names a category");
        }

        var days = raw.Days ?? [];
        foreach (var (key, value) in days.Where(d => d.Value is <= 0 or > 3660))
        {
            Error(null, $"days '{key}' is {value}: a period is 1 to 3660 days");
        }

        var workingDays = raw.WorkingDays ?? [];
        foreach (var key in workingDays.Where(k => !days.ContainsKey(k)))
        {
            Error(null, $"workingDays: '{key}' is not a period under 'days'");
        }

        if (workingDays.Count > 0 && calendar is null)
        {
            Error(null, $"workingDays needs a calendar: add workflows/calendar/*{WorkingCalendar.Suffix} with the official holiday arrangements");
        }

        // A procedure without disclosure steps (people's mediation) needs no disclosure period: the catalog checks the
        // value is there for a definition that posts notices.
        if (raw.MinimumDisclosureDays is { } minimum && minimum < LowestDisclosureDays)
        {
            Error(null, $"'minimumDisclosureDays' is {raw.MinimumDisclosureDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}: no disclosure may be shorter than {LowestDisclosureDays} days");
        }

        var agenda = new List<AgendaThreshold>();
        foreach (var item in raw.MandatoryAgenda ?? [])
        {
            if (item.Group is null || !KnownAgendaGroups.Contains(item.Group) || !Fraction.TryParse(item.AtLeast, out var fraction))
            {
                Error(null, $"mandatoryAgenda: each item needs 'group' ({string.Join(", ", KnownAgendaGroups.Order())}) and 'atLeast' (a fraction such as \"1/10\")");
                continue;
            }

            agenda.Add(new AgendaThreshold(item.Group, fraction));
        }

        var routine = raw.RoutineDisclosure ?? [];
        foreach (var (kind, frequency) in routine.Where(r => !RoutineKinds.Contains(r.Key) || !RoutineFrequencies.Contains(r.Value)))
        {
            Error(null, $"routineDisclosure: '{kind}': '{frequency}' — kinds are {string.Join(", ", RoutineKinds.Order())}, frequencies {string.Join(", ", RoutineFrequencies.Order())}");
        }

        // Absent, the conflicts the definition's roles declare (for 四议两公开 the law's own: the supervision committee is not
        // the secretary, the chair or a two-committee member); the catalog fills them in. A county relaxes them only by
        // writing its own list.
        var separation = raw.SeparationOfDuties;
        foreach (var (role, conflicts) in separation ?? [])
        {
            if (conflicts.Contains(role))
            {
                Error(null, $"separationOfDuties: '{role}' cannot conflict with itself");
            }
        }

        if (string.IsNullOrWhiteSpace(raw.Workflow) || !Identifiers.IsValid(raw.Workflow))
        {
            Error(null, "'workflow' is missing or not an identifier: name the procedure (definition id) this profile sets the rules of");
        }

        if (errors.Count > 0 || name is null || options is null)
        {
            return (null, errors);
        }

        return (new RuleProfile
        {
            Id = raw.Id!,
            Version = raw.Version!.Value,
            Name = name,
            Options = new ProfileOptions(options.SupervisionCheck!.Value, options.TownshipReview!.Value,
                options.AllowMergedBranchProposal!.Value, options.DisclosureCountersign!.Value, options.EmergencyNotice!.Value),
            Meetings = meetings.ToFrozenDictionary(StringComparer.Ordinal),
            Categories = categories.ToFrozenDictionary(StringComparer.Ordinal),
            Days = days.ToFrozenDictionary(StringComparer.Ordinal),
            WorkingDayPeriods = workingDays.ToFrozenSet(StringComparer.Ordinal),
            Calendar = workingDays.Count > 0 ? calendar : null,
            MinimumDisclosureDays = raw.MinimumDisclosureDays ?? 0,
            MandatoryAgenda = agenda,
            RoutineDisclosure = routine.ToFrozenDictionary(StringComparer.Ordinal),
            Workflow = raw.Workflow!,
            SeparationDeclared = separation is not null,
            SeparationOfDuties = (separation ?? []).ToFrozenDictionary(p => p.Key, p => p.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal),
            SourceFile = file,
        }, errors);
    }

    private static Threshold? ReadThreshold(ThresholdJson? raw, string label, Action<string?, string> error)
    {
        if (raw is null || (raw.AtLeast is null) == (raw.MoreThan is null))
        {
            error(null, $"{label}: write exactly one of \"atLeast\" (以上, ≥) or \"moreThan\" (超过/过半数, >) with a fraction, and \"of\"");
            return null;
        }

        var comparison = raw.AtLeast is not null ? Comparison.AtLeast : Comparison.MoreThan;
        if (!Fraction.TryParse(raw.AtLeast ?? raw.MoreThan, out var fraction))
        {
            error(null, $"{label}: '{raw.AtLeast ?? raw.MoreThan}' is not a fraction such as \"2/3\" (between 0 and 1)");
            return null;
        }

        CountBase? countBase = raw.Of switch
        {
            "due" => CountBase.Due,
            "present" => CountBase.Present,
            _ => null,
        };
        if (countBase is null)
        {
            error(null, $"{label}: \"of\" must be \"due\" (应到) or \"present\" (实到), not '{raw.Of}'");
            return null;
        }

        return new Threshold(fraction, comparison, countBase.Value);
    }
}
