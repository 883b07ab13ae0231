using System.Net.Sockets;
using LinxianWorkflow.Server.Application;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace LinxianWorkflow.Server.Storage;

/// <summary>
/// A database that cannot be reached is not a bug in the request: it is a 503 <c>store.unavailable</c> with
/// Retry-After, nothing done. When the connection broke while a command was being committed, whether it was saved is
/// unknown: a 503 <c>store.outcome-unknown</c> telling the client to retry with the same idempotency key.
/// </summary>
public static class StoreFailure
{
    /// <summary>Seconds a client is told to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// True when <paramref name="exception"/> says the database could not be reached or went away: a connection-level
    /// failure inside Npgsql (socket, stream, Npgsql's own timeout), PostgreSQL shutting down or refusing connections
    /// (57P01–57P03, 53300), SQLite busy or locked. Not a deadlock, a full disk or a slow query's own error: those are
    /// faults to log, not outages to wait out.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" }:
                case NpgsqlException { InnerException: IOException or SocketException or TimeoutException } and not PostgresException:
                case SqliteException { SqliteErrorCode: 5 or 6 }: // busy, locked: another writer holds the file
                    return true;
                default:
                    break;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the command surely did not reach the database: the connection was refused or never opened, PostgreSQL
    /// refused it, or SQLite was busy (its commit is all or nothing and did not happen).
    /// </summary>
    public static bool NeverConnected(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable }
                or PostgresException { SqlState: "57P03" or "53300" }
                or SqliteException { SqliteErrorCode: 5 or 6 })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for a deadlock or a serialization failure: nothing was saved, and the same request may simply be sent again.</summary>
    public static bool IsRetryableConflict(Exception? exception) =>
        exception is PostgresException { SqlState: "40P01" or "40001" } || exception?.InnerException is PostgresException { SqlState: "40P01" or "40001" };

    /// <summary>Notes on the request that the database could not be reached while identifying the caller.</summary>
    public static void Mark(HttpContext context, Exception exception) => context.Items[typeof(StoreFailure)] = exception;

    /// <summary>The failure <see cref="Mark"/> noted, if any.</summary>
    public static Exception? Marked(HttpContext context) => context.Items.TryGetValue(typeof(StoreFailure), out var e) ? e as Exception : null;

    public static ProblemException Unavailable() =>
        ServerText.Problem(StatusCodes.Status503ServiceUnavailable, "store.unavailable", "StoreUnavailable", RetryAfterSeconds);

    public static ProblemException OutcomeUnknown() =>
        ServerText.Problem(StatusCodes.Status503ServiceUnavailable, "store.outcome-unknown", "StoreOutcomeUnknown");
}
