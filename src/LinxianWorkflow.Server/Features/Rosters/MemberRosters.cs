using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Hosting;
using Mediator;

namespace LinxianWorkflow.Server.Features.Rosters;

/// <summary>A village's register of the members summoned to one kind of meeting (党员名册, 村民代表名册 …), in the order kept.</summary>
/// <param name="MeetingKind">The meeting kind, as the rule profiles name it ("party-members").</param>
/// <param name="Members">The members' names; empty while nobody has registered them.</param>
/// <param name="UpdatedAt">When it was last saved; null when never.</param>
/// <param name="UpdatedBy">Who saved it (their display name).</param>
public sealed record Roster(string MeetingKind, IReadOnlyList<string> Members, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>A save of a register: which, when, by whom, how many names it then held.</summary>
public sealed record RosterChange(string MeetingKind, DateTimeOffset At, string By, int Members);

/// <summary>
/// Every register of a village, one per meeting kind the rule profiles know; the kinds the caller may change
/// (<see cref="Editable"/>); the latest changes, newest first.
/// </summary>
public sealed record RosterBook(string VillageCode, string VillageName, IReadOnlyList<string> Editable, IReadOnlyList<Roster> Rosters, IReadOnlyList<RosterChange> Changes);

/// <summary>
/// The registers of a village (its code, or a path ending in it): for anyone who may read the village's proposals. The
/// names are not public: the noticeboard and open data never show them.
/// </summary>
public sealed record GetRosters(Caller Caller, string Village) : IQuery<RosterBook>, ICallerMessage;

/// <summary>
/// Replaces a village's register for one meeting kind: by whoever records that kind of meeting in the village (the roles
/// of the definitions' meeting steps that hold it: the party secretary for the party members, the chair for the
/// villagers' representatives); everyone else who may read the village reads only. Every save is kept. Names are trimmed; blank lines are dropped; a name given twice is
/// refused (two members of one name are told apart in the name itself, 王建国（东）).
/// </summary>
public sealed record SetRoster(Caller Caller, string Village, string MeetingKind, IReadOnlyList<string> Members) : ICommand<Roster>, IChangeMessage, IValidatedMessage
{
    public const int MaxMembers = 3000;
    public const int MaxNameLength = 32;

    public ProblemException? Validate()
    {
        if (Members.Count > MaxMembers)
        {
            return ServerText.Problem(StatusCodes.Status400BadRequest, "roster.too-long", "RosterTooLong", MaxMembers);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in Members)
        {
            if (raw is null)
            {
                return ServerText.Problem(StatusCodes.Status400BadRequest, "input.field", "FieldInvalid", "members", "null");
            }

            var name = raw.Trim();
            if (TextInput.HasControlCharacter(name))
            {
                return ServerText.Problem(StatusCodes.Status400BadRequest, "input.control-character", "ControlCharacter", "members");
            }

            if (name.Length > MaxNameLength)
            {
                return ServerText.Problem(StatusCodes.Status400BadRequest, "roster.name", "RosterName", name[..MaxNameLength], MaxNameLength);
            }

            if (name.Length > 0 && !seen.Add(name))
            {
                return ServerText.Problem(StatusCodes.Status400BadRequest, "roster.duplicate", "RosterDuplicate", name);
            }
        }

        return null;
    }

    /// <summary>The names as kept: trimmed, blanks dropped, in the order given.</summary>
    public IReadOnlyList<string> Names() => [.. Members.Select(m => m.Trim()).Where(m => m.Length > 0)];
}

/// <summary>Finds the village a request names and the meeting kinds a register may be kept for.</summary>
public sealed class RosterScope(AreaRegistry areas, WorkflowLibrary library)
{
    /// <summary>The meeting kinds any rule profile knows, in a stable order.</summary>
    public IReadOnlyList<string> MeetingKinds { get; } = [.. library.Catalog.Profiles.Values
        .SelectMany(p => p.Meetings.Keys)
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)];

    /// <summary>The village's path; a 404 naming the code when no village has it.</summary>
    public (string Code, string Path, string Name) Village(string codeOrPath)
    {
        var area = areas.Find(codeOrPath);
        if (area is null || area.Level is not (AreaLevel.Village or AreaLevel.Community))
        {
            throw ServerText.Problem(StatusCodes.Status404NotFound, "roster.village", "RosterVillageUnknown", codeOrPath);
        }

        return (area.Code, areas.PathOf(area.Code), areas.DisplayName(area.Code));
    }

    /// <summary>A meeting kind's name, as the newest profile that has it says it.</summary>
    public Engine.LocalizedText KindName(string kind) =>
        library.Catalog.Profiles.Values.OrderByDescending(p => p.Version).Select(p => p.Meetings.GetValueOrDefault(kind)?.Name).FirstOrDefault(n => n is not null)
            ?? new Engine.LocalizedText(kind, kind);

    /// <summary>The roles that record a meeting of <paramref name="kind"/>: those of every meeting step, in any definition, that holds one.</summary>
    public IReadOnlySet<string> Keepers(string kind) => _keepers.GetValueOrDefault(kind) ?? (IReadOnlySet<string>)new HashSet<string>();

    private readonly Dictionary<string, HashSet<string>> _keepers = library.Catalog.Definitions.Values
        .SelectMany(d => d.Steps)
        .Where(s => s.Kind == Engine.Definitions.StepKind.Meeting)
        .SelectMany(s => s.MeetingKinds.Select(k => (Kind: k, s.Roles)))
        .GroupBy(x => x.Kind, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.SelectMany(x => x.Roles).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>True when the caller holds, over the village, a role that records meetings of <paramref name="kind"/>.</summary>
    public bool MayEdit(Caller caller, string villagePath, string kind) =>
        caller.Grants.Any(g => Keepers(kind).Contains(g.Role) && g.Covers(villagePath));
}

public sealed class GetRostersHandler(RosterScope scope, RosterStore store, AreaRegistry areas) : IQueryHandler<GetRosters, RosterBook>
{
    public async ValueTask<RosterBook> Handle(GetRosters query, CancellationToken cancellationToken)
    {
        var (code, path, name) = scope.Village(query.Village);
        if (!query.Caller.CanRead(path))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.jurisdiction", "AuthJurisdiction", areas.DisplayName(path));
        }

        var (rosters, changes) = await store.ForVillageAsync(code, cancellationToken);
        var kept = rosters.ToDictionary(r => r.MeetingKind, StringComparer.Ordinal);
        return new RosterBook(code, name, [.. scope.MeetingKinds.Where(kind => scope.MayEdit(query.Caller, path, kind))],
            [.. scope.MeetingKinds.Select(kind => kept.GetValueOrDefault(kind) ?? new Roster(kind, [], null, null))], changes);
    }
}

