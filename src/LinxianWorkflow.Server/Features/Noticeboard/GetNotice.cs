using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.AuditLog;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>One published notice, by the proposal and the sequence of the event that published it (public, no sign-in).</summary>
public sealed record GetNotice(string ProposalId, int EventSequence) : IQuery<NoticeView>;

/// <summary>A notice with the village it was posted in.</summary>
public sealed record NoticeView(PublicDisclosure Notice, string VillageCode);

public sealed class GetNoticeHandler(LogQueries logStore, DisclosureQueries disclosures) : IQueryHandler<GetNotice, NoticeView>
{
    public async ValueTask<NoticeView> Handle(GetNotice query, CancellationToken cancellationToken)
    {
        var row = await disclosures.ByEventAsync(query.ProposalId, query.EventSequence, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "log.not-public", "ProofNotPublic", query.ProposalId, query.EventSequence);
        return new NoticeView(PublicDisclosure.Of(row, await logStore.LatestCheckpointAsync(cancellationToken)), row.VillageCode);
    }
}

/// <summary>The villages that have published something, for the public index (which marks them; matters not yet disclosed stay unseen).</summary>
public sealed record ListVillagesWithMatters : IQuery<IReadOnlySet<string>>;

public sealed class ListVillagesWithMattersHandler(DisclosureQueries store) : IQueryHandler<ListVillagesWithMatters, IReadOnlySet<string>>
{
    public async ValueTask<IReadOnlySet<string>> Handle(ListVillagesWithMatters query, CancellationToken cancellationToken) =>
        (await store.VillagesAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
}

/// <summary>
/// What a printed 公示 states besides the notice's own text, read from the proposal's record up to the event that
/// published it: the matter (title, summary, category, amount) and the resolution it discloses (the last meeting that
/// passed before it: its kind, date, attendance and votes). All of it is what the law has the village disclose; no
/// minutes, no names.
/// </summary>
public sealed record GetNoticePaper(string ProposalId, int EventSequence) : IQuery<NoticePaper>;

public sealed record NoticePaper(string Title, string Summary, string Category, decimal AmountYuan, NoticeResolution? Resolution);

/// <summary>The resolution a notice discloses: the meeting, when it was held, how many were due and present, the votes.</summary>
public sealed record NoticeResolution(string MeetingKind, DateTimeOffset HeldAt, int Due, int Present, int Yes, int No, int Abstain);

public sealed class GetNoticePaperHandler(Database store, DisclosureQueries disclosures) : IQueryHandler<GetNoticePaper, NoticePaper>
{
    public async ValueTask<NoticePaper> Handle(GetNoticePaper query, CancellationToken cancellationToken)
    {
        _ = await disclosures.ByEventAsync(query.ProposalId, query.EventSequence, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "log.not-public", "ProofNotPublic", query.ProposalId, query.EventSequence);
        var events = (await store.LoadEventsAsync(query.ProposalId, cancellationToken))
            .Where(e => e.Sequence < query.EventSequence)
            .Select(e => EventCodec.Decode(e.Record).Data)
            .ToList();
        var start = events.OfType<Engine.Instances.ProposalStarted>().Single();
        var resolution = events.OfType<Engine.Instances.MeetingRecorded>().LastOrDefault(m => m.Verdict == Engine.Instances.MeetingVerdict.Passed) is { } m
            ? new NoticeResolution(m.Record.MeetingKind, m.Record.HeldAt, m.Due, m.Record.Present, m.Record.Yes, m.Record.No, m.Record.Abstain)
            : null;
        return new NoticePaper(start.Title, start.Summary, start.Category, start.AmountYuan, resolution);
    }
}
