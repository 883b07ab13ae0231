namespace LinxianWorkflow.Server.AuditLog;

/// <summary>
/// Wakes the log batcher before its next tick: a command that published a disclosure asks for a checkpoint
/// right away, so the notice can show the checkpoint that includes it within moments (issue 5).
/// </summary>
public sealed class LogNudge : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Nudge()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already nudged: one batch covers both.
        }
    }

    /// <summary>Waits for a nudge or the interval, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan interval, CancellationToken ct) => _signal.WaitAsync(interval, ct);

    public void Dispose() => _signal.Dispose();
}
