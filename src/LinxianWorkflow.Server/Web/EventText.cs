using System.Globalization;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Resources;
using Microsoft.Extensions.Localization;

namespace LinxianWorkflow.Server.Web;

/// <summary>One record of a proposal's history as a person reads it: a sentence with the numbers, then the details and the texts it carries.</summary>
/// <param name="Sequence">The event's position in the proposal's chain.</param>
/// <param name="At">When it was recorded.</param>
/// <param name="Actor">Who recorded it (a name).</param>
/// <param name="Kind">The event type, for styling and tests ("MeetingRecorded").</param>
/// <param name="Sentence">What happened, with its numbers ("党员大会：应到 45 人，实到 38 人，同意 30 人，表决通过").</param>
/// <param name="Verdict">For a meeting: passed, failed or no-quorum.</param>
/// <param name="Details">Facts beside the sentence (label, value).</param>
/// <param name="Texts">The texts it carries: minutes, reasons, an objection, a notice (label, text).</param>
/// <param name="Link">A file it attached (its address), if any.</param>
/// <param name="Bookkeeping">A timer's own record (set, cancelled, fired): folded away by default.</param>
/// <param name="Hash">The event's hash.</param>
public sealed record EventLine(
    int Sequence, DateTimeOffset At, string Actor, string Kind, string Sentence, string? Verdict,
    IReadOnlyList<(string Label, string Value)> Details, IReadOnlyList<(string Label, string Text)> Texts, string? Link, bool Bookkeeping, string Hash);

/// <summary>Turns recorded events into <see cref="EventLine"/>s in the reader's language, from the page text's "Ev.*" sentences.</summary>
public sealed class EventText(IStringLocalizer<PageText> text, Names names)
{
    private string T(string key, params object[] args) => text[key, args].Value;

    /// <summary>The proposal's records in order; <paramref name="definition"/> names its steps and interventions.</summary>
    public IReadOnlyList<EventLine> Lines(string proposalId, WorkflowDefinition definition, IEnumerable<(RecordedEvent Event, string Hash)> events)
    {
        // A step's n-th entry is counted here (the event's visit number counts every entry of every step).
        var entries = new Dictionary<string, int>(StringComparer.Ordinal);
        return [.. events.Select(e => Line(proposalId, definition, e.Event, e.Hash,
            e.Event.Data is StepEntered entered ? entries[entered.StepId] = entries.GetValueOrDefault(entered.StepId) + 1 : 0))];
    }

    private string Step(WorkflowDefinition definition, string stepId) =>
        definition.StepsById.TryGetValue(stepId, out var step) ? AppPageModel.L(step.Name) : names.Step(stepId);

    private static string Yuan(decimal amount) => PageFormat.Money(amount);

    /// <summary>An outcome as the definition labels it; the page text's words where it gives none.</summary>
    private string Outcome(WorkflowDefinition definition, string stepId, string outcome) =>
        definition.StepsById.TryGetValue(stepId, out var step) && step.Outcomes.TryGetValue(outcome, out var o) && o.Label is { } label
            ? AppPageModel.L(label)
            : names.Option(outcome);

    /// <summary>A source as the definition names it; the page text's words where it does not.</summary>
    private string Source(WorkflowDefinition definition, string source) =>
        definition.Sources.FirstOrDefault(s => s.Id == source) is { } named ? AppPageModel.L(named.Name) : names.Option(source);

    /// <summary>
    /// A typed form's values in the form's order, labelled as the definition labels them: names listed, yes or no, a
    /// choice by its name; long texts among the texts, the rest among the facts. A value the form does not know is shown
    /// under its id.
    /// </summary>
    private void FormLines(FormDefinition form, IReadOnlyDictionary<string, string> values, List<(string, string)> details, List<(string, string)> texts)
    {
        foreach (var field in form.Fields.Where(f => values.ContainsKey(f.Id)))
        {
            var value = values[field.Id];
            var label = AppPageModel.L(field.Name);
            switch (field.Type)
            {
                case FieldType.LongText:
                    texts.Add((label, value));
                    break;
                case FieldType.Names:
                    details.Add((label, string.Join("、", FormCheck.NamesOf(value))));
                    break;
                case FieldType.Boolean:
                    details.Add((label, T(value == "true" ? "Choice.yes" : "Choice.no")));
                    break;
                case FieldType.Choice:
                    details.Add((label, field.Options.FirstOrDefault(o => o.Id == value) is { } option ? AppPageModel.L(option.Name) : value));
                    break;
                default:
                    details.Add((label, value));
                    break;
            }
        }

        foreach (var (id, value) in values.Where(v => form.Field(v.Key) is null).OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            details.Add((id, value));
        }
    }

