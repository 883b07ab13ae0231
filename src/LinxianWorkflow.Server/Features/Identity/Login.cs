using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>Password sign-in: a session token valid for 12 hours. Five failures in a row lock the account for 15 minutes.</summary>
public sealed record Login(string UserName, string Password) : ICommand<IssuedToken>;

public sealed record IssuedToken(string Token, string TokenId, string UserId, string DisplayName, DateTimeOffset? ExpiresAt);

public sealed class LoginHandler(WorkflowStore store, AdjustableClock clock, IPasswordHasher<UserRow> hasher) : ICommandHandler<Login, IssuedToken>
{
    private const int MaxFailures = 5;
    private static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    public async ValueTask<IssuedToken> Handle(Login command, CancellationToken cancellationToken)
    {
        var now = clock.Real.GetUtcNow(); // sessions and lockouts run on real time, not the demo clock
        var user = await store.FindUserAsync(command.UserName, cancellationToken);
        if (user is null || user.Disabled || user.PasswordHash is null)
        {
            throw ServerText.Problem(StatusCodes.Status401Unauthorized, "auth.login-failed", "LoginFailed");
        }

        if (user.LockedUntil > now)
        {
            throw ServerText.Problem(StatusCodes.Status429TooManyRequests, "auth.locked", "LoginLocked", Engine.Time.ChinaTime.Display(user.LockedUntil.Value));
        }

        if (hasher.VerifyHashedPassword(user, user.PasswordHash, command.Password) == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            if (user.FailedLogins >= MaxFailures)
            {
                user.LockedUntil = now + Lockout;
                user.FailedLogins = 0;
            }

            await store.UpdateUserAsync(user, cancellationToken);
            throw ServerText.Problem(StatusCodes.Status401Unauthorized, "auth.login-failed", "LoginFailed");
        }

        if (user.FailedLogins > 0 || user.LockedUntil is not null)
        {
            user.FailedLogins = 0;
            user.LockedUntil = null;
            await store.UpdateUserAsync(user, cancellationToken);
        }

        var (token, row) = Tokens.Issue(user.Id, "session", "login", now, now + Tokens.SessionLifetime);
        await store.AddTokenAsync(row, cancellationToken);
        return new IssuedToken(token, Tokens.IdOf(row.TokenHash), user.Id, user.DisplayName, row.ExpiresAt);
    }
}
