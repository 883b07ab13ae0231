using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LinxianWorkflow.Server.Storage;
using Mediator;

namespace LinxianWorkflow.Server.Application;

/// <summary>Who the caller is: signed in, an administrator for administration, not read-only for a change (jurisdiction over a proposal: <see cref="ProposalAccess"/>).</summary>
public sealed class AuthorizationBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ICallerMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var caller = message.Caller;
        if (!caller.IsAuthenticated)
        {
            throw ServerText.Problem(StatusCodes.Status401Unauthorized, "auth.required", "AuthRequired");
        }

        if (message is IAdministrationMessage && !caller.IsAdministrator)
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.administrator", "AuthAdministrator");
        }

        if (message is IChangeMessage && caller.IsReadOnly)
        {
            throw ServerText.Problem(StatusCodes.Status403Forbidden, "auth.read-only", "AuthReadOnly");
        }

        return await next(message, cancellationToken);
    }
}

/// <summary>Input checks a use case declares, before anything is loaded.</summary>
public sealed class ValidationBehaviour<TMessage, TResponse> : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IValidatedMessage
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        message.Validate() is { } problem ? throw problem : next(message, cancellationToken);
}

/// <summary>
/// Idempotency-Key: the first answer is stored with the command's events, in the same transaction; a retry
/// with the same key and the same request gets that answer back and appends nothing.
/// </summary>
public sealed class IdempotencyBehaviour<TMessage, TResponse>(Database store) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IIdempotentMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message.IdempotencyKey is not { } key)
        {
            return await next(message, cancellationToken);
        }

        if (await Replay(message, key, cancellationToken) is { } first)
        {
            return first;
        }

        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception e) when (e is ConcurrencyConflictException or ProblemException { Status: StatusCodes.Status409Conflict })
        {
            // Two retries raced: the loser finds the winner's answer under the same key.
            if (await Replay(message, key, cancellationToken) is { } winner)
            {
                return winner;
            }

            throw;
        }
    }

    private async Task<TResponse?> Replay(TMessage message, string key, CancellationToken ct)
    {
        var stored = await store.GetIdempotencyAsync(message.Caller.Id, key, ct);
        if (stored is null)
        {
            return default;
        }

        if (stored.RequestHash.Trim() != Idempotency.Hash(message))
        {
            throw ServerText.Problem(StatusCodes.Status422UnprocessableEntity, "idempotency.key-reused", "IdempotencyReused", key);
        }

        return JsonSerializer.Deserialize<TResponse>(stored.Response, EventCodec.Json);
    }
}

/// <summary>What an idempotency key is stored with: the SHA-256 of the request's fingerprint.</summary>
public static class Idempotency
{
    public static string Hash(IIdempotentMessage message) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.Fingerprint())));
}
