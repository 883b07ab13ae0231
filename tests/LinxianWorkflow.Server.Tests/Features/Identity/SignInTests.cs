using System.Net;
using LinxianWorkflow.Server.Tests.Infrastructure;
using LinxianWorkflow.Server.Web;

namespace LinxianWorkflow.Server.Tests.Features.Identity;

// Sign-in over real HTTP, once on SQLite and once on PostgreSQL (the classes at the bottom). The server trusts the test
// as its proxy, so each request can come from an address of its own (X-Forwarded-For), as clients behind a real proxy do.

public abstract class SignInTests<TService>(TService service) : IClassFixture<TService>
    where TService : ServiceFixture
{
    private const string Xiwan = "141124/141124109/141124109207";
    private const string Password = "right-password-1";

    private ApiClient Api => service.Api;

    [Fact]
    public async Task Fifty_concurrent_wrong_passwords_check_at_most_the_limit_and_lock_the_account()
    {
        var (name, id) = await NewUserAsync();

        // Fifty wrong passwords at once, each from an address of its own (so no address limit steps in).
        var burst = await Task.WhenAll(Enumerable.Range(1, 50).Select(i => SignInAsync(name, "wrong-password-" + i, $"10.50.0.{i}")));
        Assert.All(burst, reply => Assert.Equal((401, "auth.sign-in-failed"), (reply.Code, reply.Rule)));

        // Each attempt takes one of the account's five before its password is checked: five were checked, the rest refused unchecked.
        await using (var store = service.OpenStore())
        {
            var row = (await new Server.Features.Identity.UserQueries(store).FindAsync(name))!;
            Assert.Equal(5, row.FailedLogins);
            Assert.NotNull(row.LockedUntil);
        }

        // So the account is locked: even the right password is refused, with the same answer.
        var locked = await SignInAsync(name, Password, "10.50.1.1");
        Assert.Equal((401, "auth.sign-in-failed"), (locked.Code, locked.Rule));

        // A password reset lifts the lock.
        var admin = await service.TokenFor("admin");
        Assert.Equal(204, (await Api.Send(HttpMethod.Patch, $"/api/users/{id}", "{\"password\":\"reset-password-1\"}", admin)).Code);
        Assert.Equal(200, (await SignInAsync(name, "reset-password-1", "10.50.1.2")).Code);
    }

    [Fact]
    public async Task Unknown_wrong_locked_and_disabled_accounts_get_one_and_the_same_answer()
    {
        var (name, _) = await NewUserAsync();
        var (disabledName, disabledId) = await NewUserAsync();
        Assert.Equal(204, (await Api.Send(HttpMethod.Patch, $"/api/users/{disabledId}", "{\"disabled\":true}", await service.TokenFor("admin"))).Code);

        var unknown = await SignInAsync("nobody-" + Guid.NewGuid().ToString("N")[..8], Password, "10.51.0.1");
        var wrong = await SignInAsync(name, "wrong-password", "10.51.0.2");
        for (var i = 0; i < 4; i++)
        {
            await SignInAsync(name, "wrong-password", "10.51.0.3");
        }

        var locked = await SignInAsync(name, Password, "10.51.0.4");
        var disabled = await SignInAsync(disabledName, Password, "10.51.0.5");

        // Same status, rule and body, word for word but for the request's own trace id: nothing tells an unknown name from a
        // known one, or a locked account from a wrong password.
        Assert.Equal((401, "auth.sign-in-failed"), (unknown.Code, unknown.Rule));
        Assert.StartsWith("用户名或密码不正确", unknown.Json.GetProperty("zh-CN").GetString(), StringComparison.Ordinal);
        static string Body(Reply reply)
        {
            var body = System.Text.Json.Nodes.JsonNode.Parse(reply.Text)!.AsObject();
            Assert.True(body.Remove("traceId"));
            return body.ToJsonString();
        }

        foreach (var reply in new[] { wrong, locked, disabled })
        {
            Assert.Equal((unknown.Code, Body(unknown)), (reply.Code, Body(reply)));
            Assert.Null(reply.Headers.RetryAfter);
        }
    }

    [Fact]
    public async Task One_address_is_limited_across_accounts_on_every_node_and_locks_nobody_out()
    {
        var (name, _) = await NewUserAsync();

        // Twenty wrong passwords from one address, each for another account, are answered; then that address is told to wait.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(401, (await SignInAsync($"sprayed-{i}", "summer-2026!", "10.52.0.1")).Code);
        }

        var limited = await SignInAsync(name, Password, "10.52.0.1");
        Assert.Equal((429, "auth.address-limited"), (limited.Code, limited.Rule));
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 600);

        // The count is in the database: another node of the deployment refuses the address too.
        await using (var other = await ServerProcess.StartAsync(service.Arguments))
        {
            using var otherApi = new ApiClient(other.Url);
            Assert.Equal("auth.address-limited", (await SignInAsync(name, Password, "10.52.0.1", otherApi)).Rule);
        }

        // The refused attempt never touched the account: from another address it signs in at once.
        Assert.Equal(200, (await SignInAsync(name, Password, "10.52.0.2")).Code);

        // Right passwords are given back: one address (a village office) signs in more often than the limit.
        for (var i = 0; i < 22; i++)
        {
            Assert.Equal(200, (await SignInAsync(name, Password, "10.52.0.3")).Code);
        }
    }

    [Fact]
    public async Task A_password_reset_or_disabling_ends_every_session_and_token_on_every_node()
    {
        var (name, id, first, second, script) = await UserWithTokensAsync();
        Assert.Equal(200, (await Api.Get("/api/inbox", first)).Code);
        await using var other = await ServerProcess.StartAsync(service.Arguments);
        using var otherApi = new ApiClient(other.Url);

        var admin = await service.TokenFor("admin");
        Assert.Equal(204, (await Api.Send(HttpMethod.Patch, $"/api/users/{id}", "{\"password\":\"reset-password-2\"}", admin)).Code);
        foreach (var token in new[] { first, second, script })
        {
            Assert.Equal(401, (await Api.Get("/api/inbox", token)).Code);
            Assert.Equal(401, (await otherApi.Get("/api/inbox", token)).Code);
        }

        // Disabling ends sessions too, for good: enabling the account again does not bring them back.
        var third = await SessionAsync(name, "reset-password-2");
        Assert.Equal(204, (await Api.Send(HttpMethod.Patch, $"/api/users/{id}", "{\"disabled\":true}", admin)).Code);
        Assert.Equal(401, (await otherApi.Get("/api/inbox", third)).Code);
        Assert.Equal(204, (await Api.Send(HttpMethod.Patch, $"/api/users/{id}", "{\"disabled\":false}", admin)).Code);
        Assert.Equal(401, (await Api.Get("/api/inbox", third)).Code);
        Assert.Equal(200, (await Api.Get("/api/inbox", await SessionAsync(name, "reset-password-2"))).Code);
    }

    [Fact]
    public async Task Signing_out_everywhere_ends_every_session_of_the_caller_and_no_one_else_s()
    {
        var (name, _, first, second, script) = await UserWithTokensAsync();
        var someoneElse = await service.TokenFor("xiwan-secretary");

        var ended = await Api.Post("/api/sessions/revoke-all", null, second);
        Assert.Equal(200, ended.Code);
        Assert.Equal(3, ended.Json.GetProperty("revoked").GetInt32());
        foreach (var token in new[] { first, second, script })
        {
            Assert.Equal(401, (await Api.Get("/api/inbox", token)).Code);
        }

        Assert.Equal(200, (await Api.Get("/api/inbox", someoneElse)).Code);

        // On the pages: the header's "sign out everywhere" ends the session on the phone as well as on this desk.
        using var phone = new PageSession(service.Server.Url);
        using var desk = new PageSession(service.Server.Url);
        await phone.SignInAsync(name, Password);
        await desk.SignInAsync(name, Password);
        var signOut = (await desk.GetAsync("/")).Document.QuerySelector("form[action='/logout']")!;
        Assert.NotNull(signOut.QuerySelector("button[name=everywhere]"));
        var fields = PageSession.Fields(signOut);
        fields.Add(new("everywhere", "true"));
        Assert.Equal(HttpStatusCode.Redirect, (await desk.PostAsync("/logout", fields)).Status);
        var phoneHome = await phone.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, phoneHome.Status);
        Assert.StartsWith("/login", phoneHome.Response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_return_address_after_sign_in_is_never_another_host()
    {
        // As sent in the query: a tab, an encoded tab, a backslash, two slashes, an encoded slash; each would be read as "//host" somewhere.
        foreach (var sent in new[] { "/%09/host", "/%2509/host", "/%5Chost", "/%5C/host", "//host", "%2F%2Fhost", "/%252F/host", "/%20/host", "https://host/" })
        {
            using var session = new PageSession(service.Server.Url);
            var form = (await session.GetAsync("/login?return=" + sent)).Document.QuerySelector("input[name=return]")!;
            Assert.True(form.GetAttribute("value") == "/", $"{sent}: {form.GetAttribute("value")}");
            var signedIn = await session.SignInAsync("xiwan-secretary", query: "?return=" + sent);
            Assert.True(signedIn.Headers.Location?.OriginalString == "/", $"{sent}: {signedIn.Headers.Location}");
        }

        using var kept = new PageSession(service.Server.Url);
        var back = await kept.SignInAsync("xiwan-secretary", query: "?return=" + Uri.EscapeDataString("/villages?q=%E8%A5%BF"));
        Assert.Equal("/villages?q=%E8%A5%BF", back.Headers.Location?.OriginalString);

        // The same rule as a table, with what a query cannot carry unchanged.
        foreach (var target in new[] { "/\t/host", "/\\host", "//host", "/\u3000/host", "/%09/host", "\\/host", "", null })
        {
            Assert.Equal("/", PageSetup.LocalOnly(target));
        }

        Assert.Equal("/proposals/x?tab=history", PageSetup.LocalOnly("/proposals/x?tab=history"));
    }

    private Task<Reply> SignInAsync(string userName, string password, string from, ApiClient? api = null) =>
        (api ?? Api).Post("/api/auth/login", new { userName, password }, null, new Dictionary<string, string> { ["X-Forwarded-For"] = from });

    private async Task<string> SessionAsync(string userName, string password)
    {
        var reply = await SignInAsync(userName, password, "10.49.0.1");
        Assert.True(reply.Code == 200, reply.ToString());
        return reply.Json.GetProperty("token").GetString()!;
    }

    /// <summary>A new user signed in twice, with a script token taken from the first session.</summary>
    private async Task<(string Name, string Id, string First, string Second, string Script)> UserWithTokensAsync()
    {
        var (name, id) = await NewUserAsync();
        var first = await SessionAsync(name, Password);
        var second = await SessionAsync(name, Password);
        var script = (await Api.Post("/api/tokens", new { name = "script", days = 30 }, first)).Json.GetProperty("token").GetString()!;
        return (name, id, first, second, script);
    }

    /// <summary>A committee member of 西湾村 with <see cref="Password"/>, made by the county's administrator: name and id.</summary>
    private async Task<(string Name, string Id)> NewUserAsync()
    {
        var name = "signin-" + Guid.NewGuid().ToString("N")[..10];
        var created = await Api.Post("/api/users", new { userName = name, displayName = "登录测试", password = Password, grants = new[] { new { role = "committee-member", scope = Xiwan } } },
            await service.TokenFor("admin"));
        Assert.True(created.Code == 201, created.ToString());
        return (name, created.Json.GetProperty("id").GetString()!);
    }
}

/// <summary>The test is the server's trusted proxy, so X-Forwarded-For names each request's client.</summary>
public sealed class ProxiedSqliteService : SqliteService
{
    protected override IEnumerable<string> ExtraArguments => ["--Proxy:KnownProxies=127.0.0.1"];
}

public sealed class ProxiedPostgresService : PostgresService
{
    protected override IEnumerable<string> ExtraArguments => ["--Proxy:KnownProxies=127.0.0.1"];
}

public sealed class SqliteSignInTests(ProxiedSqliteService service) : SignInTests<ProxiedSqliteService>(service);

public sealed class PostgresSignInTests(ProxiedPostgresService service) : SignInTests<ProxiedPostgresService>(service);
