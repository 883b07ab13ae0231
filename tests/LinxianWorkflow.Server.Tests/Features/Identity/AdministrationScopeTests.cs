using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Identity;

// An administrator reaches only inside its own areas, once on SQLite and once on PostgreSQL (the classes at the bottom). The
// demo's administrator holds 临县 (141124); a deployment-wide administrator, made on the command line, sets up a second county
// (柳林县, 141125) with its own administrator and clerk, and a user with grants in both.

public abstract partial class AdministrationScopeTests<TService>(TService service) : IClassFixture<TService>
    where TService : ServiceFixture
{
    private const string Xiwan = "141124/141124109/141124109207";
    private const string Liulin = "141125/141125100/141125100201";
    private const string Password = "liulin-password-1";

    private ApiClient Api => service.Api;

    [Fact]
    public async Task A_county_administrator_grants_only_inside_its_county_and_never_deployment_wide_administration()
    {
        var admin = await service.TokenFor("admin");
        var refused = new (object Grant, string Rule)[]
        {
            (new { role = "administrator", scope = "141125" }, "admin.scope"),
            (new { role = "committee-member", scope = Liulin }, "admin.scope"),
            (new { role = "county-auditor", scope = "" }, "admin.scope"),
            (new { role = "administrator", scope = "" }, "admin.deployment-wide"),
        };
        foreach (var (grant, rule) in refused)
        {
            var name = "scoped-" + Guid.NewGuid().ToString("N")[..8];
            var created = await Api.Post("/api/users", new { userName = name, displayName = "越权", grants = new[] { grant } }, admin);
            Assert.True((created.Code, created.Rule) == (403, rule), $"{grant}: {created}");
            Assert.Matches(ChineseFirst(), created.Json.GetProperty("detail").GetString()!);
            Assert.DoesNotContain(await UserNamesAsync(admin), n => n == name);

            // Nor by changing a user it does administer.
            var changed = await Api.Send(HttpMethod.Patch, "/api/users/demo-xiwan-committee",
                JsonSerializer.Serialize(new { grants = new[] { new { role = "committee-member", scope = Xiwan }, grant } }, ApiClient.JsonOptions), admin);
            Assert.True((changed.Code, changed.Rule) == (403, rule), $"{grant}: {changed}");
        }

        // Inside its county it may: another administrator of 临县 too.
        var county = await Api.Post("/api/users", new { userName = "scoped-" + Guid.NewGuid().ToString("N")[..8], displayName = "县管理员", grants = new[] { new { role = "administrator", scope = "141124" } } }, admin);
        Assert.Equal(201, county.Code);

        // Even a deployment-wide administrator cannot make another through the API: that is the command line's.
        var (_, root) = await RootAsync();
        var another = await Api.Post("/api/users", new { userName = "scoped-" + Guid.NewGuid().ToString("N")[..8], displayName = "越权", grants = new[] { new { role = "administrator", scope = "" } } }, root);
        Assert.Equal((403, "admin.deployment-wide"), (another.Code, another.Rule));
    }

    [Fact]
    public async Task A_county_administrator_neither_lists_reads_resets_disables_nor_revokes_users_outside_its_county()
    {
        var (rootName, root) = await RootAsync();
        var (liulinAdmin, _) = await AddAsync(root, "administrator", "141125");
        var (clerk, clerkId) = await AddAsync(root, "committee-member", Liulin);
        var (mixed, mixedId) = await AddAsync(root, "committee-member", Xiwan, ("committee-member", Liulin));
        var admin = await service.TokenFor("admin");

        // Each administrator lists its own county's users, and no one with a grant outside it.
        var ours = await UserNamesAsync(admin);
        Assert.Contains("xiwan-secretary", ours);
        Assert.DoesNotContain(liulinAdmin, ours);
        Assert.DoesNotContain(clerk, ours);
        Assert.DoesNotContain(mixed, ours);
        Assert.DoesNotContain(rootName, ours);
        var liulin = await UserNamesAsync(await SignInAsync(liulinAdmin));
        Assert.Equal(new[] { clerk, liulinAdmin }.Order(StringComparer.Ordinal), liulin.Order(StringComparer.Ordinal));
        Assert.Contains(mixed, await UserNamesAsync(root));

        // Reset, disable, revoke a token: refused for the outsiders, and nothing changed.
        var clerkToken = await SignInAsync(clerk);
        var clerkTokenId = (await Api.Post("/api/tokens", new { name = "script", days = 1 }, clerkToken)).Json.GetProperty("tokenId").GetString();
        foreach (var (id, change) in new[] { (clerkId, "{\"password\":\"taken-over-1\"}"), (mixedId, "{\"disabled\":true}"), (clerkId, "{\"displayName\":\"改名\"}") })
        {
            var refused = await Api.Send(HttpMethod.Patch, $"/api/users/{id}", change, admin);
            Assert.True((refused.Code, refused.Rule) == (403, "admin.scope"), $"{id} {change}: {refused}");
        }

        var revoke = await Api.Send(HttpMethod.Delete, $"/api/users/{clerkId}/tokens/{clerkTokenId}", null, admin);
        Assert.Equal((403, "admin.scope"), (revoke.Code, revoke.Rule));
        Assert.Equal(200, (await Api.Get("/api/inbox", clerkToken)).Code);
        await SignInAsync(clerk);
        await SignInAsync(mixed);

        // The user page refuses too.
        using var page = new PageSession(service.Server.Url);
        await page.SignInAsync("admin");
        var user = await page.GetAsync($"/admin/users/{clerkId}");
        Assert.Equal(HttpStatusCode.Forbidden, user.Status);
        Assert.Contains("admin.scope", user.Document.QuerySelector(".rule")!.TextContent, StringComparison.Ordinal);

        // Nor registers another county's townships' witness keys.
        var liulinToken = (await Api.Post("/api/auth/login", new { userName = liulinAdmin, password = Password })).Json.GetProperty("token").GetString();
        var publicKey = Enumerable.Range(1, 32).Select(b => (byte)b).ToArray();
        var key = new LinxianWorkflow.Audit.NoteVerifierKey("witness-141124109", LinxianWorkflow.Audit.NoteVerifierKey.KeyIdOf("witness-141124109", publicKey), publicKey);
        var witness = await Api.Post("/api/admin/witnesses", new { township = "141124/141124109", key = key.ToString() }, liulinToken);
        Assert.Equal((403, "admin.scope"), (witness.Code, witness.Rule));

        // The administrator of all their areas may.
        Assert.Equal(204, (await Api.Send(HttpMethod.Patch, $"/api/users/{mixedId}", "{\"disabled\":true}", root)).Code);
        Assert.Equal(401, (await Api.Post("/api/auth/login", new { userName = mixed, password = Password })).Code);
    }

    /// <summary>A deployment-wide administrator, made as an operator would, on the command line: its name and a session token.</summary>
    [Fact]
    public async Task The_user_list_is_read_a_page_at_a_time_by_following_its_next_link()
    {
        var (_, root) = await RootAsync();
        // 石楼县, a county of its own: the other tests here count 柳林县's users.
        var (admin, _) = await AddAsync(root, "administrator", "141126");
        var mine = new List<string> { admin };
        for (var i = 0; i < 3; i++)
        {
            mine.Add((await AddAsync(root, "committee-member", "141126/141126100/141126100201")).Name);
        }

        var token = await SignInAsync(admin);
        var whole = await UserNamesAsync(token);
        Assert.Equal(mine.Order(StringComparer.Ordinal), whole.Order(StringComparer.Ordinal));

        var paged = new List<string>();
        var next = "/api/users?limit=2";
        var pages = 0;
        while (next is not null)
        {
            var page = await Api.Get(next, token);
            Assert.True(page.Code == 200, page.ToString());
            var names = page.Json.EnumerateArray().Select(u => u.GetProperty("userName").GetString()!).ToList();
            Assert.InRange(names.Count, 0, 2);
            paged.AddRange(names);
            next = page.Headers.TryGetValues("Link", out var link) ? Regex.Match(link.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value : null;
            Assert.True(next is null || names.Count == 2, $"a page short of its limit has no next: {page}");
            Assert.True(++pages <= whole.Count, "the pages end");
        }

        Assert.True(pages >= 2);
        Assert.Equal(whole, paged);
    }

    private async Task<(string Name, string Token)> RootAsync()
    {
        var name = "scope-root-" + Guid.NewGuid().ToString("N")[..8];
        var storage = service.Arguments.Where(a => a.StartsWith("--Storage:", StringComparison.Ordinal));
        var (code, output) = await ServerProcess.RunCommandAsync(["create-admin", name, .. storage]);
        Assert.True(code == 0, output);
        var login = await Api.Post("/api/auth/login", new { userName = name, password = GeneratedPassword().Match(output).Groups[1].Value });
        Assert.True(login.Code == 200, login.ToString());
        return (name, login.Json.GetProperty("token").GetString()!);
    }

    private async Task<(string Name, string Id)> AddAsync(string token, string role, string scope, params (string Role, string Scope)[] more)
    {
        var name = "scope-" + Guid.NewGuid().ToString("N")[..8];
        var grants = new[] { (role, scope) }.Concat(more).Select(g => new { role = g.Item1, scope = g.Item2 }).ToArray();
        var created = await Api.Post("/api/users", new { userName = name, displayName = "柳林测试", password = Password, grants }, token);
        Assert.True(created.Code == 201, created.ToString());
        return (name, created.Json.GetProperty("id").GetString()!);
    }

    private async Task<string> SignInAsync(string userName)
    {
        var login = await Api.Post("/api/auth/login", new { userName, password = Password });
        Assert.True(login.Code == 200, $"{userName}: {login}");
        return login.Json.GetProperty("token").GetString()!;
    }

    private async Task<List<string>> UserNamesAsync(string token)
    {
        var users = await Api.Get("/api/users", token);
        Assert.True(users.Code == 200, users.ToString());
        return [.. users.Json.EnumerateArray().Select(u => u.GetProperty("userName").GetString()!)];
    }

    [GeneratedRegex(@"generated password \(shown once\): (\S+)")]
    private static partial Regex GeneratedPassword();

    [GeneratedRegex(@"^\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex ChineseFirst();
}

public sealed class SqliteAdministrationScopeTests(SqliteService service) : AdministrationScopeTests<SqliteService>(service);

public sealed class PostgresAdministrationScopeTests(PostgresService service) : AdministrationScopeTests<PostgresService>(service);
