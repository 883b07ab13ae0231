using System.Text;
using LinxianWorkflow.Audit;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>
/// Appends every event to the deployment's Merkle log in batches: every Audit:BatchSeconds (2 s) it takes
/// the commands not yet logged (their outbox rows, oldest first), appends each of their events as a leaf
/// (SHA-256(0x00 ‖ the event's stored record)), and signs a checkpoint of the new size, all in one
/// transaction; at once when a command published a disclosure (<see cref="LogNudge"/>). One batcher at a time
/// across nodes (an advisory lock on PostgreSQL). Before each batch <see cref="LogIdentity"/> checks this node may
/// sign; once it may not, the batcher stops and the events wait in the outbox for a node that may.
/// </summary>
public sealed partial class LogBatcher(LogQueries logStore, LogKey key, LogIdentity identity, LogNudge nudge, LogTree tree, TimeProvider time, IConfiguration configuration, ILogger<LogBatcher> log)
    : BackgroundService
{
    private const int FeedLimit = 2000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Audit:BatchSeconds", 2.0));
        var spacing = TimeSpan.FromSeconds(configuration.GetValue("Audit:MinBatchSeconds", 0.25));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await nudge.WaitAsync(interval, stoppingToken); // the interval, or sooner after a disclosure
                try
                {
                    // Drain: a full batch means more are waiting.
                    var appended = FeedLimit;
                    while (appended == FeedLimit && identity.Refusal is null && !stoppingToken.IsCancellationRequested)
                    {
                        appended = 0;
                        await logStore.WithLockAsync(async c => appended = await AppendAsync(c), stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogBatchFailed(log, e);
                }

                // Nudges arriving meanwhile are served together, at most one batch per spacing.
                await Task.Delay(spacing, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the next start continues from the outbox.
        }
    }

    /// <summary>One batch; returns how many commands it took from the feed.</summary>
    private async Task<int> AppendAsync(System.Data.Common.DbConnection connection)
    {
        var feed = await LogQueries.FeedAsync(connection, FeedLimit);
        if (feed.Count == 0)
        {
            return 0;
        }

        var commands = feed.Select(f => f.OutboxId).Distinct().ToList();
        (long Size, byte[] Root)? signed = null;
        await tree.AppendAsync(connection, async levels =>
        {
            if (!await identity.MaySignAsync(connection, levels))
            {
                return;
            }

            var leaves = new List<LogLeafRow>();
            foreach (var e in feed.Where(f => f.Record is not null))
            {
                var hash = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(e.Record!));
                leaves.Add(new LogLeafRow { Position = levels.Count, InstanceId = e.InstanceId, Seq = e.Seq!.Value, LeafHash = Convert.ToHexStringLower(hash) });
                levels.Append(hash);
            }

            var root = levels.Root(levels.Count);
            var now = time.GetUtcNow();
            var checkpoint = new CheckpointRow
            {
                Size = levels.Count,
                Root = Convert.ToHexStringLower(root),
                Note = key.Sign(new Checkpoint(key.Origin, levels.Count, root)),
                CreatedAt = now,
            };
            await LogQueries.AppendAsync(connection, leaves, commands, checkpoint, now);
            signed = (levels.Count, root);
        });
        if (signed is var (size, signedRoot))
        {
            identity.RememberSigned(size, signedRoot);
            return commands.Count;
        }

        return 0;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending to the Merkle log failed; the next batch tries again")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception);
}
