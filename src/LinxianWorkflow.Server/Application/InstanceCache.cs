using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace LinxianWorkflow.Server.Application;

/// <summary>
/// The last state this node folded for each proposal, with its version and last hash, so a command does not
/// re-read and re-decode the whole stream. It is used only when the read row says the stream is still at
/// that version (another node's commit moves the row on, and the stream is read again); the database's
/// (proposal, seq) key stays the guard. Bounded: a memory cache of <see cref="Capacity"/> entries; when full it compacts
/// in the background (least recently used first) and meanwhile folds from the stream, never clearing what is in use.
/// </summary>
public sealed class InstanceCache : IDisposable
{
    public const int Capacity = 20_000;

    private readonly MemoryCache _states = new(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.1 });

    public bool TryGet(string id, int version, out InstanceState state, out string lastHash)
    {
        if (_states.TryGetValue<(InstanceState State, string LastHash)>(id, out var entry) && entry.State.Version == version)
        {
            (state, lastHash) = entry;
            return true;
        }

        (state, lastHash) = (InstanceState.Empty, EventCodec.GenesisHash);
        return false;
    }

    public void Set(string id, InstanceState state, string lastHash) =>
        _states.Set(id, (state, lastHash), new MemoryCacheEntryOptions { Size = 1 });

    public void Forget(string id) => _states.Remove(id);

    public void Dispose() => _states.Dispose();

    /// <summary>The proposal's state and last hash: the cached fold when <paramref name="row"/> says the stream has not moved, else the stream itself.</summary>
    public async Task<(InstanceState State, string LastHash)> LoadAsync(Database store, string id, ProposalRow? row, CancellationToken ct)
    {
        if (row is not null && TryGet(id, row.Version, out var state, out var lastHash))
        {
            return (state, lastHash);
        }

        var stored = await store.LoadEventsAsync(id, ct);
        state = InstanceState.From(stored.Select(e => EventCodec.Decode(e.Record)));
        lastHash = stored.Count > 0 ? stored[^1].Hash : EventCodec.GenesisHash;
        if (stored.Count > 0)
        {
            Set(id, state, lastHash);
        }

        return (state, lastHash);
    }
}
