using System.Text.Json;
using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Features.Rosters;

/// <summary>
/// The registers' tables: <c>member_rosters</c>, one row per village and meeting kind (the names as a JSON array), and
/// <c>member_roster_changes</c>, every save kept (who, when, the names), written in the same transaction.
/// </summary>
public sealed class RosterStore(Database database)
{
    /// <summary>How many of a village's changes a reader is shown.</summary>
    public const int ChangesShown = 20;

    private sealed class Row
    {
        public string MeetingKind { get; set; } = "";
        public string Members { get; set; } = "[]";
        public DateTimeOffset UpdatedAt { get; set; }
        public string UpdatedBy { get; set; } = "";
    }

    private sealed class ChangeRow
    {
        public string MeetingKind { get; set; } = "";
        public string Members { get; set; } = "[]";
        public DateTimeOffset ChangedAt { get; set; }
        public string ChangedBy { get; set; } = "";
    }

    public async Task<(IReadOnlyList<Roster> Rosters, IReadOnlyList<RosterChange> Changes)> ForVillageAsync(string villageCode, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT meeting_kind, members, updated_at, updated_by FROM member_rosters WHERE village_code = @villageCode",
            new { villageCode }, cancellationToken: ct));
        var changes = await connection.QueryAsync<ChangeRow>(new CommandDefinition(
            "SELECT meeting_kind, members, changed_at, changed_by FROM member_roster_changes WHERE village_code = @villageCode ORDER BY id DESC LIMIT @limit",
            new { villageCode, limit = ChangesShown }, cancellationToken: ct));
        return ([.. rows.Select(r => new Roster(r.MeetingKind, JsonSerializer.Deserialize<string[]>(r.Members) ?? [], r.UpdatedAt, r.UpdatedBy))],
            [.. changes.Select(c => new RosterChange(c.MeetingKind, c.ChangedAt, c.ChangedBy, (JsonSerializer.Deserialize<string[]>(c.Members) ?? []).Length))]);
    }

    public async Task SaveAsync(string villageCode, Roster roster, string byId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var args = new { villageCode, kind = roster.MeetingKind, members = JsonSerializer.Serialize(roster.Members), at = roster.UpdatedAt!.Value.ToUniversalTime(), by = roster.UpdatedBy, byId };
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO member_rosters (village_code, meeting_kind, members, updated_at, updated_by) VALUES (@villageCode, @kind, @members, @at, @by) " +
            "ON CONFLICT (village_code, meeting_kind) DO UPDATE SET members = excluded.members, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            args, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO member_roster_changes (village_code, meeting_kind, members, changed_at, changed_by_id, changed_by) VALUES (@villageCode, @kind, @members, @at, @byId, @by)",
            args, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
    }
}
