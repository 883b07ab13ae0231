using Dapper;
using LinxianWorkflow.Engine;
using LinxianWorkflow.Engine.Instances;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Admin;

/// <summary>
/// Which instances to move and how: those of <paramref name="Definition"/> version <paramref name="FromVersion"/> (all, or
/// those standing at <paramref name="AtStep"/>, or the ones named), to <paramref name="ToVersion"/> with its profile of
/// <paramref name="ToProfileVersion"/> (default: the newest of each instance's profile), old step → new step in
/// <paramref name="Mapping"/> for steps renamed or replaced; <paramref name="After"/> continues a long list after the
/// last proposal id the previous answer considered (its <c>next</c>).
/// </summary>
public sealed record MigrationRequest(
    string Definition,
    int FromVersion,
    int ToVersion,
    string Reason,
    int? ToProfileVersion = null,
    string? AtStep = null,
    IReadOnlyList<string>? ProposalIds = null,
    IReadOnlyDictionary<string, string>? Mapping = null,
    string? After = null);

/// <summary>A timer a migration cancels or creates.</summary>
public sealed record MigrationTimer(string TimerId, string StepId, string Purpose, DateTimeOffset DueAt);

/// <summary>What happened (or, in a dry run, would happen) to one instance.</summary>
public sealed record MigrationOutcome(
    string ProposalId,
    string Title,
    string VillageName,
    string From,
    string To,
    string FromStep,
    string? ToStep,
    IReadOnlyList<MigrationTimer> TimersCancelled,
    IReadOnlyList<MigrationTimer> TimersCreated,
    IReadOnlyList<MigrationProblem> Problems,
    bool Migrated);

/// <summary>A reason an instance may not move: the rule's name and its words.</summary>
public sealed record MigrationProblem(string Rule, string ZhCN, string En);

/// <summary>
/// The report: every instance considered, and whether more remain past <see cref="MigrateInstances.MaxInstances"/>
/// (<paramref name="Next"/>: send it as <c>after</c> to go on).
/// </summary>
public sealed record MigrationReport(bool DryRun, int Considered, int Migrated, int Refused, bool More, string? Next, IReadOnlyList<MigrationOutcome> Instances);

/// <summary>
/// An administrator moves running instances to another version of their definition (docs/operations.md, "Publishing a
/// new version"): a dry run lists, per instance, the step it lands on, the timers cancelled and created and every
/// reason it may not move; the migration itself appends an <see cref="InstanceMigrated"/> record (who, from, to, the
/// mapping, the reason) to each instance's history, one transaction per instance. An instance that may not move is left
/// as it is and named with its reasons. Only instances in the administrator's areas are considered.
/// </summary>
public sealed record MigrateInstances(Caller Caller, MigrationRequest Request, bool DryRun) : Mediator.ICommand<MigrationReport>, IAdministrationMessage, IValidatedMessage
{
    public const int MaxInstances = 500;

    public ProblemException? Validate()
    {
        TextInput.Check("reason", Request.Reason);
        TextInput.Check("atStep", Request.AtStep);
        TextInput.Check("after", Request.After);
        foreach (var (from, to) in Request.Mapping ?? new Dictionary<string, string>())
        {
            if (to is null)
            {
                return ServerText.Problem(StatusCodes.Status400BadRequest, "input.field", "FieldInvalid", "mapping", "null");
            }

            TextInput.Check("mapping", from + to);
        }

        if (Request.ProposalIds?.Any(id => id is null) ?? false)
        {
            return ServerText.Problem(StatusCodes.Status400BadRequest, "input.field", "FieldInvalid", "proposalIds", "null");
        }

        return Request.ProposalIds is { Count: > MaxInstances }
            ? ServerText.Problem(StatusCodes.Status400BadRequest, "migration.too-many", "MigrationTooMany", MaxInstances)
            : null;
    }
}

