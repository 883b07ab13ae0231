using Dapper;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>
/// The published disclosures: a village's noticeboard, the search by title, one notice, and the open-data export. Every
/// statement reads only proposals on a public definition (<see cref="PublicProcedures.PublicKeys"/>): whatever a
/// non-public procedure wrote, it is never read here.
/// </summary>
public sealed class DisclosureQueries(Database store, WorkflowLibrary library)
{
    private string DisclosureSelect =>
        "SELECT d.instance_id, d.step_id, d.visit, d.village_code, d.title, d.notice_text, d.channels, d.period_days, d.published_at, d.closable_from, " +
        "d.closed_at, d.event_seq, d.event_hash, l.position AS log_position " +
        "FROM disclosures d JOIN proposals p ON p.id = d.instance_id LEFT JOIN log_leaves l ON l.instance_id = d.instance_id AND l.seq = d.event_seq " +
        $"WHERE {store.AnyOf("p.definition_key", "publicKeys")} ";

    private string[] PublicKeys => library.PublicKeys();

    /// <summary>A village's disclosures, newest first (the latest 200: its noticeboard).</summary>
    public async Task<List<DisclosureRow>> OfVillageAsync(string villageCode, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<DisclosureRow>(
            new CommandDefinition(DisclosureSelect + "AND d.village_code = @villageCode ORDER BY d.published_at DESC LIMIT 200", new { villageCode, publicKeys = PublicKeys }, cancellationToken: ct))];
    }

    /// <summary>Disclosures whose title contains <paramref name="text"/>, newest first (at most <paramref name="limit"/>).</summary>
    public async Task<List<DisclosureRow>> TitledAsync(string text, int limit, CancellationToken ct = default)
    {
        var pattern = "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<DisclosureRow>(new CommandDefinition(
            DisclosureSelect + @"AND d.title LIKE @pattern ESCAPE '\' ORDER BY d.published_at DESC LIMIT @limit", new { pattern, limit, publicKeys = PublicKeys }, cancellationToken: ct))];
    }

    /// <summary>The villages with at least one published disclosure.</summary>
    public async Task<List<string>> VillagesAsync(CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT DISTINCT d.village_code FROM disclosures d JOIN proposals p ON p.id = d.instance_id WHERE {store.AnyOf("p.definition_key", "publicKeys")} ORDER BY d.village_code",
            new { publicKeys = PublicKeys }, cancellationToken: ct))];
    }

    /// <summary>
    /// Every disclosure ever published, oldest first (the open-data export): streamed from one unbuffered reader, so the
    /// export's memory does not grow with the deployment.
    /// </summary>
    public async IAsyncEnumerable<DisclosureRow> AllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            DisclosureSelect + "ORDER BY d.published_at, d.instance_id, d.step_id, d.visit", new { publicKeys = PublicKeys }, cancellationToken: ct));
        var parse = reader.GetRowParser<DisclosureRow>();
        while (await reader.ReadAsync(ct))
        {
            yield return parse(reader);
        }
    }

    /// <summary>The disclosure a proposal's event published, or null when that event published none.</summary>
    public async Task<DisclosureRow?> ByEventAsync(string instanceId, int eventSeq, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<DisclosureRow>(
            new CommandDefinition(DisclosureSelect + "AND d.instance_id = @instanceId AND d.event_seq = @eventSeq", new { instanceId, eventSeq, publicKeys = PublicKeys }, cancellationToken: ct));
    }
}
