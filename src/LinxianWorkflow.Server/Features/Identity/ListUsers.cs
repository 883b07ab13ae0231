using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>An administrator lists users with their grants and tokens (ids only; a token is shown once, when issued).</summary>
public sealed record ListUsers(Caller Caller) : IQuery<IReadOnlyList<UserView>>, IAdministrationMessage;

public sealed record TokenView(string TokenId, string Kind, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

public sealed record UserView(string Id, string UserName, string DisplayName, IReadOnlyList<RoleGrant> Grants, bool Disabled, DateTimeOffset? LockedUntil, IReadOnlyList<TokenView> Tokens);

public sealed class ListUsersHandler(WorkflowStore store) : IQueryHandler<ListUsers, IReadOnlyList<UserView>>
{
    public async ValueTask<IReadOnlyList<UserView>> Handle(ListUsers query, CancellationToken cancellationToken)
    {
        var users = new List<UserView>();
        await foreach (var u in store.AllUsersAsync(cancellationToken))
        {
            var tokens = await store.ListTokensAsync(u.Id, cancellationToken);
            users.Add(new UserView(u.Id, u.UserName, u.DisplayName, Tokens.GrantsOf(u), u.Disabled, u.LockedUntil,
                [.. tokens.Select(t => new TokenView(Tokens.IdOf(t.TokenHash), t.Kind, t.Name, t.CreatedAt, t.ExpiresAt, t.RevokedAt))]));
        }

        return users;
    }
}