    private EventLine Line(string proposalId, WorkflowDefinition definition, RecordedEvent e, string hash, int entry)
    {
        var details = new List<(string, string)>();
        var texts = new List<(string, string)>();
        string? verdict = null;
        string? link = null;
        var bookkeeping = false;
        string sentence;
        switch (e.Data)
        {
            case ProposalStarted s when s.Form is { Count: > 0 } form:
                // A procedure with a start form (a dispute and its parties) is registered, not proposed: its own name, no amount.
                sentence = T("Ev.CaseStarted", AppPageModel.L(definition.Name), s.Title, names.Area(s.VillagePath), names.Category(s.Category), Source(definition, s.Source));
                texts.Add((T("Summary"), s.Summary));
                FormLines(definition.StartForm, form, details, texts);
                break;
            case ProposalStarted s:
                sentence = T("Ev.ProposalStarted", s.Title, names.Area(s.VillagePath), names.Category(s.Category), Yuan(s.AmountYuan), Source(definition, s.Source));
                texts.Add((T("Summary"), s.Summary));
                break;
            case EntryRecorded s:
                var entryForm = definition.StepsById.TryGetValue(s.StepId, out var entryStep) && entryStep.Entries.TryGetValue(s.Entry, out var entryDefinition)
                    ? entryDefinition : null;
                var facts = new List<(string, string)>();
                FormLines(entryForm?.Form ?? FormDefinition.Empty, s.Form, facts, texts);
                var entryName = entryForm is null ? s.Entry : AppPageModel.L(entryForm.Name);
                sentence = facts.Count == 0
                    ? T("Ev.EntryRecordedBare", entryName)
                    : T("Ev.EntryRecorded", entryName, string.Join("；", facts.Select(f => $"{f.Item1} {f.Item2}")));
                break;
            case StepEntered s:
                sentence = entry > 1 ? T("Ev.StepEnteredAgain", Step(definition, s.StepId), entry) : T("Ev.StepEntered", Step(definition, s.StepId));
                break;
            case StepSkipped s:
                sentence = T("Ev.StepSkipped", Step(definition, s.StepId));
                break;
            case TaskCompleted s:
                sentence = T("Ev.TaskCompleted", Step(definition, s.StepId), Outcome(definition, s.StepId, s.Outcome));
                if (s.Form is { Count: > 0 } taskForm && definition.StepsById.TryGetValue(s.StepId, out var taskStep))
                {
                    FormLines(taskStep.Form, taskForm, details, texts);
                }

                AddText(texts, "Note", s.Note);
                break;
            case MeetingRecorded m:
                var r = m.Record;
                verdict = Projection.Kebab(m.Verdict);
                sentence = T("Ev.MeetingRecorded", names.Option(r.MeetingKind), m.Due, r.Present, r.Yes, r.No, r.Abstain, names.Option(verdict));
                details.Add((T("HeldAt"), PageFormat.ChinaTime(r.HeldAt)));
                if (r.NoticeGivenAt is { } notice)
                {
                    details.Add((T("NoticeGivenAt"), PageFormat.ChinaTime(notice)));
                }

                details.Add((T("Members"), r.Members.ToString(CultureInfo.InvariantCulture)));
                if (r.Exclusions.Count > 0)
                {
                    details.Add((T("ExclusionsShort"), string.Join("；", r.Exclusions.Select(x => $"{x.Member}（{names.Option(x.Reason)}）"))));
                }

                details.Add((T("RuleNumbers"), T(m.PassBase == Engine.Rules.CountBase.Due ? "Ev.RuleDue" : "Ev.RulePresent", m.QuorumRequired, m.PassRequired)));
                if (m.Attempt > 1)
                {
                    details.Add((T("Attempt"), m.Attempt.ToString(CultureInfo.InvariantCulture)));
                }

                AddDetail(details, "TownshipAttendee", r.TownshipAttendee);
                AddDetail(details, "EmergencyReason", r.EmergencyReason);
                if (r.ImplementationDueBy is { } by)
                {
                    details.Add((T("ImplementationDueBy"), by.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
                }

                texts.Add((T("Minutes"), r.Minutes));
                break;
            case StepReviewed s:
                sentence = T("Ev.StepReviewed", Step(definition, s.StepId), names.Option(Projection.Kebab(s.Decision)));
                AddText(texts, "Reasons", s.Reasons);
                break;
            case DisclosureCountersigned s:
                sentence = T("Ev.DisclosureCountersigned", Step(definition, s.StepId));
                AddText(texts, "Opinion", s.Opinion);
                break;
            case DisclosurePublished s:
                sentence = T("Ev.DisclosurePublished", s.PeriodDays, PageFormat.ChinaTime(s.ClosableFrom));
                details.Add((T("Channels"), string.Join("、", s.Channels)));
                texts.Add((T("NoticeText"), s.NoticeText));
                break;
            case ObjectionLodged s:
                sentence = T("Ev.ObjectionLodged", s.ObjectionId);
                texts.Add((T("ObjectionTextShort"), s.Text));
                break;
            case ObjectionAnswered s:
                sentence = T("Ev.ObjectionAnswered", s.ObjectionId, names.Option(Projection.Kebab(s.Ruling)));
                texts.Add((T("Answer"), s.Answer));
                break;
            case ObjectionEscalated s:
                sentence = T(s.ByDeadline ? "Ev.ObjectionEscalatedLate" : "Ev.ObjectionEscalated", s.ObjectionId);
                texts.Add((T("Reason"), s.Reason));
                break;
            case ObjectionRuled s:
                sentence = T("Ev.ObjectionRuled", s.ObjectionId, names.Option(Projection.Kebab(s.Ruling)));
                texts.Add((T("Reasons"), s.Reasons));
                break;
            case DisclosureClosed s:
                sentence = T("Ev.DisclosureClosed", Step(definition, s.StepId));
                break;
            case ProgressReported s:
                sentence = s.CostYuan is { } cost
                    ? T("Ev.ProgressReportedCost", names.Option(s.Stage), Yuan(cost))
                    : T("Ev.ProgressReported", names.Option(s.Stage));
                texts.Add((T("Summary"), s.Summary));
                break;
            case ImplementationCompleted s:
                sentence = T("Ev.ImplementationCompleted", Yuan(s.TotalCostYuan));
                texts.Add((T("Summary"), s.Summary));
                break;
            case InterventionApplied s:
                sentence = T("Ev.InterventionApplied",
                    definition.Interventions.TryGetValue(s.InterventionId, out var intervention) ? AppPageModel.L(intervention.Name) : s.InterventionId, Step(definition, s.AtStep));
                texts.Add((T("Reason"), s.Reason));
                break;
            case RehearingDemanded s:
                sentence = T("Ev.RehearingDemanded", Step(definition, s.TargetStepId), s.DemandId);
                texts.Add((T("Reasons"), s.Reasons));
                break;
            case RehearingAnswered s:
                sentence = T(s.Accepted ? "Ev.RehearingAccepted" : "Ev.RehearingDeclined", s.DemandId);
                texts.Add((T("Answer"), s.Answer));
                break;
            case ConcernRaised s:
                sentence = T("Ev.ConcernRaised", Step(definition, s.StepId));
                texts.Add((T("ConcernText"), s.Text));
                break;
            case DocumentAttached s:
                sentence = T("Ev.DocumentAttached", s.FileName, s.SizeBytes.ToString("#,0", CultureInfo.InvariantCulture), s.MediaType);
                link = $"/api/proposals/{Uri.EscapeDataString(proposalId)}/attachments/{s.Sha256}";
                details.Add(("SHA-256", s.Sha256));
                AddText(texts, "Note", s.Description);
                break;
            case DeadlineEscalated s:
                sentence = T("Ev.DeadlineEscalated", Step(definition, s.StepId));
                break;
            case InstanceEnded s:
                sentence = T("Ev.InstanceEnded", Step(definition, s.StepId), names.Option(Projection.Kebab(s.Result)));
                break;
            case InstanceMigrated s:
                sentence = T("Ev.InstanceMigrated", s.FromVersion, s.ToVersion, Step(definition, s.ToStep));
                details.Add((T("MigrationProfile"), $"{s.ProfileId} v{s.FromProfileVersion} → v{s.ToProfileVersion}"));
                if (s.StepMapping.Count > 0)
                {
                    details.Add((T("MigrationMapping"), string.Join("；", s.StepMapping.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} → {Step(definition, m.Value)}"))));
                }

                texts.Add((T("Reason"), s.Reason));
                break;
            case TimerScheduled s:
                bookkeeping = true;
                sentence = T("Ev.TimerScheduled", Step(definition, s.StepId), names.Option(Projection.Kebab(s.Purpose)), PageFormat.ChinaTime(s.DueAt));
                break;
            case TimerCancelled s:
                bookkeeping = true;
                sentence = T("Ev.TimerCancelled", s.TimerId);
                break;
            case TimerFired s:
                bookkeeping = true;
                sentence = T("Ev.TimerFired", names.Option(Projection.Kebab(s.Purpose)));
                break;
            default:
                sentence = e.Data.GetType().Name;
                break;
        }

        return new EventLine(e.Sequence, e.At, e.ActorName, e.Data.GetType().Name, sentence, verdict, details, texts, link, bookkeeping, hash);
    }

    private void AddDetail(List<(string, string)> details, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            details.Add((T(label), value));
        }
    }

    private void AddText(List<(string, string)> texts, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            texts.Add((T(label), value));
        }
    }
}
