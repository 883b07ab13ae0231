using System.Globalization;
using System.Text;
using Dapper;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Features.Overview;

/// <summary>Proposals counted by where they stand: township, step, status and result, category and amount band.</summary>
public sealed class StandingCount
{
    public string Township { get; set; } = "";
    public string Step { get; set; } = "";
    public string Status { get; set; } = "";
    public string? Result { get; set; }
    public string Category { get; set; } = "";
    public int Band { get; set; }
    public long N { get; set; }
}

/// <summary>Running proposals past their deadline in one village.</summary>
public sealed class OverdueCount
{
    public string Township { get; set; } = "";
    public string Village { get; set; } = "";
    public long N { get; set; }
}

/// <summary>Ended proposals that took <see cref="Bucket"/> tenths of a day from start to end.</summary>
public sealed class CloseTimeCount
{
    public int Bucket { get; set; }
    public long N { get; set; }
}

/// <summary>One counter of <c>overview_tallies</c>, summed over the townships asked for.</summary>
public sealed class TallyCount
{
    public string Metric { get; set; } = "";
    public string StepId { get; set; } = "";
    public int Bucket { get; set; }
    public long N { get; set; }
}

/// <summary>
/// The overview's queries: aggregates over the proposals table's indexes and the counters of <c>overview_tallies</c>
/// (which the commit keeps, <see cref="OverviewTally"/>), never a scan of the histories.
/// </summary>
public sealed class OverviewQueries(Database store)
{
    private const string TalliesSetting = "overview-tallies";

    /// <summary>The upper limits of the amount bands in yuan (the last band has none): band i holds amounts below limit i.</summary>
    public static readonly IReadOnlyList<long> AmountBandLimitsYuan = [10_000, 50_000, 200_000, 1_000_000];

    /// <summary>
    /// Proposals of <paramref name="townships"/> (null: everywhere) on the definitions <paramref name="keys"/> ("id@version") by
    /// township, step, status, result, category and amount band: one index-only aggregate (index proposals_overview_procedure).
    /// </summary>
    public async Task<List<StandingCount>> StandingCountsAsync(IReadOnlyCollection<string>? townships, IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        var band = new StringBuilder("CASE");
        for (var i = 0; i < AmountBandLimitsYuan.Count; i++)
        {
            band.Append(CultureInfo.InvariantCulture, $" WHEN amount_fen < {AmountBandLimitsYuan[i] * 100} THEN {i}");
        }

        band.Append(CultureInfo.InvariantCulture, $" ELSE {AmountBandLimitsYuan.Count} END");
        return await OverviewQueryAsync<StandingCount>(
            $"SELECT township_code AS township, current_step AS step, status, result, category, {band} AS band, COUNT(*) AS n FROM proposals " +
            $"WHERE {{0}} AND {store.AnyOf("definition_key", "keys")} GROUP BY 1, 2, 3, 4, 5, 6",
            townships, ct, keys);
    }

    /// <summary>Running proposals on the definitions <paramref name="keys"/> past a deadline, by township and village (a partial index holds exactly these).</summary>
    public Task<List<OverdueCount>> OverdueCountsAsync(IReadOnlyCollection<string>? townships, IReadOnlyCollection<string> keys, CancellationToken ct = default) =>
        OverviewQueryAsync<OverdueCount>(
            "SELECT township_code AS township, village_code AS village, COUNT(*) AS n FROM proposals WHERE overdue AND status = 'running' AND {0} " +
            $"AND {store.AnyOf("definition_key", "keys")} GROUP BY township_code, village_code",
            townships, ct, keys);

    /// <summary>
    /// The overview's counters (<see cref="OverviewTally"/>) summed over <paramref name="townships"/>, of the steps
    /// <paramref name="stepIds"/> (null: every step). The counters are kept per step, not per procedure: a procedure's are those of its steps.
    /// </summary>
    public Task<List<TallyCount>> TallyCountsAsync(IReadOnlyCollection<string>? townships, IReadOnlyCollection<string>? stepIds = null, CancellationToken ct = default) =>
        OverviewQueryAsync<TallyCount>(
            $"SELECT metric, step_id, bucket, CAST(SUM(n) AS bigint) AS n FROM overview_tallies WHERE {{0}} AND {(stepIds is null ? "1 = 1" : store.AnyOf("step_id", "keys"))} " +
            "GROUP BY metric, step_id, bucket",
            townships, ct, stepIds);