public sealed class MigrateInstancesHandler(Database store, WorkflowLibrary library, ProposalRunner runner, AreaRegistry areas)
    : ICommandHandler<MigrateInstances, MigrationReport>
{
    public async ValueTask<MigrationReport> Handle(MigrateInstances command, CancellationToken cancellationToken)
    {
        var request = command.Request;
        var catalog = library.Catalog;
        var fromKey = $"{request.Definition}@{request.FromVersion}";
        if (!catalog.Definitions.ContainsKey(fromKey))
        {
            throw ServerText.Problem(StatusCodes.Status404NotFound, "migration.version", "MigrationVersionUnknown", fromKey);
        }

        var to = catalog.Definitions.GetValueOrDefault($"{request.Definition}@{request.ToVersion}")
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "migration.version", "MigrationVersionUnknown", $"{request.Definition}@{request.ToVersion}");

        // Everything that can refuse the whole request is settled before the first instance moves: the rows (a named
        // one outside the caller's areas is as unknown as one that does not exist) and each one's target profile.
        var rows = await Candidates(command.Caller, fromKey, request, cancellationToken);
        var more = rows.Count > MigrateInstances.MaxInstances;
        var work = rows.Take(MigrateInstances.MaxInstances).Select(row =>
        {
            var profileId = row.ProfileKey.Split('@')[0];
            var toProfile = request.ToProfileVersion is { } version
                ? catalog.Profile(request.Definition, profileId, version)
                    ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "migration.version", "MigrationVersionUnknown", $"{profileId}@{version}")
                : catalog.LatestProfile(request.Definition, profileId)!;
            return (Row: row, Profile: toProfile);
        }).ToList();

        // Then each instance on its own: one that may not move, or that someone acted on meanwhile, is reported and the rest go on.
        var actor = new Actor(command.Caller.Id, command.Caller.Name, command.Caller.Grants);
        var outcomes = new List<MigrationOutcome>();
        foreach (var (row, toProfile) in work)
        {
            MigrationOutcome Refused(string rule, string key, params object[] args)
            {
                var text = ServerText.Get(key, args);
                return new MigrationOutcome(row.Id, row.Title, areas.DisplayName(row.VillagePath), row.DefinitionKey, to.Key, row.CurrentStep, null, [], [],
                    [new MigrationProblem(rule, text.Zh, text.En)], false);
            }

            if (row.DefinitionKey != fromKey)
            {
                outcomes.Add(Refused("migration.not-on-version", "MigrationNotOnVersion", row.Id, row.DefinitionKey, fromKey));
                continue;
            }

            MigrationPlan plan;
            try
            {
                plan = await runner.MigrateAsync(row, to, toProfile, request.Mapping ?? new Dictionary<string, string>(), actor, request.Reason, command.DryRun, cancellationToken);
            }
            catch (ConcurrencyConflictException)
            {
                outcomes.Add(Refused("migration.conflict", "MigrationConflict", row.Id));
                continue;
            }

            outcomes.Add(new MigrationOutcome(
                row.Id, row.Title, areas.DisplayName(row.VillagePath), plan.From, plan.To, plan.FromStep, plan.ToStep,
                [.. plan.TimersCancelled.Select(t => new MigrationTimer(t.TimerId, t.StepId, Projection.Kebab(t.Purpose), t.DueAt))],
                [.. plan.TimersCreated.Select(t => new MigrationTimer(t.TimerId, t.StepId, Projection.Kebab(t.Purpose), t.DueAt))],
                [.. plan.Problems.Select(p => new MigrationProblem(p.Rule, p.Message.Zh, p.Message.En))],
                plan.Allowed && !command.DryRun));
        }

        return new MigrationReport(command.DryRun, outcomes.Count, outcomes.Count(o => o.Migrated), outcomes.Count(o => o.Problems.Count > 0), more,
            more ? work[^1].Row.Id : null, outcomes);
    }

    // The instances: those named (any status or version, so each is reported, never silently skipped; one outside the
    // caller's areas is "not found", as if it did not exist), or every running one of the old version in the caller's
    // areas (at the step, when one is given), by id after the cursor, one more than the page to say more remain.
    private async Task<List<ProposalRow>> Candidates(Caller caller, string fromKey, MigrationRequest request, CancellationToken ct)
    {
        if (request.ProposalIds is { } ids)
        {
            var named = new List<ProposalRow>();
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                var row = await store.GetProposalAsync(id, ct);
                if (row is null || !caller.Administers(row.VillagePath))
                {
                    throw ServerText.Problem(StatusCodes.Status404NotFound, "proposal.not-found", "ProposalNotFound", id);
                }

                named.Add(row);
            }

            return named;
        }

        var scopes = caller.Grants.Where(g => g.Role == Roles.Administrator).Select(g => g.Scope).Distinct(StringComparer.Ordinal).ToList();
        var sql = new System.Text.StringBuilder($"SELECT {Database.ProposalColumns} FROM proposals WHERE definition_key = @fromKey AND status = 'running' AND ");
        var args = new DynamicParameters(new { fromKey, atStep = request.AtStep, after = request.After ?? "", limit = MigrateInstances.MaxInstances + 1 });
        Database.AppendScopes(sql, args, "village_path", scopes);
        sql.Append(request.AtStep is null ? "" : " AND current_step = @atStep").Append(" AND id > @after ORDER BY id LIMIT @limit");
        await using var connection = await store.OpenAsync(ct);
        return [.. await connection.QueryAsync<ProposalRow>(new CommandDefinition(sql.ToString(), args, cancellationToken: ct))];
    }
}
