using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>
/// An administrator lists users with their grants and tokens (ids only; a token is shown once, when issued): the users whose every grant
/// lies in the areas it administers, no others; a page at a time, by user name after <paramref name="After"/>.
/// </summary>
public sealed record ListUsers(Caller Caller, string? After = null, int Limit = ListUsers.PageSize) : IQuery<UserPage>, IAdministrationMessage
{
    public const int PageSize = 200;
}

/// <summary>A page of users; <paramref name="Next"/> is the user name to read on from, null after the last.</summary>
public sealed record UserPage(IReadOnlyList<UserView> Users, string? Next);

public sealed record TokenView(string TokenId, string Kind, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

public sealed record UserView(
    string Id, string UserName, string DisplayName, IReadOnlyList<RoleGrant> Grants, bool Disabled, DateTimeOffset? LockedUntil, IReadOnlyList<TokenView> Tokens,
    string? Phone = null, string? WeComId = null, bool PhoneVerified = false)
{
    /// <summary>A user row as the administrator reads it, with its tokens (ids only).</summary>
    public static async Task<UserView> OfAsync(UserQueries users, UserRow u, CancellationToken ct)
    {
        var tokens = await users.ListTokensAsync(u.Id, ct);
        return new UserView(u.Id, u.UserName, u.DisplayName, LinxianWorkflow.Server.Identity.Tokens.GrantsOf(u), u.Disabled, u.LockedUntil,
            [.. tokens.Select(t => new TokenView(LinxianWorkflow.Server.Identity.Tokens.IdOf(t.TokenHash), t.Kind, t.Name, t.CreatedAt, t.ExpiresAt, t.RevokedAt))],
            u.Phone, u.WeComId, u.Phone is not null && u.PhoneVerifiedAt is not null);
    }
}

public sealed class ListUsersHandler(UserQueries users) : IQueryHandler<ListUsers, UserPage>
{
    private const int ScanPage = 500;

    public async ValueTask<UserPage> Handle(ListUsers query, CancellationToken cancellationToken)
    {
        // Users are read in pages by name and kept when the caller administers them, until the page is full: the answer
        // is bounded however many users the deployment has, and the scan goes on only as far as it must.
        var limit = Math.Clamp(query.Limit, 1, ListUsers.PageSize);
        var views = new List<UserView>();
        var after = query.After;
        while (true)
        {
            var page = await users.ListAsync(after, ScanPage, cancellationToken);
            foreach (var u in page)
            {
                after = u.UserName;
                if (query.Caller.Administers(LinxianWorkflow.Server.Identity.Tokens.GrantsOf(u)))
                {
                    views.Add(await UserView.OfAsync(users, u, cancellationToken));
                    if (views.Count == limit)
                    {
                        return new UserPage(views, after);
                    }
                }
            }

            if (page.Count < ScanPage)
            {
                return new UserPage(views, null);
            }
        }
    }
}

/// <summary>An administrator reads one user, with grants and tokens (the user page: one user, not the whole list).</summary>
public sealed record GetUser(Caller Caller, string UserId) : IQuery<UserView>, IAdministrationMessage;

public sealed class GetUserHandler(UserQueries users, AreaRegistry areas) : IQueryHandler<GetUser, UserView>
{
    public async ValueTask<UserView> Handle(GetUser query, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(query.UserId, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "user.unknown", "UserUnknown", query.UserId);
        return GrantRules.CheckAdministers(query.Caller, areas, user) is { } outsider ? throw outsider : await UserView.OfAsync(users, user, cancellationToken);
    }
}
