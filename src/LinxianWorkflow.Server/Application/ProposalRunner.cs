using System.Text.Json;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Definitions;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Engine.Rules;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Scheduling;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Application;

/// <summary>What an accepted command did: the proposal's new version, where it stands, and the events appended with their hashes.</summary>
public sealed record ActionRecorded(string ProposalId, int Version, string Status, string CurrentStep, IReadOnlyList<AppendedEvent> Events);

/// <summary>An appended event: its place, type and chain hash.</summary>
public sealed record AppendedEvent(int Sequence, string Type, string Hash);

/// <summary>
/// The spine of every command: load the stream, decide with the pure engine, save events and read rows in
/// one transaction, then schedule the timers it set (their rows are the truth; the sweep is the net).
/// </summary>
public sealed class ProposalRunner(Database store, WorkflowLibrary library, TimeProvider time, InstanceCache cache, TimerScheduler? scheduler = null, AuditLog.LogNudge? logNudge = null, AreaRegistry? areas = null)
{
    public async Task<ActionRecorded> RunAsync(
        string proposalId, Actor actor, WorkflowCommand command, IIdempotentMessage? message, CancellationToken ct, int? expectedVersion = null,
        AttachmentBlob? attachment = null, ProposalRow? row = null, ObjectionContact? contact = null, string? definitionId = null)
    {
        var name = command.GetType().Name;
        using var activity = Telemetry.WorkflowMetrics.Activities.StartActivity("command " + name);
        activity?.SetTag("linxian.proposal", proposalId);

        // Load: the cached fold when the read row (the caller's, or read here) says the stream has not moved, else the stream itself.
        row ??= await store.GetProposalAsync(proposalId, ct);
        var (state, lastHash) = await cache.LoadAsync(store, proposalId, row, ct);

        // If-Match, checked once, at decision time (a lost race at commit is a 409 as well).
        if (expectedVersion is { } expected && state.Version != expected)
        {
            throw ServerText.Problem(StatusCodes.Status409Conflict, "concurrency.stale-version", "VersionStale", expected, state.Version);
        }

        var villagePath = state.Start?.VillagePath ?? (command is StartProposal s ? s.VillagePath : "");
        var (definition, profile) = state.Start is not null ? library.For(state) : library.ForNewProposal(villagePath, definitionId);
        var now = time.GetUtcNow().ToUniversalTime();

        // Decide.
        var decision = WorkflowEngine.Decide(definition, profile, state, actor, command, now);
        if (decision.Violation is { } violation)
        {
            Telemetry.WorkflowMetrics.Decided(name, violation.Rule);
            activity?.SetTag("linxian.refused", violation.Rule);
            throw ProblemException.From(violation, villagePath, areas);
        }

        Telemetry.WorkflowMetrics.Decided(name, "accepted");
        if (command is FireTimer fire && state.Timers.TryGetValue(fire.TimerId, out var due))
        {
            Telemetry.WorkflowMetrics.TimerFired(now - due.DueAt);
        }

        if (decision.Events.Count == 0)
        {
            return new ActionRecorded(proposalId, state.Version, Status(state), state.CurrentStep ?? "", []);
        }

        // Save, in one transaction.
        var chained = EventCodec.Chain(proposalId, lastHash, decision.Events);
        var result = new ActionRecorded(proposalId, decision.State.Version, Status(decision.State), decision.State.CurrentStep!,
            [.. chained.Select((e, i) => new AppendedEvent(e.Sequence, decision.Events[i].Data.GetType().Name, e.Hash))]);
        var idempotency = message?.IdempotencyKey is { } key
            ? new IdempotencyRow
            {
                UserId = message.Caller.Id,
                Key = key,
                RequestHash = Idempotency.Hash(message),
                Status = command is StartProposal ? StatusCodes.Status201Created : StatusCodes.Status200OK,
                Response = JsonSerializer.Serialize(result, EventCodec.Json),
                CreatedAt = now,
            }
            : null;
        var commit = Projection.Build(definition, profile, state, decision, chained, actor, now, idempotency) with { Attachment = attachment, Contact = contact };
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await store.CommitAsync(commit, ct);
            Telemetry.WorkflowMetrics.Committed(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (ConcurrencyConflictException)
        {
            cache.Forget(proposalId);
            throw;
        }
        catch (Exception e) when (StoreFailure.IsUnavailable(e))
        {
            // Refused at the door, nothing was written; broken on the way, the commit may or may not have landed.
            cache.Forget(proposalId);
            throw StoreFailure.NeverConnected(e) ? StoreFailure.Unavailable() : StoreFailure.OutcomeUnknown();
        }

        cache.Set(proposalId, decision.State, chained[^1].Hash);

        // Schedule after commit: the timers' jobs (the sweep covers a crash in between).
        if (scheduler is not null)
        {
            await scheduler.AfterCommitAsync(commit); // queued: the request does not wait for Hangfire
        }

        // A published disclosure gets its checkpoint now, not at the next tick.
        if (commit.Disclosures.Count > 0)
        {
            logNudge?.Nudge();
        }

        return result;
    }

    /// <summary>
    /// Plans moving one instance to another version (<see cref="Migration.Plan"/>) and, unless <paramref name="dryRun"/>,
    /// commits it when allowed, as one transaction like any command: the records, the read rows, the timers.
    /// </summary>
    public async Task<MigrationPlan> MigrateAsync(
        ProposalRow row, WorkflowDefinition to, RuleProfile toProfile, IReadOnlyDictionary<string, string> mapping, Actor actor, string reason, bool dryRun, CancellationToken ct)
    {
        var (state, lastHash) = await cache.LoadAsync(store, row.Id, row, ct);
        var (definition, profile) = library.For(state);
        var now = time.GetUtcNow().ToUniversalTime();
        var plan = Migration.Plan(definition, profile, to, toProfile, state, mapping, actor, reason, now);
        if (dryRun || !plan.Allowed)
        {
            return plan;
        }

        var chained = EventCodec.Chain(row.Id, lastHash, plan.Events);
        var commit = Projection.Build(to, toProfile, state, new Decision(plan.Events, plan.State, null), chained, actor, now, null);
        try
        {
            await store.CommitAsync(commit, ct);
        }
        catch (ConcurrencyConflictException)
        {
            cache.Forget(row.Id);
            throw;
        }
        catch (Exception e) when (StoreFailure.IsUnavailable(e))
        {
            cache.Forget(row.Id);
            throw StoreFailure.NeverConnected(e) ? StoreFailure.Unavailable() : StoreFailure.OutcomeUnknown();
        }

        cache.Set(row.Id, plan.State, chained[^1].Hash);
        if (scheduler is not null)
        {
            await scheduler.AfterCommitAsync(commit);
        }

        return plan;
    }

    public static string Status(InstanceState state) => state.Status switch
    {
        InstanceStatus.Running => "running",
        InstanceStatus.Ended => "ended",
        _ => "not-started",
    };
}
