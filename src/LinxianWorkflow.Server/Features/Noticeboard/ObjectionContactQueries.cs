using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>A contact a villager left with an objection; null once erased.</summary>
public sealed class ObjectionContactRow
{
    public string ObjectionId { get; set; } = "";
    public string? Contact { get; set; }
    public DateTimeOffset? ErasedAt { get; set; }
}

/// <summary>
/// The contacts villagers left with their objections (<c>objection_contacts</c>): written with the objection's event by
/// the core's commit, read here by the proposal's administrators and the objector SMS, erased here once the matter is archived.
/// </summary>
public sealed class ObjectionContactQueries(Database store)
{
    public async Task<IReadOnlyList<ObjectionContactRow>> OfProposalAsync(string proposalId, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<ObjectionContactRow>(new CommandDefinition(
            "SELECT objection_id, contact, erased_at FROM objection_contacts WHERE proposal_id = @proposalId ORDER BY objection_id",
            new { proposalId }, cancellationToken: ct))];
    }

    /// <summary>The contact left with one objection, or null (none, or erased).</summary>
    public async Task<string?> OfObjectionAsync(string proposalId, string objectionId, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT contact FROM objection_contacts WHERE proposal_id = @proposalId AND objection_id = @objectionId", new { proposalId, objectionId }, cancellationToken: ct));
    }

    /// <summary>
    /// Erases every contact kept for the proposal's objections (the rows stay, saying when and by whom), and any provider text kept on the
    /// SMS sent to those objectors; the number erased.
    /// </summary>
    public async Task<int> EraseAsync(string proposalId, string by, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var connection = await store.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var erased = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE objection_contacts SET contact = NULL, erased_at = @at, erased_by = @by WHERE proposal_id = @proposalId AND contact IS NOT NULL",
            new { proposalId, by, at = at.ToUniversalTime() }, tx, cancellationToken: ct));
        // The SMS sent to objectors name them by receipt only (objection:<id>); a provider's error text might quote the number, so it goes too.
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE deliveries SET last_error = CASE WHEN last_error IS NULL THEN NULL ELSE '(erased with the contacts)' END, receipt_detail = NULL " +
            "WHERE recipient LIKE 'objection:%' AND notification_id IN (SELECT id FROM notifications WHERE instance_id = @proposalId)",
            new { proposalId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return erased;
    }
}
