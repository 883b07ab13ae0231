using Dapper;
using LinxianWorkflow.Server.Hosting;
using LinxianWorkflow.Server.Storage;

namespace LinxianWorkflow.Server.Demo;

/// <summary>
/// The demo and real use never share a database (issue 16): a database the demo seeded is marked so (settings
/// <see cref="Marker"/>), and its users are the demo's (ids "demo-…", every password <see cref="DemoSeeder.Password"/>).
/// A start without --demo refuses a database with either; a start with --demo refuses a database that holds users or
/// proposals and is not marked, since the demo would add its well-known accounts to real data.
/// </summary>
public static class DemoGuard
{
    /// <summary>Set when the demo begins seeding a database (before its first user); `demo.seeded` once it is done.</summary>
    public const string Marker = "demo.database";

    public static async Task CheckAsync(Database store, bool demo)
    {
        await using var connection = await store.OpenAsync();
        var marked = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM settings WHERE key IN (@Marker, 'demo.seeded')", new { Marker }) > 0;
        var demoUsers = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE id LIKE 'demo-%'");
        if (!demo && (marked || demoUsers > 0))
        {
            throw new StartRefusedException(
                $"这是演示数据库（有 {demoUsers} 个公开密码的演示账户），拒绝在正式模式下启动：正式使用请换一个新的数据库，演示请加 --demo / " +
                $"this is a demo database ({demoUsers} demo accounts with a published password): it does not start without --demo. " +
                "Use a new database for real work, or start the demo with --demo.");
        }

        if (demo && !marked && await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM proposals)"))
        {
            throw new StartRefusedException(
                "该数据库已有正式数据，拒绝以演示模式（--demo）启动：演示会添加公开密码的账户。演示请使用单独的数据库 / " +
                "this database holds real users or proposals, so it does not start with --demo (the demo would add accounts " +
                "with a published password). Give the demo a database of its own.");
        }
    }
}
