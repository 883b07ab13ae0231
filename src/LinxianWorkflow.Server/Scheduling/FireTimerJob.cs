using LinxianWorkflow.Server.Features.Timers;
using Mediator;

namespace LinxianWorkflow.Server.Scheduling;

/// <summary>The Hangfire job for one timer: ids only, one Mediator request, safe to run twice.</summary>
public sealed class FireTimerJob(ISender sender)
{
    public async Task RunAsync(string proposalId, string timerId) => await sender.Send(new FireDueTimer(proposalId, timerId));
}
