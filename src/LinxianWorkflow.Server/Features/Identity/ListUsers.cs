using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>
/// An administrator lists users with their grants and tokens (ids only; a token is shown once, when issued): the users whose every grant
/// lies in the areas it administers, no others.
/// </summary>
public sealed record ListUsers(Caller Caller) : IQuery<IReadOnlyList<UserView>>, IAdministrationMessage;

public sealed record TokenView(string TokenId, string Kind, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

public sealed record UserView(
    string Id, string UserName, string DisplayName, IReadOnlyList<RoleGrant> Grants, bool Disabled, DateTimeOffset? LockedUntil, IReadOnlyList<TokenView> Tokens,
    string? Phone = null, string? WeComId = null)
{
    /// <summary>A user row as the administrator reads it, with its tokens (ids only).</summary>
    public static async Task<UserView> OfAsync(WorkflowStore store, UserRow u, CancellationToken ct)
    {
        var tokens = await store.ListTokensAsync(u.Id, ct);
        return new UserView(u.Id, u.UserName, u.DisplayName, LinxianWorkflow.Server.Identity.Tokens.GrantsOf(u), u.Disabled, u.LockedUntil,
            [.. tokens.Select(t => new TokenView(LinxianWorkflow.Server.Identity.Tokens.IdOf(t.TokenHash), t.Kind, t.Name, t.CreatedAt, t.ExpiresAt, t.RevokedAt))],
            u.Phone, u.WeComId);
    }
}

public sealed class ListUsersHandler(WorkflowStore store) : IQueryHandler<ListUsers, IReadOnlyList<UserView>>
{
    public async ValueTask<IReadOnlyList<UserView>> Handle(ListUsers query, CancellationToken cancellationToken)
    {
        var users = new List<UserView>();
        await foreach (var u in store.AllUsersAsync(cancellationToken))
        {
            if (query.Caller.Administers(LinxianWorkflow.Server.Identity.Tokens.GrantsOf(u)))
            {
                users.Add(await UserView.OfAsync(store, u, cancellationToken));
            }
        }

        return users;
    }
}

/// <summary>An administrator reads one user, with grants and tokens (the user page: one user, not the whole list).</summary>
public sealed record GetUser(Caller Caller, string UserId) : IQuery<UserView>, IAdministrationMessage;

public sealed class GetUserHandler(WorkflowStore store, AreaRegistry areas) : IQueryHandler<GetUser, UserView>
{
    public async ValueTask<UserView> Handle(GetUser query, CancellationToken cancellationToken)
    {
        var user = await store.GetUserAsync(query.UserId, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "user.unknown", "UserUnknown", query.UserId);
        return GrantRules.CheckAdministers(query.Caller, areas, user) is { } outsider ? throw outsider : await UserView.OfAsync(store, user, cancellationToken);
    }
}
