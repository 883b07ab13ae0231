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

/// <summary>Every register of a village, one per meeting kind the rule profiles know, and whether the caller may change them.</summary>
public sealed record RosterBook(string VillageCode, string VillageName, bool MayEdit, IReadOnlyList<Roster> Rosters);

/// <summary>
/// The registers of a village (its code, or a path ending in it): for anyone who may read the village's proposals. The
/// names are not public: the noticeboard and open data never show them.
/// </summary>
public sealed record GetRosters(Caller Caller, string Village) : IQuery<RosterBook>, ICallerMessage;

/// <summary>
/// Replaces a village's register for one meeting kind: by a grant that acts in the village (its cadres, the township's
/// reviewer); auditors and administrators read only. Names are trimmed; blank lines are dropped; a name given twice is
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

    /// <summary>True when the caller holds a grant that acts (not an auditor's or administrator's) covering the village.</summary>
    public static bool MayEdit(Caller caller, string villagePath) =>
        caller.Grants.Any(g => !Engine.Roles.NeverAct.Contains(g.Role) && g.Role != Engine.Roles.Public && g.Covers(villagePath));
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

        var kept = (await store.ForVillageAsync(code, cancellationToken)).ToDictionary(r => r.MeetingKind, StringComparer.Ordinal);
        return new RosterBook(code, name, RosterScope.MayEdit(query.Caller, path), [.. scope.MeetingKinds.Select(kind =>
            kept.GetValueOrDefault(kind) ?? new Roster(kind, [], null, null))]);
    }
}

public sealed class SetRosterHandler(RosterScope scope, RosterStore store, AreaRegistry areas, AdjustableClock clock) : ICommandHandler<SetRoster, Roster>
{
    public async ValueTask<Roster> Handle(SetRoster command, CancellationToken cancellationToken)
    {
        var (code, path, _) = scope.Village(command.Village);
        if (!RosterScope.MayEdit(command.Caller, path))
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.jurisdiction", "AuthJurisdiction", areas.DisplayName(path));
        }

        if (!scope.MeetingKinds.Contains(command.MeetingKind, StringComparer.Ordinal))
        {
            throw ServerText.Problem(StatusCodes.Status404NotFound, "roster.kind", "RosterKindUnknown", command.MeetingKind, string.Join(", ", scope.MeetingKinds));
        }

        var roster = new Roster(command.MeetingKind, command.Names(), clock.Real.GetUtcNow(), command.Caller.Name);
        await store.SaveAsync(code, roster, cancellationToken);
        return roster;
    }
}
