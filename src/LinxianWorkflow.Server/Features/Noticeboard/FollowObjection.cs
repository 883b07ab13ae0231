using System.Text.RegularExpressions;
using Dapper;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Noticeboard;

/// <summary>
/// A villager follows their objection with the receipt number they were given (no account): the matter, the objection,
/// the committee's answer, the escalation and the township's ruling as they happened, when the answer is due, and
/// whether (and until when) they may still take it to the township. The receipt number is the key: whoever holds it
/// reads the thread, nobody else finds it.
/// </summary>
public sealed partial record FollowObjection(string ReceiptNumber) : IQuery<ObjectionFollowUp>
{
    [GeneratedRegex("^YY[0-9A-F]{10}$")]
    public static partial Regex ReceiptPattern();
}

/// <summary>One objection's thread as its objector may read it.</summary>
/// <param name="ProposalId">The proposal objected to.</param>
/// <param name="Title">Its title.</param>
/// <param name="VillageCode">Its village.</param>
/// <param name="Definition">The definition its steps are named by.</param>
/// <param name="Thread">The objection's own records, in order (lodged, answered, escalated, ruled).</param>
/// <param name="AnswerDueAt">When the committee's answer is due, while it is awaited.</param>
/// <param name="MayEscalate">True while the objector may take the answer to the township.</param>
/// <param name="EscalableUntil">Until when they may.</param>
public sealed record ObjectionFollowUp(
    string ProposalId, string Title, string VillageCode, WorkflowDefinition Definition, IReadOnlyList<(RecordedEvent Event, string Hash)> Thread,
    DateTimeOffset? AnswerDueAt, bool MayEscalate, DateTimeOffset? EscalableUntil);

public sealed class FollowObjectionHandler(Database store, WorkflowLibrary library, InstanceCache cache, AdjustableClock clock) : IQueryHandler<FollowObjection, ObjectionFollowUp>
{
    public async ValueTask<ObjectionFollowUp> Handle(FollowObjection query, CancellationToken cancellationToken)
    {
        var receipt = query.ReceiptNumber.Trim().ToUpperInvariant();
        var unknown = ServerText.Problem(StatusCodes.Status404NotFound, "objection.receipt-unknown", "ObjectionReceiptUnknown", receipt);
        if (!FollowObjection.ReceiptPattern().IsMatch(receipt))
        {
            throw unknown;
        }

        // The objection's answer task (kept when closed) says which proposal holds it.
        string? proposalId;
        await using (var connection = await store.OpenAsync(cancellationToken))
        {
            proposalId = await connection.QueryFirstOrDefaultAsync<string>(
                new CommandDefinition("SELECT instance_id FROM open_tasks WHERE task = @task", new { task = "answer:" + receipt }, cancellationToken: cancellationToken));
        }

        var row = proposalId is null ? null : await store.GetProposalAsync(proposalId, cancellationToken);
        if (row is null || !library.IsPublic(row.DefinitionKey))
        {
            throw unknown;
        }

        var events = (await store.LoadEventsAsync(row.Id, cancellationToken)).Select(e => (Event: EventCodec.Decode(e.Record), e.Hash)).ToList();
        var thread = events.Where(e => e.Event.Data switch
        {
            ObjectionLodged x => x.ObjectionId == receipt,
            ObjectionAnswered x => x.ObjectionId == receipt,
            ObjectionEscalated x => x.ObjectionId == receipt,
            ObjectionRuled x => x.ObjectionId == receipt,
            _ => false,
        }).ToList();
        var (state, _) = await cache.LoadAsync(store, row.Id, row, cancellationToken);
        var (definition, profile) = library.For(state);
        var now = clock.GetUtcNow();
        var escalate = OpenActions.List(definition, profile, state, now)
            .FirstOrDefault(a => a.Action == "escalate-objection" && a.ObjectionId == receipt && a.Roles.Contains(Engine.Roles.Public));
        var answerDue = thread.Count > 0 && thread[^1].Event.Data is ObjectionLodged
            ? state.Timers.Values.Where(t => t.ObjectionId == receipt && t.Purpose == TimerPurpose.Deadline).Select(t => (DateTimeOffset?)t.DueAt).Min()
            : null;
        return new ObjectionFollowUp(row.Id, row.Title, row.VillageCode, definition, thread, answerDue, escalate is not null, escalate?.AvailableUntil);
    }
}
