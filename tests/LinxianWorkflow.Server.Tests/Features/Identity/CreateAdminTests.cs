using System.Text.RegularExpressions;
using LinxianWorkflow.Server.Tests.Infrastructure;

namespace LinxianWorkflow.Server.Tests.Features.Identity;

public sealed partial class CreateAdminTests
{
    [Fact]
    public async Task The_first_administrator_gets_a_generated_password_that_signs_in_and_there_is_no_default_account()
    {
        var db = Path.Combine(Path.GetTempPath(), $"linxian-admin-{Guid.NewGuid():N}", "linxian.db");
        var (code, output) = await ServerProcess.RunCommandAsync("create-admin", "root", "141124", $"--Storage:SqlitePath={db}");
        Assert.True(code == 0, output);
        var password = GeneratedPassword().Match(output).Groups[1].Value;
        Assert.Equal(20, password.Length);

        await using var server = await ServerProcess.StartAsync([$"--Storage:SqlitePath={db}"]);
        using var api = new ApiClient(server.Url);
        Assert.Equal(401, (await api.Post("/api/auth/login", new { userName = "admin", password = "linxian-demo" })).Code);
        var login = await api.Post("/api/auth/login", new { userName = "root", password });
        Assert.Equal(200, login.Code);
        var users = await api.Get("/api/users", login.Json.GetProperty("token").GetString());
        Assert.Equal("root", Assert.Single(users.Json.EnumerateArray()).GetProperty("userName").GetString());

        // Wrong passwords lock the account after five tries; a locked account gets the answer a wrong password gets.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, (await api.Post("/api/auth/login", new { userName = "root", password = "wrong-password" })).Code);
        }

        var locked = await api.Post("/api/auth/login", new { userName = "root", password });
        Assert.Equal((401, "auth.sign-in-failed"), (locked.Code, locked.Rule));

        var again = await ServerProcess.RunCommandAsync("create-admin", "root", "141124", $"--Storage:SqlitePath={db}");
        Assert.Equal(1, again.Code);
    }

    [GeneratedRegex(@"generated password \(shown once\): (\S+)")]
    private static partial Regex GeneratedPassword();
}
