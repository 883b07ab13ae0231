using System.Net;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;
using Microsoft.AspNetCore.Identity;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>The body of POST /api/auth/login.</summary>
public sealed record Credentials(string UserName, string Password);

/// <summary>
/// Password sign-in from a client's address: a session token valid for 12 hours. An unknown account, a wrong password and a locked or
/// disabled account get the same answer after the same work (a password hash checked), so the answer tells nothing about the account.
/// </summary>
public sealed record Login(Credentials Credentials, IPAddress? Client) : ICommand<IssuedToken>;

public sealed record IssuedToken(string Token, string TokenId, string UserId, string DisplayName, DateTimeOffset? ExpiresAt);

/// <summary>
/// How many wrong passwords are checked: per account, <see cref="FailuresPerAccount"/> in a row, then the account is locked for
/// <see cref="Lockout"/>; per client address, <see cref="FailuresPerAddress"/> in <see cref="AddressWindow"/> (Identity:SignInFailuresPerAddress,
/// Identity:SignInAddressWindowMinutes), so one address can neither lock out account after account nor try one password on every account.
/// </summary>
public sealed record SignInLimits(int FailuresPerAccount, TimeSpan Lockout, int FailuresPerAddress, TimeSpan AddressWindow)
{
    public static SignInLimits From(IConfiguration configuration) => new(5, TimeSpan.FromMinutes(15),
        configuration.GetValue("Identity:SignInFailuresPerAddress", 20), TimeSpan.FromMinutes(configuration.GetValue("Identity:SignInAddressWindowMinutes", 10.0)));
}

public sealed class LoginHandler(UserQueries users, RateLimits rateLimits, AdjustableClock clock, IPasswordHasher<UserRow> hasher, SignInLimits limits) : ICommandHandler<Login, IssuedToken>
{
    // Checked when there is no account's hash to check (unknown, disabled, locked): every refusal costs what a wrong password costs.
    private readonly Lazy<string> _decoy = new(() => hasher.HashPassword(new UserRow(), Tokens.NewPassword()));

    public async ValueTask<IssuedToken> Handle(Login command, CancellationToken cancellationToken)
    {
        var now = clock.Real.GetUtcNow(); // sessions and lockouts run on real time, not the demo clock

        // Both counts are taken before the password is checked, each in one statement, and given back on success: concurrent
        // attempts cannot all read the same count, so a burst checks no more passwords than the limits allow.
        var address = "sign-in:" + ClientAddress.Key(command.Client);
        var hit = await rateLimits.HitAsync(address, limits.AddressWindow, now, cancellationToken);
        if (hit.Hits > limits.FailuresPerAddress)
        {
            var wait = hit.WindowStartedAt + limits.AddressWindow - now;
            throw new ProblemException(StatusCodes.Status429TooManyRequests, "auth.address-limited",
                ServerText.Get("SignInAddressLimited", Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))))
            { RetryAfter = wait };
        }

        var user = await users.TakeSignInAttemptAsync(command.Credentials.UserName, limits.FailuresPerAccount, now, now + limits.Lockout, cancellationToken);
        var checkedHash = hasher.VerifyHashedPassword(user ?? new UserRow(), user?.PasswordHash ?? _decoy.Value, command.Credentials.Password);
        if (user?.PasswordHash is null || checkedHash == PasswordVerificationResult.Failed)
        {
            throw ServerText.Problem(StatusCodes.Status401Unauthorized, "auth.sign-in-failed", "SignInFailed");
        }

        var (token, row) = Tokens.Issue(user.Id, "session", "login", now, now + Tokens.SessionLifetime);
        await users.SignedInAsync(row, address, cancellationToken);
        return new IssuedToken(token, Tokens.IdOf(row.TokenHash), user.Id, user.DisplayName, row.ExpiresAt);
    }
}
