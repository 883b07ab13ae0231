using System.Collections.Frozen;
using System.Text.Json;

namespace LinxianWorkflow.Engine.Definitions;

/// <summary>Reads a workflow definition file, checks it, and builds a <see cref="WorkflowDefinition"/>.</summary>
public static class DefinitionCompiler
{
    private static readonly FrozenDictionary<string, StepKind> Kinds = new Dictionary<string, StepKind>
    {
        ["task"] = StepKind.Task,
        ["meeting"] = StepKind.Meeting,
        ["review"] = StepKind.Review,
        ["disclosure"] = StepKind.Disclosure,
        ["progress"] = StepKind.Progress,
        ["end"] = StepKind.End,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Outcomes each kind must declare, and the ones it may declare besides.
    private static readonly FrozenDictionary<StepKind, (string[] Required, string[] Optional)> KindOutcomes =
        new Dictionary<StepKind, (string[], string[])>
        {
            [StepKind.Task] = ([], []),
            [StepKind.Meeting] = (["passed", "failed"], []),
            [StepKind.Review] = (["approved", "returned", "rejected"], []),
            [StepKind.Disclosure] = (["closed"], ["objectionUpheld", "terminated"]),
            [StepKind.Progress] = (["completed"], []),
            [StepKind.End] = ([], []),
        }.ToFrozenDictionary();

    /// <summary>The guards an outcome may name in "unless".</summary>
    public static readonly FrozenSet<string> KnownGuards = new[] { Guards.MandatoryAgenda }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Parses and checks <paramref name="json"/>; <paramref name="file"/> names the source in every error.</summary>
    public static (WorkflowDefinition? Definition, IReadOnlyList<DefinitionError> Errors) Compile(string json, string file)
    {
        var errors = new List<DefinitionError>();
        WorkflowJson? raw;
        try
        {
            raw = JsonSerializer.Deserialize<WorkflowJson>(json, DefinitionJsonOptions.Value);
        }
        catch (JsonException e)
        {
            return (null, [new DefinitionError(file, null, JsonErrors.Describe(e))]);
        }

        if (raw is null)
        {
            return (null, [new DefinitionError(file, null, "the file holds no definition (null)")]);
        }

        var definition = new Builder(file, errors).Build(raw);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        Roles.Declare(definition!.Roles);
        return (definition, errors);
    }

    private static readonly FrozenDictionary<string, FieldType> FieldTypes = new Dictionary<string, FieldType>
    {
        ["text"] = FieldType.Text,
        ["longtext"] = FieldType.LongText,
        ["date"] = FieldType.Date,
        ["number"] = FieldType.Number,
        ["boolean"] = FieldType.Boolean,
        ["choice"] = FieldType.Choice,
        ["names"] = FieldType.Names,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private sealed class Builder(string file, List<DefinitionError> errors)
    {
        private readonly HashSet<string> _roles = new(StringComparer.Ordinal);
        private bool _public = true;

        private void Error(string? step, string message) => errors.Add(new DefinitionError(file, step, message));

        private List<RoleDefinition> BuildRoles(List<RoleJson>? raw)
        {
            var roles = new List<RoleDefinition>();
            if (raw is not { Count: > 0 })
            {
                Error(null, "'roles' is missing or empty: declare each role (id, name, level) that acts in this procedure");
                return roles;
            }

            foreach (var role in raw)
            {
                var label = $"role '{role.Id}'";
                if (role.Id is null || !Identifiers.IsValid(role.Id) || !_roles.Add(role.Id))
                {
                    Error(null, $"{label}: 'id' is missing, not an identifier, or declared twice");
                    continue;
                }

                if (Engine.Roles.Platform.Contains(role.Id))
                {
                    Error(null, $"{label}: '{role.Id}' is the platform's own role and is not declared by a definition");
                    continue;
                }

                var roleName = Names.Read(role.Name, $"{label} name", null, Error);
                RoleLevel? level = role.Level switch
                {
                    "village" => RoleLevel.Village,
                    "township" => RoleLevel.Township,
                    "county" => RoleLevel.County,
                    _ => null,
                };
                if (level is null)
                {
                    Error(null, $"{label}: 'level' must be \"village\", \"township\" or \"county\" (the area a grant of it names), not '{role.Level}'");
                }

                if (roleName is not null && level is not null)
                {
                    roles.Add(new RoleDefinition(role.Id, roleName, level.Value, role.ConflictsWith ?? []));
                }
            }

            foreach (var role in roles)
            {
                foreach (var other in role.ConflictsWith.Where(o => o == role.Id || !_roles.Contains(o)))
                {
                    Error(null, $"role '{role.Id}': 'conflictsWith' names '{other}', which is {(other == role.Id ? "the role itself" : "not a role of this definition")}");
                }
            }

            return roles;
        }

        private List<SourceDefinition> BuildChoices(List<ChoiceJson>? raw, string field, string? step)
        {
            var choices = new List<SourceDefinition>();
            foreach (var item in raw ?? [])
            {
                if (item.Id is null || !Identifiers.IsValid(item.Id) || choices.Any(c => c.Id == item.Id))
                {
                    Error(step, $"'{field}': an option's 'id' is missing, not an identifier, or used twice ('{item.Id}')");
                    continue;
                }

                if (Names.Read(item.Name, $"{field} '{item.Id}' name", step, Error) is { } choiceName)
                {
                    choices.Add(new SourceDefinition(item.Id, choiceName));
                }
            }

            return choices;
        }

        private FormDefinition BuildForm(List<FieldJson>? raw, string where, string? step, IReadOnlyCollection<string>? outcomes)
        {
            if (raw is null)
            {
                return FormDefinition.Empty;
            }

            var fields = new List<FieldDefinition>();
            foreach (var field in raw)
            {
                var label = $"{where} field '{field.Id}'";
                if (field.Id is null || !Identifiers.IsOutcomeName(field.Id) || fields.Any(f => f.Id == field.Id))
                {
                    Error(step, $"{label}: 'id' is missing, not a camelCase name (letters only), or used twice in this form");
                    continue;
                }

                var fieldName = Names.Read(field.Name, $"{label} name", step, Error);
                if (field.Type is null || !FieldTypes.TryGetValue(field.Type, out var type))
                {
                    Error(step, $"{label}: unknown type '{field.Type}': use one of {string.Join(", ", FieldTypes.Keys.Order())}");
                    continue;
                }

                foreach (var outcome in (field.Outcomes ?? []).Where(o => outcomes is null || !outcomes.Contains(o)))
                {
                    Error(step, outcomes is null
                        ? $"{label}: 'outcomes' belongs to a task step's form only"
                        : $"{label}: 'outcomes' names '{outcome}', which is not an outcome of this step");
                }

                var options = type == FieldType.Choice ? BuildChoices(field.Options, label + " options", step) : [];
                if (type == FieldType.Choice && options.Count < 2)
                {
                    Error(step, $"{label}: a choice needs at least two 'options' (id and name)");
                }

                if (type != FieldType.Choice && field.Options is not null)
                {
                    Error(step, $"{label}: 'options' belongs to choice fields only");
                }

                if (field.Covers is not null && type != FieldType.Names)
                {
                    Error(step, $"{label}: 'covers' belongs to names fields only");
                }

                if ((field.MinCount is not null) && type != FieldType.Names)
                {
                    Error(step, $"{label}: 'minCount' belongs to names fields only");
                }

                if (field.MustBe is not null && type != FieldType.Boolean)
                {
                    Error(step, $"{label}: 'mustBe' belongs to boolean fields only");
                }

                if ((field.Min ?? field.Max) is not null && type != FieldType.Number)
                {
                    Error(step, $"{label}: 'min' and 'max' belong to number fields only");
                }

                if (field.MaxLength is { } max && (type is not (FieldType.Text or FieldType.LongText) || max is < 1 or > 20000))
                {
                    Error(step, $"{label}: 'maxLength' is 1 to 20000 and belongs to text and longtext fields only");
                }

                LocalizedText? help = field.Help is null ? null : Names.Read(field.Help, $"{label} help", step, Error);
                if (fieldName is null)
                {
                    continue;
                }

                fields.Add(new FieldDefinition
                {
                    Id = field.Id,
                    Name = fieldName,
                    Type = type,
                    Required = field.Required,
                    Outcomes = field.Outcomes ?? [],
                    MaxLength = field.MaxLength ?? (type == FieldType.LongText ? 4000 : 200),
                    MinCount = field.MinCount ?? 1,
                    Covers = field.Covers,
                    MustBe = field.MustBe,
                    Min = field.Min,
                    Max = field.Max,
                    Options = options,
                    Help = help,
                });
            }

            return new FormDefinition(fields);
        }

        // A names field that "covers" another needs that field declared (as names) somewhere before an instance can reach
        // it; entries that extend a timer name a deadline timer that runs while the step is current, and a date field.
        private void CheckForms(FormDefinition startForm, List<StepDefinition> steps, HashSet<string> ids)
        {
            var forms = new List<(string? Step, FormDefinition Form)> { (null, startForm) };
            forms.AddRange(steps.Select(s => ((string?)s.Id, s.Form)));
            forms.AddRange(steps.SelectMany(s => s.Entries.Values.Select(e => ((string?)s.Id, e.Form))));
            var names = forms.SelectMany(f => f.Form.Fields).Where(f => f.Type == FieldType.Names).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var (step, form) in forms)
            {
                foreach (var field in form.Fields.Where(f => f.Covers is not null && !names.Contains(f.Covers)))
                {
                    Error(step, $"field '{field.Id}': 'covers' names '{field.Covers}', which is no names field of this definition");
                }
            }

            foreach (var step in steps)
            {
                foreach (var timer in step.Timers)
                {
                    foreach (var through in timer.KeptThrough.Where(t => !ids.Contains(t)))
                    {
                        Error(step.Id, $"timer '{timer.Id}': 'keepThrough' names '{through}', which is not a step of this definition");
                    }
                }

                foreach (var entry in step.Entries.Values.Where(e => e.Extends is not null))
                {
                    var running = step.Timers.Concat(steps.SelectMany(other => other.Timers).Where(t => t.KeptThrough.Contains(step.Id)))
                        .Where(t => t.Kind == TimerKind.Deadline);
                    if (!running.Any(t => t.Id == entry.Extends))
                    {
                        Error(step.Id, $"entry '{entry.Id}': 'extends' names '{entry.Extends}', which is no deadline timer running at this step");
                    }

                    if (entry.UntilField is null || entry.Form.Field(entry.UntilField) is not { Type: FieldType.Date, Required: true })
                    {
                        Error(step.Id, $"entry '{entry.Id}': 'until' must name a required date field of the entry's form (the new last day)");
                    }
                }
            }
        }

        // Nothing of a non-public procedure reaches the public: no disclosure, no role for villagers without accounts.
        private void CheckPrivacy(List<StepDefinition> steps, FrozenDictionary<string, Intervention> interventions)
        {
            if (_public)
            {
                return;
            }

            foreach (var step in steps.Where(s => s.Kind == StepKind.Disclosure))
            {
                Error(step.Id, "a disclosure step in a definition with \"public\": false: nothing of it may be posted");
            }

            foreach (var step in steps.Where(s => s.Roles.Contains(Engine.Roles.Public) || s.Entries.Values.Any(e => e.Roles.Contains(Engine.Roles.Public))))
            {
                Error(step.Id, "'public' acts here, but the definition says \"public\": false");
            }

            foreach (var intervention in interventions.Values.Where(i => i.Roles.Contains(Engine.Roles.Public)))
            {
                Error(intervention.Id, "'public' may intervene, but the definition says \"public\": false");
            }
        }

        public WorkflowDefinition? Build(WorkflowJson raw)
        {
            if (string.IsNullOrWhiteSpace(raw.Id) || !Identifiers.IsValid(raw.Id))
            {
                Error(null, "'id' is missing or not a lower-case identifier (letters, digits and '-')");
            }

            if (raw.Version is not > 0)
            {
                Error(null, "'version' is missing or not a positive whole number");
            }

            var name = Names.Read(raw.Name, "name", null, Error);
            var declared = BuildRoles(raw.Roles);
            _public = raw.Public ?? true;
            if (raw.Steps is not { Count: > 0 })
            {
                Error(null, "'steps' is missing or empty: a definition needs at least a start and an end step");
                return null;
            }

            var steps = new List<StepDefinition>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (stepJson, index) in raw.Steps.Select((s, i) => (s, i)))
            {
                var stepId = stepJson.Id;
                if (string.IsNullOrWhiteSpace(stepId) || !Identifiers.IsValid(stepId))
                {
                    Error($"#{index + 1}", "'id' is missing or not a lower-case identifier (letters, digits and '-')");
                    continue;
                }

                if (!seen.Add(stepId))
                {
                    Error(stepId, "the id is used by another step: step ids must be unique");
                    continue;
                }

                var step = BuildStep(stepJson, stepId);
                if (step is not null)
                {
                    steps.Add(step);
                }
            }

            var byId = steps.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
            if (raw.Start is null || !seen.Contains(raw.Start))
            {
                Error(null, $"'start' names '{raw.Start}', which is not a step of this definition");
            }

            var startRoles = ReadRoles(raw.StartRoles, "startRoles", null, required: true);
            var oversightRoles = ReadRoles(raw.OversightRoles, "oversightRoles", null, required: true);
            CheckTargets(steps, seen);
            CheckMainPath(raw.MainPath, raw.Start, byId);
            var interventions = BuildInterventions(raw.Interventions, seen);
            var rehearing = BuildRehearing(raw.Rehearing);
            var sources = BuildChoices(raw.Sources, "sources", null);
            if (sources.Count == 0)
            {
                Error(null, "'sources' is missing or empty: list where an instance may come from (id and name)");
            }

            var startForm = BuildForm(raw.StartForm, "startForm", null, null);
            ConcernRule? concern = null;
            if (raw.Concern is { } c)
            {
                var concernName = Names.Read(c.Name, "concern name", null, Error);
                var concernRoles = ReadRoles(c.Roles, "concern roles", null, required: true);
                concern = concernName is null ? null : new ConcernRule(concernName, concernRoles);
            }

            var merged = ReadRoles(raw.MergedOfficeRoles, "mergedOfficeRoles", null, required: false);
            CheckForms(startForm, steps, seen);
            CheckPrivacy(steps, interventions);
            if (errors.Count > 0 || name is null)
            {
                return null;
            }

            var definition = new WorkflowDefinition
            {
                Id = raw.Id!,
                Version = raw.Version!.Value,
                Name = name,
                Start = raw.Start!,
                MainPath = raw.MainPath!,
                StartRoles = startRoles,
                OversightRoles = oversightRoles,
                Steps = steps,
                StepsById = byId,
                Interventions = interventions,
                Rehearing = rehearing,
                Roles = declared,
                Public = _public,
                Sources = sources,
                StartForm = startForm,
                Concern = concern,
                MergedOfficeRoles = merged,
                SourceFile = file,
            };
            Graph.Check(definition, Error);
            return errors.Count == 0 ? definition : null;
        }

        private StepDefinition? BuildStep(StepJson raw, string id)
        {
            if (raw.Kind is null || !Kinds.TryGetValue(raw.Kind, out var kind))
            {
                Error(id, $"unknown kind '{raw.Kind}': use one of {string.Join(", ", Kinds.Keys.Order())}");
                return null;
            }

            var name = Names.Read(raw.Name, "name", id, Error);
            var roles = ReadRoles(raw.Roles, "roles", id, required: kind != StepKind.End);
            var outcomes = BuildOutcomes(raw, kind, id);
            CheckKindFields(raw, kind, id);

            if (raw.OnlyIf is not null && !Rules.RuleProfile.KnownOptions.Contains(raw.OnlyIf))
            {
                Error(id, $"'onlyIf' names unknown option '{raw.OnlyIf}': use one of {string.Join(", ", Rules.RuleProfile.KnownOptions.Order())}");
            }

            if (raw.SkipIf is not null && !Rules.RuleProfile.KnownOptions.Contains(raw.SkipIf))
            {
                Error(id, $"'skipIf' names unknown option '{raw.SkipIf}': use one of {string.Join(", ", Rules.RuleProfile.KnownOptions.Order())}");
            }

            if ((raw.OnlyIf is not null || raw.SkipIf is not null) != (raw.SkipTo is not null))
            {
                Error(id, "'skipTo' is required exactly when the step has 'onlyIf' or 'skipIf': it says where a skipped step leads");
            }

            EndResult? result = null;
            if (kind == StepKind.End)
            {
                result = raw.Result switch
                {
                    "archived" => EndResult.Archived,
                    "terminated" => EndResult.Terminated,
                    _ => null,
                };
                if (result is null)
                {
                    Error(id, $"an end step needs 'result': \"archived\" or \"terminated\" (found '{raw.Result}')");
                }
            }
            else if (raw.Result is not null)
            {
                Error(id, "'result' belongs to end steps only");
            }

            var timers = BuildTimers(raw.Timers, kind, id);
            if (kind != StepKind.Task && (raw.Form ?? (object?)raw.Entries) is not null)
            {
                Error(id, "'form' and 'entries' belong to task steps only");
            }

            if (kind != StepKind.Disclosure && raw.EscalationRoles is not null)
            {
                Error(id, "'escalationRoles' belongs to disclosure steps only");
            }

            var form = BuildForm(raw.Form, "form", id, outcomes.Keys);
            var entries = BuildEntries(raw.Entries, id);
            foreach (var outcome in outcomes.Values)
            {
                foreach (var missing in outcome.EntriesRequired.Where(e => !entries.ContainsKey(e)))
                {
                    Error(id, $"outcome '{outcome.Name}': 'requiresEntries' names '{missing}', which is not an entry of this step");
                }
            }

            RepeatedFailure? repeated = null;
            if (raw.RepeatedFailure is { } rf)
            {
                if (rf.Count is not >= 2 || rf.To is null)
                {
                    Error(id, "'repeatedFailure' needs 'count' (2 or more) and 'to' (a step id)");
                }
                else
                {
                    repeated = new RepeatedFailure(rf.Count.Value, rf.To);
                }
            }

            if (name is null)
            {
                return null;
            }

            return new StepDefinition
            {
                Id = id,
                Kind = kind,
                Name = name,
                Roles = roles,
                Outcomes = outcomes,
                MeetingKinds = raw.MeetingKinds ?? [],
                RepeatedFailure = repeated,
                CountersignRoles = ReadRoles(raw.CountersignRoles, "countersignRoles", id, required: false),
                AnswerRoles = ReadRoles(raw.AnswerRoles, "answerRoles", id, required: kind == StepKind.Disclosure),
                RulingRoles = ReadRoles(raw.RulingRoles, "rulingRoles", id, required: kind == StepKind.Disclosure),
                OnlyIf = raw.OnlyIf,
                SkipIf = raw.SkipIf,
                SkipTo = raw.SkipTo,
                Result = result,
                Timers = timers,
                Form = form,
                Entries = entries,
                EscalationRoles = ReadRoles(raw.EscalationRoles, "escalationRoles", id, required: false),
            };
        }

        private FrozenDictionary<string, EntryDefinition> BuildEntries(List<EntryJson>? raw, string step)
        {
            var entries = new Dictionary<string, EntryDefinition>(StringComparer.Ordinal);
            foreach (var entry in raw ?? [])
            {
                var label = $"entry '{entry.Id}'";
                if (entry.Id is null || !Identifiers.IsValid(entry.Id) || entries.ContainsKey(entry.Id))
                {
                    Error(step, $"{label}: 'id' is missing, not an identifier, or used twice in this step");
                    continue;
                }

                var entryName = Names.Read(entry.Name, $"{label} name", step, Error);
                var roles = ReadRoles(entry.Roles, $"{label} roles", step, required: false);
                var form = BuildForm(entry.Form, label, step, null);
                if (form.Fields.Count == 0)
                {
                    Error(step, $"{label}: 'form' is missing or empty: an entry records something");
                }

                if ((entry.Extends is null) != (entry.Until is null))
                {
                    Error(step, $"{label}: 'extends' (a deadline timer) and 'until' (the date field giving its new last day) go together");
                }

                if (entryName is not null)
                {
                    entries[entry.Id] = new EntryDefinition(entry.Id, entryName, roles, form, entry.Extends, entry.Until);
                }
            }

            return entries.ToFrozenDictionary(StringComparer.Ordinal);
        }

        private void CheckKindFields(StepJson raw, StepKind kind, string id)
        {
            if (kind == StepKind.Meeting && raw.MeetingKinds is not { Count: > 0 })
            {
                Error(id, "a meeting step needs 'meetingKinds': the kinds of meeting (profile keys) that may be recorded here");
            }

            if (kind != StepKind.Meeting && raw.MeetingKinds is not null)
            {
                Error(id, "'meetingKinds' belongs to meeting steps only");
            }

            if (kind != StepKind.Meeting && raw.RepeatedFailure is not null)
            {
                Error(id, "'repeatedFailure' belongs to meeting steps only");
            }

            if (kind != StepKind.Disclosure && (raw.CountersignRoles ?? raw.AnswerRoles ?? raw.RulingRoles) is not null)
            {
                Error(id, "'countersignRoles', 'answerRoles' and 'rulingRoles' belong to disclosure steps only");
            }

            if (kind == StepKind.Disclosure && raw.CountersignRoles is not { Count: > 0 })
            {
                Error(id, "a disclosure step needs 'countersignRoles': who countersigns before it is posted");
            }
        }

        private FrozenDictionary<string, Outcome> BuildOutcomes(StepJson raw, StepKind kind, string id)
        {
            var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
            var (required, optional) = KindOutcomes[kind];
            if (kind == StepKind.End)
            {
                if (raw.Outcomes is { Count: > 0 })
                {
                    Error(id, "an end step has no outcomes");
                }

                return outcomes.ToFrozenDictionary(StringComparer.Ordinal);
            }

            if (raw.Outcomes is not { Count: > 0 })
            {
                Error(id, kind == StepKind.Task
                    ? "a task step needs at least one outcome in 'outcomes'"
                    : $"'outcomes' is missing: a {raw.Kind} step needs {string.Join(", ", required)}");
                return outcomes.ToFrozenDictionary(StringComparer.Ordinal);
            }

            foreach (var missing in required.Where(r => !raw.Outcomes.ContainsKey(r)))
            {
                Error(id, $"outcome '{missing}' is missing: a {raw.Kind} step needs {string.Join(", ", required)}");
            }

            foreach (var (outcomeName, outcome) in raw.Outcomes)
            {
                if (kind != StepKind.Task && !required.Contains(outcomeName) && !optional.Contains(outcomeName))
                {
                    Error(id, $"outcome '{outcomeName}' is not one a {raw.Kind} step can have: use {string.Join(", ", required.Concat(optional))}");
                    continue;
                }

                if (!Identifiers.IsOutcomeName(outcomeName))
                {
                    Error(id, $"outcome name '{outcomeName}' must be letters only (camelCase)");
                    continue;
                }

                if (string.IsNullOrEmpty(outcome.To))
                {
                    Error(id, $"outcome '{outcomeName}' has no 'to': name the step it leads to");
                    continue;
                }

                if (outcome.Unless is not null && !KnownGuards.Contains(outcome.Unless))
                {
                    Error(id, $"outcome '{outcomeName}' names unknown guard '{outcome.Unless}': use one of {string.Join(", ", KnownGuards)}");
                }

                OutcomeKind? outcomeKind = outcome.Kind switch
                {
                    "forward" => OutcomeKind.Forward,
                    "back" => OutcomeKind.Back,
                    "end" => OutcomeKind.End,
                    _ => null,
                };
                if (outcomeKind is null)
                {
                    Error(id, $"outcome '{outcomeName}' needs 'kind': \"forward\", \"back\" or \"end\" (so a diagram can draw it), not '{outcome.Kind}'");
                    continue;
                }

                DurationSpec? within = null;
                if (outcome.Within is not null)
                {
                    if (kind == StepKind.Task && DurationSpec.TryParse(outcome.Within, out var w))
                    {
                        within = w;
                    }
                    else
                    {
                        Error(id, $"outcome '{outcomeName}': 'within' is \"P30D\" or \"profile:confirmationDays\" and belongs to task steps only, not '{outcome.Within}'");
                    }
                }

                if (outcome.RequiresEntries is not null && kind != StepKind.Task)
                {
                    Error(id, $"outcome '{outcomeName}': 'requiresEntries' belongs to task steps only");
                }

                outcomes[outcomeName] = new Outcome(outcomeName, outcome.To, outcome.RequiresReason, outcome.Unless, outcomeKind.Value, within, outcome.RequiresEntries,
                    outcome.Name is null ? null : Names.Read(outcome.Name, $"outcome '{outcomeName}' name", id, Error));
            }

            return outcomes.ToFrozenDictionary(StringComparer.Ordinal);
        }

        private List<TimerDefinition> BuildTimers(List<TimerJson>? raw, StepKind kind, string id)
        {
            var timers = new List<TimerDefinition>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var timer in raw ?? [])
            {
                var label = $"timer '{timer.Id}'";
                if (timer.Id is null || !Identifiers.IsValid(timer.Id) || !ids.Add(timer.Id))
                {
                    Error(id, $"{label}: 'id' is missing, not an identifier, or used twice in this step");
                    continue;
                }

                TimerKind? timerKind = timer.Kind switch
                {
                    "deadline" => TimerKind.Deadline,
                    "minimum-period" => TimerKind.MinimumPeriod,
                    _ => null,
                };
                TimerAnchor? anchor = timer.Anchor switch
                {
                    "step-entered" => TimerAnchor.StepEntered,
                    "published" => TimerAnchor.Published,
                    "objection-lodged" => TimerAnchor.ObjectionLodged,
                    "objection-escalated" => TimerAnchor.ObjectionEscalated,
                    _ => null,
                };
                TimerExpiry? expiry = timer.OnExpiry switch
                {
                    null => TimerExpiry.None,
                    "escalate" => TimerExpiry.Escalate,
                    "escalate-objection" => TimerExpiry.EscalateObjection,
                    _ => null,
                };
                if (timerKind is null)
                {
                    Error(id, $"{label}: unknown kind '{timer.Kind}': use deadline or minimum-period");
                }

                if (anchor is null)
                {
                    Error(id, $"{label}: unknown anchor '{timer.Anchor}': use step-entered, published, objection-lodged or objection-escalated");
                }

                if (expiry is null)
                {
                    Error(id, $"{label}: unknown onExpiry '{timer.OnExpiry}': use escalate or escalate-objection, or leave it out");
                }

                if (!DurationSpec.TryParse(timer.Duration, out var duration))
                {
                    Error(id, $"{label}: malformed duration '{timer.Duration}': write whole days as \"P10D\" or a profile period as \"profile:objectionAnswerDays\"");
                }

                DurationSpec? reminder = null;
                if (timer.ReminderBefore is not null)
                {
                    if (DurationSpec.TryParse(timer.ReminderBefore, out var r) && r.ProfileKey is null)
                    {
                        reminder = r;
                    }
                    else
                    {
                        Error(id, $"{label}: malformed reminderBefore '{timer.ReminderBefore}': write whole days as \"P2D\"");
                    }
                }

                if (timerKind is null || anchor is null || expiry is null)
                {
                    continue;
                }

                if (anchor != TimerAnchor.StepEntered && kind != StepKind.Disclosure)
                {
                    Error(id, $"{label}: anchor '{timer.Anchor}' exists on disclosure steps only");
                }

                if (timerKind == TimerKind.MinimumPeriod && (anchor != TimerAnchor.Published || expiry != TimerExpiry.None || reminder is not null))
                {
                    Error(id, $"{label}: a minimum-period timer runs from 'published', with no onExpiry and no reminder");
                }

                if (expiry == TimerExpiry.EscalateObjection && anchor != TimerAnchor.ObjectionLodged)
                {
                    Error(id, $"{label}: onExpiry 'escalate-objection' needs anchor 'objection-lodged'");
                }

                if (reminder is { } rem && duration.ProfileKey is null && rem.Days >= duration.Days)
                {
                    Error(id, $"{label}: the reminder ({rem}) must come before the deadline ({duration})");
                }

                if (timer.KeepThrough is not null && (timerKind != TimerKind.Deadline || anchor != TimerAnchor.StepEntered || timer.KeepThrough.Contains(id)))
                {
                    Error(id, $"{label}: 'keepThrough' belongs to deadline timers anchored at 'step-entered' and lists other steps");
                }

                timers.Add(new TimerDefinition(timer.Id, timerKind.Value, anchor.Value, duration, reminder, expiry.Value, timer.KeepThrough));
            }

            if (kind == StepKind.Disclosure && timers.Count(t => t.Kind == TimerKind.MinimumPeriod) != 1)
            {
                Error(id, "a disclosure step needs exactly one minimum-period timer (anchor 'published'): how long the notice stays up");
            }

            if (kind != StepKind.Disclosure && timers.Any(t => t.Kind == TimerKind.MinimumPeriod))
            {
                Error(id, "minimum-period timers belong to disclosure steps only");
            }

            return timers;
        }

