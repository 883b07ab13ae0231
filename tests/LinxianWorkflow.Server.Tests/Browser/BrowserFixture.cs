using Microsoft.Playwright;

namespace LinxianWorkflow.Server.Tests.Browser;

/// <summary>
/// A real Chromium, Debian's (Playwright's own download cannot work here), headless, as root with
/// --no-sandbox; with the demo service on SQLite beside it. A missing browser fails the tests with the
/// line that installs it.
/// </summary>
public sealed class BrowserFixture : Infrastructure.SqliteService
{
    public const string Chromium = "/usr/bin/chromium";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the screenshots of the main pages go (test output, also used for the README's tour).</summary>
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public override async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"Chromium is missing: install it with `apt-get install chromium fonts-noto-cjk` (tests/run.sh does this).");
        await base.InitializeAsync();
        Directory.CreateDirectory(Screenshots);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
        });
    }

    public override async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>A browser context signed in as <paramref name="userName"/> through the sign-in page.</summary>
    public async Task<IPage> SignedInAsync(string userName, int width = 1280)
    {
        var page = await AnonymousAsync(width);
        await page.GotoAsync("/login");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", "linxian-demo");
        await page.ClickAsync("form.narrow button[type=submit]");
        // Signed in is a named state: the header names the user (or the page says why not).
        await page.Locator("header .who, main .error").First.WaitForAsync();
        Assert.True(!page.Url.Contains("/login", StringComparison.Ordinal), $"{userName} could not sign in: {string.Join(" / ", await page.Locator(".error").AllInnerTextsAsync())}");
        return page;
    }

    public async Task<IPage> AnonymousAsync(int width = 1280)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Server.Url.ToString(), ViewportSize = new ViewportSize { Width = width, Height = 900 }, Locale = "zh-CN" });
        // Every wait is for a named element or state; on a loaded 2-core machine running the other suites beside
        // these, one can take longer than Playwright's 30 s default, so the limit is generous (a pass is not slower).
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return await context.NewPageAsync();
    }
}
