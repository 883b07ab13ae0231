using LinxianWorkflow.Server.Application;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Identity;
using Mediator;

namespace LinxianWorkflow.Server.Features.Identity;

/// <summary>Sign out everywhere: every session and script token of the caller is revoked, the one it came with included.</summary>
public sealed record EndAllSessions(Caller Caller) : ICommand<SessionsEnded>, ICallerMessage;

public sealed record SessionsEnded(int Revoked);

public sealed class EndAllSessionsHandler(UserQueries users, AdjustableClock clock, TokenCache cache) : ICommandHandler<EndAllSessions, SessionsEnded>
{
    public async ValueTask<SessionsEnded> Handle(EndAllSessions command, CancellationToken cancellationToken)
    {
        var revoked = await users.RevokeAllTokensAsync(command.Caller.Id, clock.Real.GetUtcNow(), cancellationToken);
        cache.Clear();
        return new SessionsEnded(revoked);
    }
}
