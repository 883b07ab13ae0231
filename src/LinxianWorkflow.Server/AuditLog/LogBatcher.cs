using System.Text;
using System.Text.Json;
using LinxianWorkflow.Audit;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>
/// Appends every event to the deployment's Merkle log in batches: every Audit:BatchSeconds (2 s) it takes
/// the commands not yet logged (their outbox rows, oldest first), appends each of their events as a leaf
/// (SHA-256(0x00 ‖ the event's stored record)), and signs a checkpoint of the new size, all in one
/// transaction; at once when a command published a disclosure (<see cref="LogNudge"/>). One batcher at a time
/// across nodes (an advisory lock on PostgreSQL).
/// </summary>
public sealed partial class LogBatcher(WorkflowStore store, LogKey key, LogNudge nudge, LogTree tree, TimeProvider time, IConfiguration configuration, ILogger<LogBatcher> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(configuration.GetValue("Audit:BatchSeconds", 2.0));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await nudge.WaitAsync(interval, stoppingToken); // the interval, or sooner after a disclosure
                try
                {
                    await store.WithLogLockAsync(AppendAsync, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogBatchFailed(log, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the next start continues from the outbox.
        }
    }

    private async Task AppendAsync(System.Data.Common.DbConnection connection)
    {
        var feed = await WorkflowStore.LogFeedAsync(connection, 500);
        if (feed.Count == 0)
        {
            return;
        }

        await tree.AppendAsync(connection, async levels =>
        {
            var leaves = new List<LogLeafRow>();
            foreach (var (_, instanceId, payload) in feed)
            {
                var range = JsonDocument.Parse(payload).RootElement;
                foreach (var (seq, record) in await WorkflowStore.EventRecordsAsync(connection, instanceId, range.GetProperty("from").GetInt32(), range.GetProperty("to").GetInt32()))
                {
                    var hash = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(record));
                    leaves.Add(new LogLeafRow { Position = levels.Count, InstanceId = instanceId, Seq = seq, LeafHash = Convert.ToHexStringLower(hash) });
                    levels.Append(hash);
                }
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
            await WorkflowStore.AppendLogAsync(connection, leaves, [.. feed.Select(f => f.Id)], checkpoint, now);
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending to the Merkle log failed; the next batch tries again")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception);
}
