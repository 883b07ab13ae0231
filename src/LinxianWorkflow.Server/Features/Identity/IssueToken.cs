using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Identity;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>The body of POST /api/tokens: a long-lived token for a script, valid for <paramref name="Days"/> days (at most 3 years).</summary>
public sealed record TokenRequest(string Name, int Days = 365);

/// <summary>The caller issues a long-lived token for themselves (for scripts); it carries the caller's own grants, no more.</summary>
public sealed record IssueToken(Caller Caller, TokenRequest Request) : ICommand<IssuedToken>, ICallerMessage, IValidatedMessage
{
    public ProblemException? Validate() =>
        string.IsNullOrWhiteSpace(Request.Name) || Request.Name.Length > 100
            ? ServerText.Problem(StatusCodes.Status400BadRequest, "token.name", "FieldRequired", "name")
            : Request.Days is < 1 or > 1096
                ? ServerText.Problem(StatusCodes.Status400BadRequest, "token.days", "FieldInvalid", "days", "1..1096")
                : null;
}

public sealed class IssueTokenHandler(UserQueries users, AdjustableClock clock) : ICommandHandler<IssueToken, IssuedToken>
{
    public async ValueTask<IssuedToken> Handle(IssueToken command, CancellationToken cancellationToken)
    {
        var now = clock.Real.GetUtcNow();
        var (token, row) = Tokens.Issue(command.Caller.Id, "script", command.Request.Name, now, now.AddDays(command.Request.Days));
        await users.AddTokenAsync(row, cancellationToken);
        return new IssuedToken(token, Tokens.IdOf(row.TokenHash), command.Caller.Id, command.Caller.Name, row.ExpiresAt);
    }
}
