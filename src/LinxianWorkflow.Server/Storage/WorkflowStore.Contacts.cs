using Dapper;

namespace LinxianWorkflow.Server.Storage;

/// <summary>A contact a villager left with an objection; null once erased.</summary>
public sealed class ObjectionContactRow
{
    public string ObjectionId { get; set; } = "";
    public string? Contact { get; set; }
    public DateTimeOffset? ErasedAt { get; set; }
}

/// <summary>A contact to keep with the objection it came with, written in the same transaction as the event.</summary>
public sealed record ObjectionContact(string ProposalId, string ObjectionId, string Contact, DateTimeOffset At);

public sealed partial class WorkflowStore
{
    public async Task<IReadOnlyList<ObjectionContactRow>> ObjectionContactsAsync(string proposalId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return [.. await connection.QueryAsync<ObjectionContactRow>(new CommandDefinition(
            "SELECT objection_id AS ObjectionId, contact AS Contact, erased_at AS ErasedAt FROM objection_contacts WHERE proposal_id = @proposalId ORDER BY objection_id",
            new { proposalId }, cancellationToken: ct))];
    }

    /// <summary>Erases every contact kept for the proposal's objections (the rows stay, saying when and by whom); the number erased.</summary>
    public async Task<int> EraseObjectionContactsAsync(string proposalId, string by, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE objection_contacts SET contact = NULL, erased_at = @at, erased_by = @by WHERE proposal_id = @proposalId AND contact IS NOT NULL",
            new { proposalId, by, at = at.ToUniversalTime() }, cancellationToken: ct));
    }
}
