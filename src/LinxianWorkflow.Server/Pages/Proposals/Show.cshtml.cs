using System.Globalization;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Noticeboard;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Http;
using LinxianWorkflow.Server.Resources;
using LinxianWorkflow.Server.Storage;
using LinxianWorkflow.Server.Web;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace LinxianWorkflow.Server.Pages.Proposals;

/// <summary>
/// A proposal's page: its facts, the workflow diagram, what the reader may do now (one form per action, each with the
/// records it decides on above its fields and the engine's hints beside them; a refused form comes back with its input
/// and the refusal in words), the attachments, and the history as sentences with their content.
/// </summary>
[RequestSizeLimit(Limits.AttachmentBytes + (64 * 1024))]
public sealed class ShowModel(ISender sender, WorkflowLibrary library, EventText eventText, Names names, IStringLocalizer<PageText> text) : AppPageModel
{
    public ProposalView View { get; private set; } = null!;

    public HistoryView History { get; private set; } = null!;

    public WorkflowDefinition Definition { get; private set; } = null!;

    public IReadOnlyList<EventLine> Lines { get; private set; } = [];

    public Diagram Diagram { get; private set; } = null!;

    /// <summary>The proposal's source as its definition names it.</summary>
    public string SourceName { get; private set; } = "";

    /// <summary>The proposal's category as its profile names it.</summary>
    public string CategoryName { get; private set; } = "";

    /// <summary>How often the history entered the current step.</summary>
    public int Attempt { get; private set; }

    /// <summary>What the last action did, in a sentence with its numbers, after a successful post.</summary>
    public string? Done { get; private set; }

    /// <summary>The form that was posted and refused (its element id), whose input is drawn again.</summary>
    public string? PostedForm { get; private set; }

    /// <summary>The idempotency key the posted form carried (kept when it is drawn again).</summary>
    public string? PostedKey { get; private set; }

    /// <summary>The step names of this definition (for choices that name a step).</summary>
    public IReadOnlyDictionary<string, string> StepNames { get; private set; } = new Dictionary<string, string>();

    public async Task OnGetAsync(string id, string? done)
    {
        await LoadAsync(id);
        if (done is not null && (done == "start" || names.KnowsAction(done)))
        {
            // The banner says what was recorded, from the record itself: the last thing that is not a timer's bookkeeping.
            var last = Lines.LastOrDefault(l => !l.Bookkeeping && l.Kind is not ("StepEntered" or "InstanceEnded" or "DeadlineEscalated"));
            Done = last?.Sentence;
        }
    }