public sealed class SetRosterHandler(RosterScope scope, RosterStore store, AreaRegistry areas, AdjustableClock clock) : ICommandHandler<SetRoster, Roster>
{
    public async ValueTask<Roster> Handle(SetRoster command, CancellationToken cancellationToken)
    {
        var (code, path, _) = scope.Village(command.Village);
        if (!command.Caller.CanRead(path))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.jurisdiction", "AuthJurisdiction", areas.DisplayName(path));
        }

        if (!scope.MeetingKinds.Contains(command.MeetingKind, StringComparer.Ordinal))
        {
            throw ServerText.Problem(StatusCodes.Status404NotFound, "roster.kind", "RosterKindUnknown", command.MeetingKind, string.Join(", ", scope.MeetingKinds));
        }

        if (!scope.MayEdit(command.Caller, path, command.MeetingKind))
        {
            var keepers = scope.Keepers(command.MeetingKind).Order(StringComparer.Ordinal).Select(Engine.Instances.Authorization.RoleName).ToList();
            var kind = scope.KindName(command.MeetingKind);
            throw new ProblemException(StatusCodes.Status403Forbidden, "roster.keeper", new Engine.LocalizedText(
                ServerText.Get("RosterKeeper", kind.Zh, string.Join("、", keepers.Select(k => k.Zh))).Zh,
                ServerText.Get("RosterKeeper", kind.En, string.Join(", ", keepers.Select(k => k.En))).En));
        }

        var roster = new Roster(command.MeetingKind, command.Names(), clock.Real.GetUtcNow(), command.Caller.Name);
        await store.SaveAsync(code, roster, command.Caller.Id, cancellationToken);
        return roster;
    }
}
