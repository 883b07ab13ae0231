using System.Data.Common;
using LinxianWorkflow.Audit;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.AuditLog;

/// <summary>
/// The log's Merkle tree in memory (<see cref="MerkleLevels"/>: every complete subtree kept), loaded from
/// log_leaves at first use and topped up from it (another node may have appended), so a proof costs
/// O(log² n) hashes rather than reading and rehashing every leaf. One gate serialises the batcher's appends
/// and the readers. If a batch fails to commit, the tree is dropped and reloaded from the table.
/// </summary>
public sealed class LogTree(Database store) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private MerkleLevels _tree = new();

    /// <summary>Runs <paramref name="read"/> on a tree holding at least <paramref name="size"/> leaves.</summary>
    public async Task<T> ReadAsync<T>(long size, Func<MerkleLevels, T> read, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_tree.Count < size)
            {
                await using var connection = await store.OpenAsync(ct);
                await TopUpAsync(connection);
            }

            return read(_tree);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The batcher's turn: the tree topped up from <paramref name="connection"/>, then <paramref name="append"/>
    /// adds leaves and commits them; when it throws, the in-memory tree is dropped (the table is the truth).
    /// </summary>
    public async Task AppendAsync(DbConnection connection, Func<MerkleLevels, Task> append)
    {
        await _gate.WaitAsync();
        try
        {
            await TopUpAsync(connection);
            await append(_tree);
        }
        catch
        {
            _tree = new MerkleLevels();
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task TopUpAsync(DbConnection connection)
    {
        foreach (var hash in await LogQueries.LeafHashesAfterAsync(connection, _tree.Count))
        {
            _tree.Append(Convert.FromHexString(hash.Trim()));
        }
    }

    public void Dispose() => _gate.Dispose();
}
