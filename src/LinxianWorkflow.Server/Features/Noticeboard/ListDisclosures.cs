using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>A village's noticeboard (公开栏): current and past disclosures, readable without an account.</summary>
public sealed record ListDisclosures(string VillageCode) : IQuery<IReadOnlyList<PublicDisclosure>>;

/// <summary>
/// A disclosure as the public sees it, with the hash of the event that published it, that event's position in
/// the Merkle log, the size of the latest signed checkpoint that includes it, and where its inclusion proof is
/// (the last three null for the few seconds before the batcher logs it).
/// </summary>
public sealed record PublicDisclosure(
    string ProposalId, string StepId, int Visit, string Title, string NoticeText, string Channels, int PeriodDays,
    DateTimeOffset PublishedAt, DateTimeOffset ClosableFrom, DateTimeOffset? ClosedAt, bool Current, int EventSequence, string EventHash,
    long? LogPosition, long? CheckpointSize, string? ProofUrl)
{
    public static PublicDisclosure Of(DisclosureRow r, CheckpointRow? checkpoint)
    {
        var logged = r.LogPosition is { } p && checkpoint is not null && p < checkpoint.Size;
        return new PublicDisclosure(r.InstanceId, r.StepId, r.Visit, r.Title, r.NoticeText, r.Channels, r.PeriodDays,
            r.PublishedAt, r.ClosableFrom, r.ClosedAt, r.ClosedAt is null, r.EventSeq, r.EventHash.Trim(),
            logged ? r.LogPosition : null, logged ? checkpoint!.Size : null,
            logged ? ProofPath(r.InstanceId, r.EventSeq) : null);
    }

    /// <summary>The public inclusion proof of a disclosure's publishing event.</summary>
    public static string ProofPath(string proposalId, int sequence) =>
        $"/api/public/proposals/{Uri.EscapeDataString(proposalId)}/events/{sequence}/proof";
}

public sealed class ListDisclosuresHandler(LogQueries logStore, DisclosureQueries disclosures) : IQueryHandler<ListDisclosures, IReadOnlyList<PublicDisclosure>>
{
    public async ValueTask<IReadOnlyList<PublicDisclosure>> Handle(ListDisclosures query, CancellationToken cancellationToken)
    {
        var rows = await disclosures.OfVillageAsync(query.VillageCode, cancellationToken);
        var checkpoint = await logStore.LatestCheckpointAsync(cancellationToken);
        return [.. rows.Select(r => PublicDisclosure.Of(r, checkpoint))];
    }
}

/// <summary>
/// 公开栏 search: the county's disclosures whose title contains <paramref name="Text"/> (two characters or more), newest
/// first, at most 50, each with its village; no sign-in, as the noticeboards themselves.
/// </summary>
public sealed record SearchDisclosures(string Text) : IQuery<IReadOnlyList<FoundDisclosure>>;

/// <summary>A disclosure found by its title, and the code of the village that posted it.</summary>
public sealed record FoundDisclosure(PublicDisclosure Disclosure, string VillageCode);

public sealed class SearchDisclosuresHandler(LogQueries logStore, DisclosureQueries disclosures) : IQueryHandler<SearchDisclosures, IReadOnlyList<FoundDisclosure>>
{
    public const int MinLength = 2;

    public async ValueTask<IReadOnlyList<FoundDisclosure>> Handle(SearchDisclosures query, CancellationToken cancellationToken)
    {
        var text = query.Text.Trim();
        TextInput.Check("q", text);
        if (text.Length < MinLength)
        {
            return [];
        }

        var cut = text.Length <= 50 ? text.Length : char.IsHighSurrogate(text[49]) ? 49 : 50; // never half a character
        var rows = await disclosures.TitledAsync(text[..cut], 50, cancellationToken);
        var checkpoint = await logStore.LatestCheckpointAsync(cancellationToken);
        return [.. rows.Select(r => new FoundDisclosure(PublicDisclosure.Of(r, checkpoint), r.VillageCode))];
    }
}
