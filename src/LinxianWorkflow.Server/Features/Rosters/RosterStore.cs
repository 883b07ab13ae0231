using System.Text.Json;
using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Features.Rosters;

/// <summary>The registers' table, <c>member_rosters</c>: one row per village and meeting kind, the names as a JSON array.</summary>
public sealed class RosterStore(WorkflowStore database)
{
    private sealed class Row
    {
        public string MeetingKind { get; set; } = "";
        public string Members { get; set; } = "[]";
        public DateTimeOffset UpdatedAt { get; set; }
        public string UpdatedBy { get; set; } = "";
    }

    public async Task<IReadOnlyList<Roster>> ForVillageAsync(string villageCode, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT meeting_kind AS MeetingKind, members AS Members, updated_at AS UpdatedAt, updated_by AS UpdatedBy FROM member_rosters WHERE village_code = @villageCode",
            new { villageCode }, cancellationToken: ct));
        return [.. rows.Select(r => new Roster(r.MeetingKind, JsonSerializer.Deserialize<string[]>(r.Members) ?? [], r.UpdatedAt, r.UpdatedBy))];
    }

    public async Task SaveAsync(string villageCode, Roster roster, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO member_rosters (village_code, meeting_kind, members, updated_at, updated_by) VALUES (@villageCode, @kind, @members, @at, @by) " +
            "ON CONFLICT (village_code, meeting_kind) DO UPDATE SET members = excluded.members, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            new { villageCode, kind = roster.MeetingKind, members = JsonSerializer.Serialize(roster.Members), at = roster.UpdatedAt!.Value.ToUniversalTime(), by = roster.UpdatedBy },
            cancellationToken: ct));
    }
}
