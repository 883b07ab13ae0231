using System.Security.Cryptography;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>
/// Attaches a document to the proposal's current step: the type is read from the file's first bytes (PDF,
/// JPEG, PNG; not from its name or the browser's word), the file is stored once under its SHA-256 in the same
/// transaction as the engine's DocumentAttached with the hash, name, type and size (its limits apply, 10 MiB).
/// </summary>
public sealed record AttachDocumentUpload(Caller Caller, string ProposalId, string StepId, string FileName, byte[] Content, string? Description)
    : ICommand<ActionRecorded>, IProposalMessage, IChangeMessage;

public sealed class AttachDocumentUploadHandler(ProposalAccess access, Database store, ProposalRunner runner, AdjustableClock clock, WorkflowLibrary library, InstanceCache cache) : ICommandHandler<AttachDocumentUpload, ActionRecorded>
{
    public async ValueTask<ActionRecorded> Handle(AttachDocumentUpload command, CancellationToken cancellationToken)
    {
        // Before storing anything: the caller must be one who may attach in this village.
        var row = await access.LoadAsync(command.Caller, command.ProposalId, cancellationToken);
        if (!await MayAttachAsync(row, command.Caller, cancellationToken))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.role", "AttachmentRole");
        }

        var type = Sniff(command.Content)
            ?? throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "attachment.type", "AttachmentSniffed");
        if (command.Content.Length > Limits.AttachmentBytes)
        {
            throw ServerText.Problem(StatusCodes.Status413PayloadTooLarge, "attachment.size", "BodyTooLarge", Limits.AttachmentBytes);
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(command.Content));
        var attach = new AttachDocument(command.StepId, sha, Path.GetFileName(command.FileName.Replace('\\', '/')), type, command.Content.Length,
            string.IsNullOrWhiteSpace(command.Description) ? null : command.Description.Trim());
        // The file is stored in the same transaction as its event: a refused attachment leaves nothing behind.
        return await runner.RunAsync(command.ProposalId, command.Caller.Actor, attach, null, cancellationToken,
            attachment: new AttachmentBlob(sha, type, command.Content, clock.Real.GetUtcNow(), command.Caller.Id), row: row);
    }

    /// <summary>The document's type from its first bytes, or null when it is none of the allowed ones.</summary>
    // The engine's open actions say who may attach now (roles in the village, separation of duties); asked before the file is stored.
    private async Task<bool> MayAttachAsync(ProposalRow row, Caller caller, CancellationToken ct)
    {
        var (state, _) = await cache.LoadAsync(store, row.Id, row, ct);
        if (state.Start is null)
        {
            return false;
        }

        var (definition, profile) = library.For(state);
        return ActionCatalog.MayAttach(definition, profile, state, caller, clock.GetUtcNow());
    }

    public static string? Sniff(ReadOnlySpan<byte> content) =>
        content.StartsWith("%PDF-"u8) ? "application/pdf"
        : content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : null;
}

/// <summary>A document attached to this proposal (readers of the proposal only; the hash must be one its history attached).</summary>
public sealed record GetAttachment(Caller Caller, string ProposalId, string Sha256) : IQuery<(AttachmentRow Row, string FileName)>, IProposalMessage;

public sealed class GetAttachmentHandler(ProposalAccess access, Database store) : IQueryHandler<GetAttachment, (AttachmentRow Row, string FileName)>
{
    public async ValueTask<(AttachmentRow Row, string FileName)> Handle(GetAttachment query, CancellationToken cancellationToken)
    {
        await access.LoadAsync(query.Caller, query.ProposalId, cancellationToken);
        var attached = (await store.LoadEventsAsync(query.ProposalId, cancellationToken))
            .Select(e => EventCodec.Decode(e.Record).Data).OfType<DocumentAttached>()
            .LastOrDefault(d => d.Sha256 == query.Sha256);
        var row = attached is null ? null : await ReadAsync(query.Sha256, cancellationToken);
        return row is null || attached is null
            ? throw ServerText.Problem(StatusCodes.Status404NotFound, "attachment.unknown", "AttachmentUnknown", query.Sha256)
            : (row, attached.FileName);
    }

    // The blob is written by the commit with its DocumentAttached event; this is its only reader.
    private async Task<AttachmentRow?> ReadAsync(string sha256, CancellationToken ct)
    {
        await using var connection = await store.OpenAsync(ct);
        return await Dapper.SqlMapper.QuerySingleOrDefaultAsync<AttachmentRow>(connection, new Dapper.CommandDefinition(
            "SELECT media_type, size_bytes, content FROM attachments WHERE sha256 = @sha256", new { sha256 }, cancellationToken: ct));
    }
}

/// <summary>A stored document: its type and bytes.</summary>
public sealed class AttachmentRow
{
    public string MediaType { get; set; } = "";
    public long SizeBytes { get; set; }
    public byte[] Content { get; set; } = [];
}
