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
    public async Task<AttachmentRow?> AttachmentAsync(string sha256, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AttachmentRow>(
            "SELECT media_type AS MediaType, size_bytes AS SizeBytes, content AS Content FROM attachments WHERE sha256 = @sha256", new { sha256 });
    }
}
