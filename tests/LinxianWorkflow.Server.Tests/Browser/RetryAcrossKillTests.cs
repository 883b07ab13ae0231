using LinxianWorkflow.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LinxianWorkflow.Server.Tests.Browser;

/// <summary>
/// Retries safe from the pages (issue 16 part 4), in a real Chromium: a form is posted, the server commits and answers,
/// and is SIGKILLed before the answer reaches the browser (the answer is taken at the browser's network layer and the
/// navigation aborted, so the page stays on the very form it posted). The server comes back on the same address and the
/// user posts the same form again: its idempotency key replays the recorded outcome, with exactly one proposal and one
/// action done, and the user sees that outcome, not a refusal.
/// </summary>
public sealed class RetryAcrossKillTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_form_whose_answer_was_lost_in_a_server_kill_posted_again_shows_the_recorded_outcome_and_does_it_once()
    {
        // The fixture's node makes way (this class has its fixture to itself) for one on an address it keeps across
        // restarts, the page's origin, on the same store.
        await browser.Server.DisposeAsync();
        var url = $"http://127.0.0.1:{PostgresServer.FreePort()}";
        var node = await ServerProcess.StartAsync([.. browser.Arguments, "--urls", url]);
        try
        {
            var secretary = await SignInAsync(url, "xiwan-secretary");
            var supervisor = await SignInAsync(url, "xiwan-supervisor");

            // Start a proposal: the answer is lost with the server.
            await secretary.GotoAsync("/proposals/new");
            await secretary.FillAsync("#title", "断电重试测试：修缮村小学围墙");
            await secretary.FillAsync("#summary", "围墙倒塌约20米，需重砌。");
            await secretary.FillAsync("#amountYuan", "18000");
            await secretary.SelectOptionAsync("#category", "public-welfare");
            await secretary.SelectOptionAsync("#source", "villager-suggestion");
            var key = await secretary.Locator("form.narrow input[name=_key]").InputValueAsync();
            var started = await PostLosingTheAnswerAsync(secretary, "**/proposals/new", "form.narrow button[type=submit]", () => node.DisposeAsync());
            Assert.Equal(302, started.Status);
            var id = Uri.UnescapeDataString(started.Location.Split('?')[0].Split('/')[^1]);

            // Back on the same address; the very same form (same key, same fields) posted again.
            node = await ServerProcess.StartAsync([.. browser.Arguments, "--urls", url]);
            Assert.Equal(key, await secretary.Locator("form.narrow input[name=_key]").InputValueAsync());
            Assert.EndsWith("/proposals/new", secretary.Url, StringComparison.Ordinal);
            await secretary.ClickAsync("form.narrow button[type=submit]");
            await secretary.WaitForLoadStateAsync(LoadState.Load);
            Assert.EndsWith($"/proposals/{Uri.EscapeDataString(id)}", new Uri(secretary.Url).AbsolutePath, StringComparison.Ordinal);
            Assert.Equal(0, await secretary.Locator("main .error").CountAsync());
            Assert.Contains("断电重试测试：修缮村小学围墙", await secretary.InnerTextAsync("h1"), StringComparison.Ordinal);
            var chair = await TokenAsync(url, "xiwan-chair");
            using (var api = new ApiClient(new Uri(url)))
            {
                var listed = (await api.Get("/api/proposals?limit=200", chair)).Json.EnumerateArray()
                    .Count(p => p.GetProperty("title").GetString() == "断电重试测试：修缮村小学围墙");
                Assert.Equal(1, listed);
            }

            // An action form (the supervision committee raises a concern): the same.
            await supervisor.GotoAsync($"/proposals/{Uri.EscapeDataString(id)}");
            await supervisor.Locator("#f-raise-concern select[name=stepId]").SelectOptionAsync("villager-resolution");
            await supervisor.FillAsync("#f-raise-concern textarea[name=text]", "请公布围墙施工单位的资质。");
            var raised = await PostLosingTheAnswerAsync(supervisor, "**/proposals/**", "#f-raise-concern button[type=submit]", () => node.DisposeAsync());
            Assert.Equal(302, raised.Status);
            Assert.Contains("done=raise-concern", raised.Location, StringComparison.Ordinal);

            node = await ServerProcess.StartAsync([.. browser.Arguments, "--urls", url]);
            await supervisor.ClickAsync("#f-raise-concern button[type=submit]");
            await supervisor.WaitForLoadStateAsync(LoadState.Load);
            Assert.Contains("done=raise-concern", supervisor.Url, StringComparison.Ordinal);
            Assert.Equal(0, await supervisor.Locator("main .error").CountAsync());
            using (var api = new ApiClient(new Uri(url)))
            {
                var history = (await api.Get($"/api/proposals/{Uri.EscapeDataString(id)}/history", chair)).Json.GetProperty("events").EnumerateArray();
                Assert.Equal(1, history.Count(e => e.GetProperty("recordText").GetString()!.Contains("请公布围墙施工单位的资质。", StringComparison.Ordinal)));
            }

            await secretary.Context.DisposeAsync();
            await supervisor.Context.DisposeAsync();
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>A browser context of its own (its cookies) on <paramref name="url"/>, signed in through the sign-in page.</summary>
    private async Task<IPage> SignInAsync(string url, string userName)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = url, Locale = "zh-CN" });
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", "linxian-demo");
        await page.ClickAsync("form.narrow button[type=submit]");
        await page.Locator("header .who, main .error").First.WaitForAsync();
        Assert.DoesNotContain("/login", page.Url, StringComparison.Ordinal);
        return page;
    }

    private static async Task<string> TokenAsync(string url, string userName)
    {
        using var api = new ApiClient(new Uri(url));
        var reply = await api.Post("/api/auth/login", new { userName, password = "linxian-demo" });
        Assert.True(reply.Code == 200, reply.ToString());
        return reply.Json.GetProperty("token").GetString()!;
    }

    /// <summary>
    /// Clicks <paramref name="submit"/>; the form's POST reaches the server, which commits and answers; then
    /// <paramref name="kill"/> runs and the navigation is aborted, so the browser never sees the answer and stays on the form.
    /// The answer the server gave (status, Location).
    /// </summary>
    private static async Task<(int Status, string Location)> PostLosingTheAnswerAsync(IPage page, string pattern, string submit, Func<ValueTask> kill)
    {
        var lost = new TaskCompletionSource<(int, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Handler(IRoute route)
        {
            if (route.Request.Method != "POST")
            {
                await route.ContinueAsync();
                return;
            }

            var answer = await route.FetchAsync(new RouteFetchOptions { MaxRedirects = 0 });
            await kill();
            await route.AbortAsync("aborted");
            lost.TrySetResult((answer.Status, answer.Headers.TryGetValue("location", out var location) ? location : ""));
        }

        await page.RouteAsync(pattern, Handler);
        await page.ClickAsync(submit);
        var result = await lost.Task.WaitAsync(TimeSpan.FromSeconds(90));
        await page.UnrouteAsync(pattern, Handler);
        return result;
    }
}
