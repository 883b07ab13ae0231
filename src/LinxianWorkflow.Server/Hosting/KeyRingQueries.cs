using Dapper;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Hosting;

/// <summary>
/// The data-protection key ring's table (<c>data_protection_keys</c>, migration 0020), read and written synchronously as
/// ASP.NET Core's <c>IXmlRepository</c> asks; registered by <see cref="KeyRing.AddKeyRing"/>.
/// </summary>
public sealed class KeyRingQueries(Database store)
{
    private const long KeyRingLock = 0x4450526b; // "DPRk": one node at a time makes the ring's first key

    public IReadOnlyList<string> Keys()
    {
        using var connection = store.Open();
        return [.. connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY stored_at, friendly_name")];
    }

    /// <summary>Stores a key element once by its name (a second node storing the same name changes nothing).</summary>
    public void Store(string friendlyName, string xml, DateTimeOffset at)
    {
        using var connection = store.Open();
        connection.Execute(
            "INSERT INTO data_protection_keys (friendly_name, xml, stored_at) VALUES (@friendlyName, @xml, @at) ON CONFLICT (friendly_name) DO NOTHING",
            new { friendlyName, xml, at = at.ToUniversalTime() });
    }

    /// <summary>
    /// Runs <paramref name="work"/> while holding the key ring's lock: on PostgreSQL a session advisory lock, waited for,
    /// so two nodes starting at once take turns; SQLite has one process writing anyway.
    /// </summary>
    public void WithLock(Action work)
    {
        if (!store.IsPostgres)
        {
            work();
            return;
        }

        using var connection = store.Open();
        connection.Execute("SELECT pg_advisory_lock(@KeyRingLock)", new { KeyRingLock });
        try
        {
            work();
        }
        finally
        {
            connection.Execute("SELECT pg_advisory_unlock(@KeyRingLock)", new { KeyRingLock });
        }
    }
}