    public async Task<IActionResult> OnPostActAsync(string id, string? name)
    {
        try
        {
            if (name is null || !ActionCatalog.Commands.TryGetValue(name, out var type))
            {
                throw ServerText.Problem(StatusCodes.Status400BadRequest, "action.unknown", "ActionUnknown", name ?? "", string.Join(", ", ActionCatalog.Commands.Keys.Order(StringComparer.Ordinal)));
            }

            var form = Request.Form;
            // The form's typed fields are the open action's (the definition's form); one no longer open is read bare.
            var about = form["objectionId"].ToString() is { Length: > 0 } objection ? objection : form["entry"].ToString();
            var open = (await sender.Send(new GetProposal(Caller, id), HttpContext.RequestAborted)).Actions
                .FirstOrDefault(a => ActionForms.FormId(a) == ActionForms.FormId(name, about));
            var json = ActionForms.ToJson(open ?? new ActionView(name, null, new Engine.LocalizedText("", "")), form, names.ExclusionReason);
            var command = (WorkflowCommand)RequestJson.Read(json, type);
            int? version = int.TryParse(form["_version"], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
            await sender.Send(new ActOnProposal(Caller, id, name, command, version, FormKey.Posted(Request)), HttpContext.RequestAborted);
            return Redirect($"/proposals/{Uri.EscapeDataString(id)}?done={Uri.EscapeDataString(name)}");
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
            PostedForm = ActionForms.FormId(name ?? "", Request.Form["objectionId"].ToString() is { Length: > 0 } o ? o : Request.Form["entry"].ToString());
            PostedKey = FormKey.Of(Request);
            if (problem.Rule == "store.outcome-unknown")
            {
                // Sent again as it was (same key, same version), the form gets the first answer if it was saved.
                PostedVersion = Request.Form["_version"].ToString();
            }

            try
            {
                await LoadAsync(id);
            }
            catch (Exception e) when (problem.Rule == "store.outcome-unknown" && Storage.StoreFailure.IsUnavailable(e))
            {
                throw problem; // the page cannot be drawn either: say the outcome is unknown, never "nothing was done"
            }

            return Page();
        }
    }

    /// <summary>The version a refused form is drawn with when its outcome is unknown (the posted one, so a resend replays).</summary>
    public string? PostedVersion { get; private set; }

    /// <summary>The version a form carries.</summary>
    public string VersionFor(ActionView action) =>
        PostedForm == ActionForms.FormId(action) && PostedVersion is { } posted ? posted : View.Version.ToString(CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnPostAttachmentsAsync(string id)
    {
        try
        {
            var (stepId, fileName, content, description) = await ProposalEndpoints.ReadUploadAsync(HttpContext);
            await sender.Send(new AttachDocumentUpload(Caller, id, stepId, fileName, content, description), HttpContext.RequestAborted);
            return Redirect($"/proposals/{Uri.EscapeDataString(id)}?done=attach-document");
        }
        catch (ProblemException problem)
        {
            Refuse(problem);
            PostedForm = "f-attach-document";
            await LoadAsync(id);
            return Page();
        }
    }

    /// <summary>The value a field shows: what was posted when this form was refused, else nothing.</summary>
    public string Value(ActionView action, string path) =>
        PostedForm == ActionForms.FormId(action) && Request.HasFormContentType ? Request.Form[path].ToString() : "";

    /// <summary>Whether a checkbox shows checked: as posted when this form was refused, else its default.</summary>
    public bool Checked(ActionView action, string path, string value, bool byDefault) =>
        PostedForm == ActionForms.FormId(action) && Request.HasFormContentType ? Request.Form[path].Contains(value) : byDefault;

    /// <summary>
    /// The words of a select's option: an outcome as the definition labels it (the page text's words where it gives none), a
    /// typed field's choice by its name, a step by its name, else the page text's.
    /// </summary>
    public string OptionName(ActionView action, ActionForms.Field field, int index)
    {
        var value = field.Options![index];
        if (field.Input?.ChoiceNames is { } choiceNames && index < choiceNames.Count)
        {
            return L(choiceNames[index]);
        }

        return field.Path == "outcome" && action.StepId is { } stepId
            ? OutcomeName(stepId, value)
            : StepNames.TryGetValue(value, out var stepName) ? stepName : names.Option(value);
    }

    /// <summary>An outcome of a step as the definition labels it; the page text's words where it gives none.</summary>
    public string OutcomeName(string stepId, string outcome) =>
        Definition.StepsById.TryGetValue(stepId, out var step) && step.Outcomes.TryGetValue(outcome, out var o) && o.Label is { } label
            ? L(label)
            : names.Option(outcome);

    /// <summary>
    /// The lines under a typed field: its help (or the names it must include), whether it is needed one per line, and
    /// the outcomes it belongs to when not every one.
    /// </summary>
    public IReadOnlyList<string> FieldHelp(ActionView action, ActionInputView input)
    {
        var lines = new List<string>();
        if (input.Kind == "names")
        {
            lines.Add(text["FieldNamesOnePerLine"].Value);
        }

        if (input.Help is { } help)
        {
            lines.Add(L(help));
        }

        if (input.For is { Count: > 0 } outcomes && action.StepId is { } stepId)
        {
            lines.Add(text[input.RequiredFor.Count > 0 ? "FieldForOutcomesRequired" : "FieldForOutcomes", string.Join("、", outcomes.Select(o => "「" + OutcomeName(stepId, o) + "」"))].Value);
        }

        return lines;
    }

    /// <summary>The key a form is drawn with: the posted one for the refused form (a retry is the same request), else a new one.</summary>
    public string KeyFor(ActionView action) => PostedForm == ActionForms.FormId(action) && PostedKey is { } key ? key : FormKey.New();

    /// <summary>
    /// The records an action decides on, shown above its fields: an objection's own thread for its answer or ruling; the
    /// demand and its meeting for a rehearing's answer; the meetings, tasks and files so far for a review, a
    /// countersignature, a notice or a correction.
    /// </summary>
    public IReadOnlyList<EventLine> Basis(ActionView action)
    {
        var objections = Lines.Where(l => l.Kind.StartsWith("Objection", StringComparison.Ordinal)).ToList();
        return action.Action switch
        {
            "answer-objection" or "rule-on-objection" or "escalate-objection" when action.ObjectionId is { } o =>
                [.. objections.Where(l => ObjectionOf(l.Sequence) == o)],
            "answer-rehearing" => [.. Lines.Where(l => l.Kind is "RehearingDemanded" or "MeetingRecorded").TakeLast(3)],
            // A typed form decides on the records kept so far: the parties registered, each session's record, earlier forms.
            "complete-task" =>
                [.. Lines.Where(l => l.Kind == nameof(EntryRecorded) || (l.Kind is nameof(ProposalStarted) or nameof(TaskCompleted) && l.Details.Count > 0))],
            "review" or "countersign" or "publish" or "intervene" or "close-disclosure" =>
                [.. Lines.Where(l => l.Kind is "MeetingRecorded" or "TaskCompleted" or "StepReviewed" or "ConcernRaised" or "DocumentAttached"
                    or "ObjectionLodged" or "ObjectionAnswered" or "ObjectionRuled" or "DisclosureCountersigned")],
            _ => [],
        };
    }

    private readonly Dictionary<int, string> _objectionOf = [];

    private string? ObjectionOf(int sequence) => _objectionOf.GetValueOrDefault(sequence);

    private async Task LoadAsync(string id)
    {
        var ct = HttpContext.RequestAborted;
        View = await sender.Send(new GetProposal(Caller, id), ct);
        History = await sender.Send(new GetHistory(Caller, id), ct);
        Definition = library.Catalog.Definitions.Values.First(d => d.Key == View.Definition);
        SourceName = Definition.Sources.FirstOrDefault(s => s.Id == View.Source) is { } source ? L(source.Name) : names.Option(View.Source);
        CategoryName = library.Catalog.Profiles.GetValueOrDefault($"{Definition.Id}/{View.Profile}")?.Categories.GetValueOrDefault(View.Category) is { } category
            ? L(category.Name)
            : names.Category(View.Category);
        var decoded = History.Events.Select(e => (Event: EventCodec.Decode(e.RecordText), e.Hash)).ToList();
        foreach (var (e, _) in decoded)
        {
            var objection = e.Data switch
            {
                ObjectionLodged x => x.ObjectionId,
                ObjectionAnswered x => x.ObjectionId,
                ObjectionEscalated x => x.ObjectionId,
                ObjectionRuled x => x.ObjectionId,
                _ => null,
            };
            if (objection is not null)
            {
                _objectionOf[e.Sequence] = objection;
            }
        }

        // Contacts objectors left are not in the history; those who answer see them beside the objection.
        var contacts = await sender.Send(new GetObjectionContacts(Caller, id), ct);
        Lines = [.. eventText.Lines(View.Id, Definition, decoded).Select(l => l.Kind == nameof(ObjectionLodged) && ObjectionOf(l.Sequence) is { } o && contacts.TryGetValue(o, out var contact)
            ? l with { Texts = [.. l.Texts, (text["ObjectorContact"].Value, contact ?? text["ObjectorContactErased"].Value)] }
            : l)];
        // How often the history entered each step: once is the ordinary path, more is a step returned and taken again.
        var entered = decoded.Select(e => e.Event.Data).OfType<StepEntered>().GroupBy(s => s.StepId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Attempt = entered.GetValueOrDefault(View.CurrentStep.Id);
        Diagram = Diagram.Of(Definition, View.CurrentStep.Id, View.Status == "ended", entered);
        StepNames = Definition.Steps.Where(s => s.Kind != StepKind.End).ToDictionary(s => s.Id, s => L(s.Name), StringComparer.Ordinal);
    }
}

/// <summary>One action's form on the proposal page, with the page it is drawn on.</summary>
public sealed record ActionFormView(ShowModel Page, ActionView Action);
