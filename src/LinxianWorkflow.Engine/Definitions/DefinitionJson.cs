using System.Text.Json;
using System.Text.Json.Serialization;

namespace LinxianWorkflow.Engine.Definitions;

// The JSON shapes of workflows/*.workflow.json and workflows/profiles/*.profile.json, read as they are
// written; DefinitionCompiler and ProfileCompiler check them and build the engine's model.
// Unknown properties are refused (JsonUnmappedMemberHandling.Disallow) so a typo is an error, not a silent default.

internal sealed class WorkflowJson
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; set; }

    public string? Id { get; set; }

    public int? Version { get; set; }

    public Dictionary<string, string>? Name { get; set; }

    public string? Start { get; set; }

    public List<string>? MainPath { get; set; }

    public List<string>? StartRoles { get; set; }

    public List<string>? OversightRoles { get; set; }

    public List<StepJson>? Steps { get; set; }

    public List<InterventionJson>? Interventions { get; set; }

    public RehearingJson? Rehearing { get; set; }

    public List<RoleJson>? Roles { get; set; }

    public bool? Public { get; set; }

    public List<ChoiceJson>? Sources { get; set; }

    public List<FieldJson>? StartForm { get; set; }

    public ConcernJson? Concern { get; set; }

    public List<string>? MergedOfficeRoles { get; set; }
}

internal sealed class RoleJson
{
    public string? Id { get; set; }

    public Dictionary<string, string>? Name { get; set; }

    public string? Level { get; set; }

    public List<string>? ConflictsWith { get; set; }
}

internal sealed class ChoiceJson
{
    public string? Id { get; set; }

    public Dictionary<string, string>? Name { get; set; }
}

internal sealed class ConcernJson
{
    public Dictionary<string, string>? Name { get; set; }

    public List<string>? Roles { get; set; }
}

internal sealed class FieldJson
{
    public string? Id { get; set; }

    public Dictionary<string, string>? Name { get; set; }

    public string? Type { get; set; }

    public bool Required { get; set; }

    public List<string>? Outcomes { get; set; }

    public int? MaxLength { get; set; }

    public int? MinCount { get; set; }

    public string? Covers { get; set; }

    public bool? MustBe { get; set; }

    public decimal? Min { get; set; }

    public decimal? Max { get; set; }

    public List<ChoiceJson>? Options { get; set; }

    public Dictionary<string, string>? Help { get; set; }
}

internal sealed class EntryJson
{
    public string? Id { get; set; }

    public Dictionary<string, string>? Name { get; set; }

    public List<string>? Roles { get; set; }

    public List<FieldJson>? Form { get; set; }

    public string? Extends { get; set; }

    public string? Until { get; set; }
}

internal sealed class StepJson
{
    public string? Id { get; set; }

    public string? Kind { get; set; }

    public Dictionary<string, string>? Name { get; set; }

    public List<string>? Roles { get; set; }

    public Dictionary<string, OutcomeJson>? Outcomes { get; set; }

    public List<string>? MeetingKinds { get; set; }

    public RepeatedFailureJson? RepeatedFailure { get; set; }

    public List<string>? CountersignRoles { get; set; }

    public List<string>? AnswerRoles { get; set; }

    public List<string>? RulingRoles { get; set; }

    public string? OnlyIf { get; set; }

    public string? SkipIf { get; set; }

    public string? SkipTo { get; set; }

    public string? Result { get; set; }

    public List<TimerJson>? Timers { get; set; }

    public List<FieldJson>? Form { get; set; }

    public List<EntryJson>? Entries { get; set; }

    public List<string>? EscalationRoles { get; set; }
}

internal sealed class OutcomeJson
{
    public string? To { get; set; }

    public bool RequiresReason { get; set; }

    public string? Unless { get; set; }

    public string? Kind { get; set; }

    public string? Within { get; set; }

    public Dictionary<string, string>? Name { get; set; }

    public List<string>? RequiresEntries { get; set; }
}

internal sealed class RepeatedFailureJson
{
    public int? Count { get; set; }

    public string? To { get; set; }
}

internal sealed class TimerJson
{
    public string? Id { get; set; }

    public string? Kind { get; set; }

    public string? Anchor { get; set; }

    public string? Duration { get; set; }

    public string? ReminderBefore { get; set; }

    public string? OnExpiry { get; set; }

    public List<string>? KeepThrough { get; set; }
}

internal sealed class InterventionJson
{
    public string? Id { get; set; }

    public Dictionary<string, string>? Name { get; set; }

    public List<string>? Roles { get; set; }

    public List<string>? AllowedAt { get; set; }

    public string? To { get; set; }
}

internal sealed class RehearingJson
{
    public List<string>? DemandRoles { get; set; }

    public List<string>? AnswerRoles { get; set; }

    public string? AnswerDeadline { get; set; }
}

internal sealed class ProfileJson
{
    [JsonPropertyName("$schema")]
    public string? Schema { get; set; }

    public string? Id { get; set; }

    public int? Version { get; set; }

    public string? Workflow { get; set; }

    public Dictionary<string, string>? Name { get; set; }

    public ProfileOptionsJson? Options { get; set; }

    public Dictionary<string, MeetingRuleJson>? Meetings { get; set; }

    public Dictionary<string, CategoryJson>? Categories { get; set; }

    public Dictionary<string, int>? Days { get; set; }

    public List<string>? WorkingDays { get; set; }

    public int? MinimumDisclosureDays { get; set; }

    public List<AgendaThresholdJson>? MandatoryAgenda { get; set; }

    public Dictionary<string, string>? RoutineDisclosure { get; set; }

    public Dictionary<string, List<string>>? SeparationOfDuties { get; set; }
}

internal sealed class ProfileOptionsJson
{
    public bool? SupervisionCheck { get; set; }

    public bool? TownshipReview { get; set; }

    public bool? AllowMergedBranchProposal { get; set; }

    public bool? DisclosureCountersign { get; set; }

    public bool? EmergencyNotice { get; set; }
}

internal sealed class MeetingRuleJson
{
    public Dictionary<string, string>? Name { get; set; }

    public ThresholdJson? Quorum { get; set; }

    public ThresholdJson? Pass { get; set; }

    public int? NoticeDays { get; set; }

    public bool? TownshipAttendee { get; set; }

    public List<string>? Exclusions { get; set; }
}

internal sealed class CategoryJson
{
    public Dictionary<string, string>? Name { get; set; }

    public Dictionary<string, MeetingOverrideJson>? Meetings { get; set; }
}

internal sealed class MeetingOverrideJson
{
    public ThresholdJson? Quorum { get; set; }

    public ThresholdJson? Pass { get; set; }
}

internal sealed class ThresholdJson
{
    public string? AtLeast { get; set; }

    public string? MoreThan { get; set; }

    public string? Of { get; set; }
}

internal sealed class AgendaThresholdJson
{
    public string? Group { get; set; }

    public string? AtLeast { get; set; }
}

internal static class DefinitionJsonOptions
{
    public static readonly JsonSerializerOptions Value = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
    };
}
