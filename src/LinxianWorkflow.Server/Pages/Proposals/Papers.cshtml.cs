using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Features.Proposals;
using LinxianWorkflow.Server.Features.Rosters;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Pages.Proposals;

/// <summary>A meeting recorded in the history, with the record's place in it.</summary>
public sealed record RecordedMeeting(int Sequence, string Hash, DateTimeOffset RecordedAt, MeetingRecorded Meeting);

/// <summary>
/// 会议文书, printable on A4, one paper to a page: before the meeting the current step calls (for a caller who may record
/// it), its 会议通知 (the agenda, the notice period the profile requires and the earliest lawful date, the time and place
/// to fill in), 签到表 (a line for each member due) and 表决票; after each meeting already held, its 会议记录 filled from
/// the record (attendance and exclusions with reasons, the votes and the rule's numbers, the verdict, the minutes, the
/// township's attendee), with the record's hash.
/// </summary>
public sealed class PapersModel(ISender sender) : Web.AppPageModel
{
    public ProposalView View { get; private set; } = null!;

    /// <summary>The meetings the current step calls, as the engine reckons them for this caller (none when they may not record one).</summary>
    public IReadOnlyList<MeetingHint> Upcoming { get; private set; } = [];

    public IReadOnlyList<RecordedMeeting> Held { get; private set; } = [];

    /// <summary>The village's member registers by meeting kind (the 签到表 lists their names); empty for a kind not registered.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Rosters { get; private set; } = new Dictionary<string, IReadOnlyList<string>>();

    public async Task OnGetAsync(string id)
    {
        var ct = HttpContext.RequestAborted;
        View = await sender.Send(new GetProposal(Caller, id), ct);
        Upcoming = [.. View.Actions.SelectMany(a => a.Meetings ?? [])]; // the engine's meeting hints ride on the action that records one
        if (Upcoming.Count > 0)
        {
            var book = await sender.Send(new GetRosters(Caller, View.VillagePath), ct);
            Rosters = book.Rosters.ToDictionary(r => r.MeetingKind, r => r.Members, StringComparer.Ordinal);
        }

        var history = await sender.Send(new GetHistory(Caller, id), ct);
        Held = [.. history.Events
            .Select(e => (e, Recorded: EventCodec.Decode(e.RecordText)))
            .Where(x => x.Recorded.Data is MeetingRecorded)
            .Select(x => new RecordedMeeting(x.e.Sequence, x.e.Hash, x.Recorded.At, (MeetingRecorded)x.Recorded.Data))];
    }
}