        private List<string> ReadRoles(List<string>? raw, string field, string? step, bool required)
        {
            if (raw is not { Count: > 0 })
            {
                if (required)
                {
                    Error(step, $"'{field}' is missing or empty: name the roles that act here");
                }

                return [];
            }

            foreach (var role in raw.Where(r => !_roles.Contains(r) && !Roles.Platform.Contains(r)))
            {
                Error(step, $"'{field}' names unknown role '{role}': declare it under 'roles' or use one of {string.Join(", ", _roles.Concat([Roles.Public, Roles.System]).Order())}");
            }

            foreach (var role in raw.Where(Roles.NeverAct.Contains))
            {
                Error(step, $"'{field}' names '{role}', which reads and administers but never acts on a proposal");
            }

            return raw;
        }

        // The main path starts at the start, ends at an archiving end step, and each step on it leads to the next by a
        // forward outcome; an outcome declared "end" leads to an end step, and only such outcomes do.
        private void CheckMainPath(List<string>? path, string? start, FrozenDictionary<string, StepDefinition> steps)
        {
            if (path is not { Count: >= 2 })
            {
                Error(null, "'mainPath' is missing: list the steps an ordinary proposal passes, from the start to its archived end");
                return;
            }

            if (path[0] != start)
            {
                Error(null, $"'mainPath' begins with '{path[0]}', not the start step '{start}'");
            }

            if (path.Distinct(StringComparer.Ordinal).Count() != path.Count)
            {
                Error(null, "'mainPath' names a step twice");
            }

            for (var i = 0; i < path.Count; i++)
            {
                if (!steps.TryGetValue(path[i], out var step))
                {
                    Error(null, $"'mainPath' names '{path[i]}', which is not a step of this definition");
                    return;
                }

                if (i == path.Count - 1)
                {
                    if (step.Result != EndResult.Archived)
                    {
                        Error(null, $"'mainPath' ends with '{step.Id}', which is not an end step with result \"archived\"");
                    }

                    continue;
                }

                if (!step.Outcomes.Values.Any(o => o.To == path[i + 1] && o.Kind is OutcomeKind.Forward or OutcomeKind.End))
                {
                    Error(step.Id, $"on 'mainPath' it is followed by '{path[i + 1]}', but no forward outcome of it leads there");
                }
            }
        }

