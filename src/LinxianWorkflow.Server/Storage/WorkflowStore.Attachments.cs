using Dapper;

namespace LinxianWorkflow.Server.Storage;

/// <summary>A stored document: its type and bytes.</summary>
public sealed class AttachmentRow
{
    public string MediaType { get; set; } = "";
    public long SizeBytes { get; set; }
    public byte[] Content { get; set; } = [];
}

public sealed partial class WorkflowStore
{
    /// <summary>Stores a document under its SHA-256 (the same file twice is stored once).</summary>
    public async Task SaveAttachmentAsync(string sha256, string mediaType, byte[] content, DateTimeOffset at, string by, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO attachments (sha256, media_type, size_bytes, content, stored_at, stored_by) VALUES (@sha256, @mediaType, @size, @content, @at, @by) ON CONFLICT DO NOTHING",
            new { sha256, mediaType, size = (long)content.Length, content, at = at.ToUniversalTime(), by });
    }

    public async Task<AttachmentRow?> AttachmentAsync(string sha256, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AttachmentRow>(
            "SELECT media_type AS MediaType, size_bytes AS SizeBytes, content AS Content FROM attachments WHERE sha256 = @sha256", new { sha256 });
    }
}
