using System.Text.RegularExpressions;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Areas;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Identity;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>Revokes one of a user's tokens: the caller's own, or, for an administrator, those of the users it administers.</summary>
public sealed partial record RevokeToken(Caller Caller, string UserId, string TokenId) : ICommand<Unit>, ICallerMessage, IValidatedMessage
{
    public ProblemException? Validate() =>
        TokenIdPattern().IsMatch(TokenId) ? null : ServerText.Problem(StatusCodes.Status404NotFound, "token.unknown", "TokenUnknown", TokenId);

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex TokenIdPattern();
}

public sealed class RevokeTokenHandler(UserQueries users, AdjustableClock clock, TokenCache cache, AreaRegistry areas) : ICommandHandler<RevokeToken, Unit>
{
    public async ValueTask<Unit> Handle(RevokeToken command, CancellationToken cancellationToken)
    {
        if (command.UserId != command.Caller.Id)
        {
            if (!command.Caller.IsAdministrator)
            {
                throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.administrator", "AuthAdministrator");
            }

            var user = await users.GetAsync(command.UserId, cancellationToken)
                ?? throw ServerText.Problem(StatusCodes.Status404NotFound, "token.unknown", "TokenUnknown", command.TokenId);
            if (GrantRules.CheckAdministers(command.Caller, areas, user) is { } outsider)
            {
                throw outsider;
            }
        }

        var revoked = await users.RevokeTokenAsync(command.UserId, command.TokenId, clock.Real.GetUtcNow(), cancellationToken);
        cache.Clear();
        return revoked
            ? Unit.Value
            : throw ServerText.Problem(StatusCodes.Status404NotFound, "token.unknown", "TokenUnknown", command.TokenId);
    }
}
