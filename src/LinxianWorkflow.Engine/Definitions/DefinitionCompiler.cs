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
        return errors.Count == 0 ? (definition, errors) : (null, errors);
    }

    private sealed class Builder(string file, List<DefinitionError> errors)
    {
        private void Error(string? step, string message) => errors.Add(new DefinitionError(file, step, message));

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
            };
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

                outcomes[outcomeName] = new Outcome(outcomeName, outcome.To, outcome.RequiresReason, outcome.Unless, outcomeKind.Value);
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

                timers.Add(new TimerDefinition(timer.Id, timerKind.Value, anchor.Value, duration, reminder, expiry.Value));
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

            foreach (var role in raw.Where(r => !Roles.All.Contains(r)))
            {
                Error(step, $"'{field}' names unknown role '{role}': use one of {string.Join(", ", Roles.All.Order())}");
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