        private void CheckTargets(List<StepDefinition> steps, HashSet<string> ids)
        {
            var ends = steps.Where(s => s.Kind == StepKind.End).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var step in steps)
            {
                foreach (var outcome in step.Outcomes.Values.Where(o => ids.Contains(o.To) && (o.Kind == OutcomeKind.End) != ends.Contains(o.To)))
                {
                    Error(step.Id, outcome.Kind == OutcomeKind.End
                        ? $"outcome '{outcome.Name}' is declared \"end\" but leads to '{outcome.To}', which is not an end step"
                        : $"outcome '{outcome.Name}' leads to the end step '{outcome.To}': declare its kind \"end\"");
                }

                foreach (var outcome in step.Outcomes.Values.Where(o => !ids.Contains(o.To)))
                {
                    Error(step.Id, $"outcome '{outcome.Name}' leads to '{outcome.To}', which is not a step of this definition");
                }

                if (step.RepeatedFailure is { } rf && !ids.Contains(rf.To))
                {
                    Error(step.Id, $"'repeatedFailure' leads to '{rf.To}', which is not a step of this definition");
                }

                if (step.SkipTo is not null && !ids.Contains(step.SkipTo))
                {
                    Error(step.Id, $"'skipTo' names '{step.SkipTo}', which is not a step of this definition");
                }
            }
        }

        private FrozenDictionary<string, Intervention> BuildInterventions(List<InterventionJson>? raw, HashSet<string> ids)
        {
            var result = new Dictionary<string, Intervention>(StringComparer.Ordinal);
            foreach (var item in raw ?? [])
            {
                var label = $"intervention '{item.Id}'";
                if (item.Id is null || !Identifiers.IsValid(item.Id) || result.ContainsKey(item.Id))
                {
                    Error(null, $"{label}: 'id' is missing, not an identifier, or used twice");
                    continue;
                }

                var name = Names.Read(item.Name, $"{label} name", null, Error);
                var roles = ReadRoles(item.Roles, $"{label} roles", item.Id, required: true);
                if (item.To is null || !ids.Contains(item.To))
                {
                    Error(null, $"{label}: 'to' names '{item.To}', which is not a step of this definition");
                }

                foreach (var at in (item.AllowedAt ?? []).Where(a => !ids.Contains(a)))
                {
                    Error(null, $"{label}: 'allowedAt' names '{at}', which is not a step of this definition");
                }

                if (item.AllowedAt is not { Count: > 0 })
                {
                    Error(null, $"{label}: 'allowedAt' is missing or empty: list the steps where it may be used");
                }

                if (name is not null && item.To is not null)
                {
                    result[item.Id] = new Intervention(item.Id, name, roles, (item.AllowedAt ?? []).ToFrozenSet(StringComparer.Ordinal), item.To);
                }
            }

            return result.ToFrozenDictionary(StringComparer.Ordinal);
        }

        private RehearingRule? BuildRehearing(RehearingJson? raw)
        {
            if (raw is null)
            {
                return null;
            }

            var demand = ReadRoles(raw.DemandRoles, "rehearing demandRoles", "rehearing", required: true);
            var answer = ReadRoles(raw.AnswerRoles, "rehearing answerRoles", "rehearing", required: true);
            if (!DurationSpec.TryParse(raw.AnswerDeadline, out var deadline))
            {
                Error(null, $"rehearing: malformed answerDeadline '{raw.AnswerDeadline}': write \"P7D\" or \"profile:rehearingAnswerDays\"");
            }

            return new RehearingRule(demand, answer, deadline);
        }
    }
}