    /// <summary>
    /// Ended proposals on the definitions <paramref name="keys"/> by how long they took from start to end, in whole tenths of a
    /// day (the time to close): a few hundred buckets at most, whatever the number of proposals.
    /// </summary>
    public Task<List<CloseTimeCount>> CloseTimesAsync(IReadOnlyCollection<string>? townships, IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        var days = store.IsPostgres
            ? "EXTRACT(EPOCH FROM (step_entered_at - started_at)) / 86400"
            : "(julianday(step_entered_at) - julianday(started_at))";
        return OverviewQueryAsync<CloseTimeCount>(
            $"SELECT CAST(FLOOR({days} * 10) AS integer) AS bucket, COUNT(*) AS n FROM proposals WHERE status = 'ended' AND {{0}} " +
            $"AND {store.AnyOf("definition_key", "keys")} GROUP BY 1",
            townships, ct, keys);
    }

    private async Task<List<T>> OverviewQueryAsync<T>(string sql, IReadOnlyCollection<string>? townships, CancellationToken ct, IReadOnlyCollection<string>? keys = null)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<T>(new CommandDefinition(
            string.Format(CultureInfo.InvariantCulture, sql, townships is null ? "1 = 1" : store.AnyOf("township_code", "townships")),
            new { townships = townships?.ToArray(), keys = keys?.ToArray() }, cancellationToken: ct))];
    }

    /// <summary>
    /// Fills <c>overview_tallies</c> from the events once (the first start after migration 0010 made it): counted again from every
    /// proposal's history under a lock that holds commits back, so a command committed meanwhile is counted exactly once.
    /// </summary>
    public async Task RefillTalliesAsync(CancellationToken ct = default)
    {
        if (await store.GetSettingAsync(TalliesSetting, ct) is not null)
        {
            return;
        }

        await using var connection = await store.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (store.IsPostgres)
        {
            await connection.ExecuteAsync("LOCK TABLE overview_tallies IN EXCLUSIVE MODE", transaction: tx);
        }

        if (await connection.QuerySingleOrDefaultAsync<string>("SELECT value FROM settings WHERE key = @key", new { key = TalliesSetting }, tx) is not null)
        {
            return; // another node did it while this one waited for the lock
        }

        await connection.ExecuteAsync("DELETE FROM overview_tallies", transaction: tx);
        var totals = new SortedDictionary<(string, string, string, int), long>();
        var events = new List<RecordedEvent>();
        (string Id, string Township) current = ("", "");
        void Flush()
        {
            foreach (var t in OverviewTally.Of(current.Township, null, default, null, events))
            {
                var key = (t.TownshipCode, t.Metric, t.StepId, t.Bucket);
                totals[key] = totals.GetValueOrDefault(key) + t.N;
            }

            events.Clear();
        }

        var rows = connection.Query<(string Township, string InstanceId, string Record)>(
            $"SELECT p.township_code, e.instance_id, e.record FROM events e JOIN proposals p ON p.id = e.instance_id WHERE {store.AnyOf("e.type", "types")} ORDER BY e.instance_id, e.seq",
            new { types = OverviewTally.EventTypes.ToArray() }, tx, buffered: false);
        foreach (var (township, instanceId, record) in rows)
        {
            if (instanceId != current.Id)
            {
                Flush();
                current = (instanceId, township);
            }

            events.Add(EventCodec.Decode(record));
        }

        Flush();
        foreach (var chunk in totals.Chunk(1000))
        {
            var b = new Database.Batch();
            b.Values("overview_tallies", ["township_code", "metric", "step_id", "bucket", "n"], chunk, t => [t.Key.Item1, t.Key.Item2, t.Key.Item3, t.Key.Item4, t.Value]);
            await connection.ExecuteAsync(b.Sql, b.Args, tx);
        }

        await connection.ExecuteAsync(
            "INSERT INTO settings (key, value) VALUES (@key, @value)", new { key = TalliesSetting, value = totals.Count.ToString(CultureInfo.InvariantCulture) }, tx);
        await tx.CommitAsync(ct);
    }
}
