using LinxianWorkflow.Engine;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>The body of PATCH /api/users/{id}: any of new grants, disabled, a new password.</summary>
public sealed record UserChange(IReadOnlyList<RoleGrant>? Grants = null, bool? Disabled = null, string? Password = null, string? DisplayName = null);

/// <summary>
/// An administrator changes a user's grants, disables them, or resets their password (which also lifts a lockout). The user and every
/// new grant must lie in the administrator's areas. A reset or disabling ends every session and token the user has, on every node.
/// </summary>
public sealed record UpdateUser(Caller Caller, string UserId, UserChange Change) : ICommand<Unit>, IAdministrationMessage, IValidatedMessage
{
    public ProblemException? Validate() =>
        (Change.Grants is null ? null : GrantRules.Check(Change.Grants))
        ?? CreateUser.CheckUser("x", Change.DisplayName ?? "x", Change.Password);
}

public sealed class UpdateUserHandler(UserQueries users, IPasswordHasher<UserRow> hasher, TokenCache cache, WorkflowLibrary library, AreaRegistry areas, AdjustableClock clock)
    : ICommandHandler<UpdateUser, Unit>
{
    public async ValueTask<Unit> Handle(UpdateUser command, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(command.UserId, cancellationToken)
            ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "user.unknown", "UserUnknown", command.UserId);
        if (GrantRules.CheckAdministers(command.Caller, areas, user) is { } outsider)
        {
            throw outsider;
        }

        var change = command.Change;
        if (change.Grants is { } grants)
        {
            if ((GrantRules.CheckGrantable(command.Caller, areas, grants, Tokens.GrantsOf(user)) ?? GrantRules.CheckSeparation(library, areas, grants)) is { } refused)
            {
                throw refused;
            }

            user.Grants = Tokens.GrantsJson(grants);
        }

        var disabling = change.Disabled == true && !user.Disabled;
        user.Disabled = change.Disabled ?? user.Disabled;
        user.DisplayName = change.DisplayName ?? user.DisplayName;
        if (change.Password is { } password)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        await users.UpdateAsync(user, passwordReset: change.Password is not null, endSessions: disabling || change.Password is not null, clock.Real.GetUtcNow(), cancellationToken);
        cache.Clear();
        return Unit.Value;
    }
}
