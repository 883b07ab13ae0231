using LinxianWorkflow.Audit;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Storage;
using LinxianWorkflow.Server.Web;
using Mediator;

namespace LinxianWorkflow.Server.Pages.Proposals;

/// <summary>One step as the dossier files it: when it was entered and the records made in it, in order.</summary>
/// <param name="StepId">The step.</param>
/// <param name="Entered">The record that entered it (null for what came before the first step).</param>
/// <param name="Lines">The records made while the proposal stood at it (timer bookkeeping left to the appendix).</param>
public sealed record DossierSection(string? StepId, EventLine? Entered, IReadOnlyList<EventLine> Lines);

/// <summary>
/// 议题档案 as an auditor files it, printable on A4: a cover page (the matter, the village by name, the outcome, the
/// log checkpoint it is proved against), then every step with its records in Chinese sentences with their content,
/// then the verification appendix (each record's hash and log position; the signed checkpoint, the
/// townships' witnessed checkpoints; how to verify offline).
/// </summary>
public sealed class DossierModel(ISender sender, WorkflowLibrary library, EventText eventText, TimeProvider time) : AppPageModel
{
    public ProposalView View { get; private set; } = null!;

    public Dossier Dossier { get; private set; } = null!;

    public IReadOnlyList<EventLine> Lines { get; private set; } = [];

    public IReadOnlyList<DossierSection> Sections { get; private set; } = [];

    public Checkpoint? Checkpoint { get; private set; }

    public DateTimeOffset PrintedAt { get; private set; }

    public async Task OnGetAsync(string id)
    {
        var ct = HttpContext.RequestAborted;
        View = await sender.Send(new GetProposal(Caller, id), ct);
        Dossier = await sender.Send(new ExportDossier(Caller, id), ct);
        var definition = library.Catalog.Definitions.Values.First(d => d.Key == View.Definition);
        var decoded = Dossier.Events.Select(e => (Event: EventCodec.Decode(e.RecordText), e.Hash)).ToList();
        Lines = eventText.Lines(View.Id, definition, decoded);
        Checkpoint = SignedNote.UnverifiedText(Dossier.Checkpoint) is { } text ? Checkpoint.Parse(text) : null;
        PrintedAt = time.GetUtcNow();

        var sections = new List<DossierSection>();
        var current = new List<EventLine>();
        (string? Step, EventLine? Entered) open = (null, null);
        for (var i = 0; i < Lines.Count; i++)
        {
            if (decoded[i].Event.Data is StepEntered entered && definition.StepsById.TryGetValue(entered.StepId, out var step) && step.Kind != StepKind.End)
            {
                sections.Add(new DossierSection(open.Step, open.Entered, current));
                (open, current) = ((entered.StepId, Lines[i]), []);
            }
            else if (!Lines[i].Bookkeeping && Lines[i].Kind != "StepEntered")
            {
                current.Add(Lines[i]);
            }
        }

        sections.Add(new DossierSection(open.Step, open.Entered, current));
        Sections = sections;
    }

    /// <summary>The log position of each record (by sequence).</summary>
    public long PositionOf(int sequence) => Dossier.Events.First(e => e.Sequence == sequence).Position;
}
