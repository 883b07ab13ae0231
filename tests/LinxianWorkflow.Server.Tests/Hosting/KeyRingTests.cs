using System.Net;
using System.Security.Cryptography;
using AngleSharp.Html.Parser;
using LinxianWorkflow.Server.Tests.Infrastructure;
using Npgsql;

namespace LinxianWorkflow.Server.Tests.Hosting;

/// <summary>
/// The deployment's first keys (issue 16): two nodes started at the same moment on one empty PostgreSQL database make
/// one data-protection key between them (so each accepts the other's forms from the first page on) and record one log key.
/// </summary>
public sealed class KeyRingTests
{
    [Fact]
    public async Task Two_nodes_starting_at_once_on_an_empty_database_make_one_key_ring_key_and_one_log_key()
    {
        var (app, owner) = await PostgresServer.CreateDatabaseAsync("firstkey");
        var secret = new Dictionary<string, string> { ["Privacy__Secret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        string[] Node() =>
            ["--Storage:Provider=postgres", $"--Storage:Postgres={app}", $"--Storage:PostgresMigrations={owner}",
             $"--Audit:KeyFile={Directory.CreateTempSubdirectory("linxian-node-").FullName}/log.key"];

        // The race made certain: the test holds the key ring's lock while both nodes start, and lets go once both wait for it.
        await using var holder = new NpgsqlConnection(owner);
        await holder.OpenAsync();
        await Sql(holder, $"SELECT pg_advisory_lock({KeyRingLock})");
        var starting = new[] { ServerProcess.StartAsync(Node(), secret), ServerProcess.StartAsync(Node(), secret) };
        await Features.Audit.LogNodes.UntilAsync(
            async () => await Sql(holder, $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {KeyRingLock} AND NOT granted " +
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 2,
            "both nodes wait for the key ring's lock");
        await Sql(holder, $"SELECT pg_advisory_unlock({KeyRingLock})");
        await Task.WhenAll(starting);
        await using var one = await starting[0];
        await using var two = await starting[1];

        // Both nodes serve their first form at once, each to a browser of its own: neither makes a key of its own.
        using var first = Browser();
        using var second = Browser();
        var pages = await Task.WhenAll(first.GetStringAsync(new Uri(one.Url, "/login")), second.GetStringAsync(new Uri(two.Url, "/login")));

        await using (var connection = new NpgsqlConnection(owner))
        {
            await connection.OpenAsync();
            await using var keys = new NpgsqlCommand("SELECT (SELECT count(*) FROM data_protection_keys WHERE friendly_name LIKE 'key-%'), (SELECT count(*) FROM log_keys)", connection);
            await using var reader = await keys.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((1L, 1L), (reader.GetInt64(0), reader.GetInt64(1)));
        }

        // The first node's form, posted to the second (and the second's to the first): the token is accepted, the
        // sign-in itself fails as for any unknown user (no one is seeded here), never as a forged form.
        foreach (var (browser, page, other) in new[] { (first, pages[0], two.Url), (second, pages[1], one.Url) })
        {
            var fields = PageSession.Fields((await new HtmlParser().ParseDocumentAsync(page)).QuerySelector("form.narrow")!);
            using var forged = await browser.PostAsync(new Uri(other, "/login"), new FormUrlEncodedContent(
                [.. fields.Where(f => f.Key != "__af"), new("userName", "nobody"), new("password", "wrong-password")]));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode); // without the token: the check is real
            using var posted = await browser.PostAsync(new Uri(other, "/login"), new FormUrlEncodedContent(
                [.. fields, new("userName", "nobody"), new("password", "wrong-password")]));
            Assert.True(posted.StatusCode == HttpStatusCode.Unauthorized, $"{posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The key ring's advisory lock (Database.KeyRing.cs), which nodes take to make the ring's first key.</summary>
    private const long KeyRingLock = 0x4450526b;

    private static async Task<long> Sql(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static HttpClient Browser() => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false });
}
