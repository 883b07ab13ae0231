using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace LinxianWorkflow.Server.Storage;

/// <summary>The data-protection key ring (migration 0020), read and written synchronously as ASP.NET Core's IXmlRepository asks.</summary>
public sealed partial class WorkflowStore
{
    public IReadOnlyList<string> DataProtectionKeys()
    {
        using var connection = Open();
        return [.. connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY stored_at, friendly_name")];
    }

    /// <summary>Stores a key element once by its name (a second node storing the same name changes nothing).</summary>
    public void StoreDataProtectionKey(string friendlyName, string xml, DateTimeOffset at)
    {
        using var connection = Open();
        connection.Execute(
            "INSERT INTO data_protection_keys (friendly_name, xml, stored_at) VALUES (@friendlyName, @xml, @at) ON CONFLICT (friendly_name) DO NOTHING",
            new { friendlyName, xml, at = at.ToUniversalTime() });
    }

    private const long KeyRingLock = 0x4450526b; // "DPRk": one node at a time makes the ring's first key

    /// <summary>
    /// Runs <paramref name="work"/> while holding the key ring's lock: on PostgreSQL a session advisory lock, waited for,
    /// so two nodes starting at once take turns; SQLite has one process writing anyway.
    /// </summary>
    public void WithKeyRingLock(Action work)
    {
        if (_postgres is null)
        {
            work();
            return;
        }

        using var connection = _postgres.OpenConnection();
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

    private DbConnection Open()
    {
        if (_postgres is not null)
        {
            return _postgres.OpenConnection();
        }

        var connection = new SqliteConnection(_sqlite);
        connection.Open();
        return connection;
    }
}
