using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Proposals;

/// <summary>One proposal as its reader needs it: where it stands, what is due when, and what the caller may do now.</summary>
public sealed record GetProposal(Caller Caller, string ProposalId) : IQuery<ProposalView>, IProposalMessage;

public sealed record StepView(string Id, string Kind, LocalizedText Name, int Visit, DateTimeOffset EnteredAt);

/// <summary>A pending timer; <paramref name="Provisional"/>: counted over a year whose official holiday arrangement is not yet in the calendar.</summary>
public sealed record TimerView(string TimerId, string Purpose, string OnExpiry, DateTimeOffset DueAt, string DueAtChina, string? ObjectionId, bool Provisional);

public sealed record ObjectionView(string ObjectionId, string Status);

public sealed record DisclosureView(bool Countersigned, DateTimeOffset? PublishedAt, DateTimeOffset? ClosableFrom, IReadOnlyList<ObjectionView> Objections);

public sealed record ProposalView(
    string Id,
    string Title,
    string Summary,
    string VillagePath,
    string VillageName,
    string TownshipName,
    string Category,
    decimal AmountYuan,
    string Source,
    string Status,
    string? Result,
    int Version,
    string Definition,
    string Profile,
    StepView CurrentStep,
    DateTimeOffset? DueAt,
    bool Overdue,
    DisclosureView? Disclosure,
    IReadOnlyList<TimerView> Timers,
    IReadOnlyList<ActionView> Actions,
    string LastHash);

public sealed class GetProposalHandler(ProposalAccess access, Database store, WorkflowLibrary library, InstanceCache cache, Hosting.AdjustableClock clock, AreaRegistry areas) : IQueryHandler<GetProposal, ProposalView>
{
    public async ValueTask<ProposalView> Handle(GetProposal query, CancellationToken cancellationToken)
    {
        // The fold this node already has when the read row says it is current.
        var row = await access.LoadAsync(query.Caller, query.ProposalId, cancellationToken);
        var (state, lastHash) = await cache.LoadAsync(store, query.ProposalId, row, cancellationToken);

        var start = state.Start!;
        var (definition, profile) = library.For(state);
        var step = definition.Step(state.CurrentStep!);
        var timers = state.Timers.Values.OrderBy(t => t.DueAt)
            .Select(t => new TimerView(t.TimerId, Projection.Kebab(t.Purpose), Projection.Kebab(t.OnExpiry), t.DueAt, Engine.Time.ChinaTime.Display(t.DueAt), t.ObjectionId, t.Provisional))
            .ToList();
        var disclosure = step.Kind == Engine.Definitions.StepKind.Disclosure
            ? new DisclosureView(state.Disclosure.Countersigned, state.Disclosure.PublishedAt, state.Disclosure.ClosableFrom,
                [.. state.Disclosure.Objections.Values.OrderBy(o => o.ObjectionId, StringComparer.Ordinal).Select(o => new ObjectionView(o.ObjectionId, Projection.Kebab(o.Status)))])
            : null;
        return new ProposalView(
            start.ProposalId, start.Title, start.Summary, start.VillagePath, areas.ShortName(start.VillagePath), areas.ShortName(TownshipOf(start.VillagePath)), start.Category, start.AmountYuan, start.Source,
            ProposalRunner.Status(state), state.Result is { } r ? Projection.Kebab(r) : null, state.Version, definition.Key, profile.Key,
            new StepView(step.Id, Projection.Kebab(step.Kind), step.Name, state.Visit, state.StepEnteredAt),
            timers.Where(t => t.Purpose == "deadline" && t.ObjectionId is null).Select(t => (DateTimeOffset?)t.DueAt).Min(),
            state.Overdue, disclosure, timers, ActionCatalog.Available(definition, profile, state, query.Caller, clock.GetUtcNow()), lastHash);
    }

    /// <summary>The township's path, county/township, from a village's.</summary>
    private static string TownshipOf(string villagePath) => villagePath[..Math.Max(0, villagePath.LastIndexOf('/'))];
}
