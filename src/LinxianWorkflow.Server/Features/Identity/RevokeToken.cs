using System.Text.RegularExpressions;
using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Identity;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>Revokes one of a user's tokens: the caller's own, or anyone's for an administrator.</summary>
public sealed partial record RevokeToken(Caller Caller, string UserId, string TokenId) : ICommand<Unit>, ICallerMessage, IValidatedMessage
{
    public ProblemException? Validate() =>
        TokenIdPattern().IsMatch(TokenId) ? null : ServerText.Problem(StatusCodes.Status404NotFound, "token.unknown", "TokenUnknown", TokenId);

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex TokenIdPattern();
}

public sealed class RevokeTokenHandler(WorkflowStore store, AdjustableClock clock, TokenCache cache) : ICommandHandler<RevokeToken, Unit>
{
    public async ValueTask<Unit> Handle(RevokeToken command, CancellationToken cancellationToken)
    {
        if (command.UserId != command.Caller.Id && !command.Caller.IsAdministrator)
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.administrator", "AuthAdministrator");
        }

        var revoked = await store.RevokeTokenAsync(command.UserId, command.TokenId, clock.Real.GetUtcNow(), cancellationToken);
        cache.Clear();
        return revoked
            ? Unit.Value
            : throw ServerText.Problem(StatusCodes.Status404NotFound, "token.unknown", "TokenUnknown", command.TokenId);
    }
}
