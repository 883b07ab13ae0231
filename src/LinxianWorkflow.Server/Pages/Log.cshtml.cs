using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Features.Audit;
using LinxianWorkflow.Server.Web;
using Mediator;

namespace LinxianWorkflow.Server.Pages;

/// <summary>The public log: its verifier key (to keep), its latest signed checkpoint, what each township witnessed.</summary>
public sealed class LogModel(ISender sender, LogQueries logStore, LogIdentity identity) : AppPageModel
{
    protected override bool RequiresSignIn => false;

    public string Verifier => identity.Verifier?.ToString() ?? "";

    public string? Checkpoint { get; private set; }

    public IReadOnlyList<WitnessedView> Witnessed { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Checkpoint = (await logStore.LatestCheckpointAsync(HttpContext.RequestAborted))?.Note;
        Witnessed = await sender.Send(new ListWitnessed(), HttpContext.RequestAborted);
    }
}
