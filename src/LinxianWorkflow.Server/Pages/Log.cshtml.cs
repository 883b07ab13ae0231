using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Features.Audit;
using LinxianWorkflow.Server.Storage;
using LinxianWorkflow.Server.Web;
using Mediator;

namespace LinxianWorkflow.Server.Pages;

/// <summary>The public log: its verifier key (to keep), its latest signed checkpoint, what each township witnessed.</summary>
public sealed class LogModel(ISender sender, WorkflowStore store, LogIdentity identity) : AppPageModel
{
    protected override bool RequiresSignIn => false;

    public string Verifier => identity.Verifier?.ToString() ?? "";

    public string? Checkpoint { get; private set; }

    public IReadOnlyList<WitnessedView> Witnessed { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Checkpoint = (await store.LatestCheckpointAsync(HttpContext.RequestAborted))?.Note;
        Witnessed = await sender.Send(new ListWitnessed(), HttpContext.RequestAborted);
    }
}
