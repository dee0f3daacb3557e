using KvStore.AppHost.Orchestration;
using KvStore.Tests.AppHost;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KvStore.Tests.Browser;

/// <summary>The dashboard in a real browser, against the shared AppHost: log in, watch, explore, stop and start.</summary>
[Collection(AppHostGroup.Name)]
public sealed class DashboardBrowserTests(AppHostFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private AppHostProcess AppHost => fixture.AppHost;

    [Fact]
    public async Task Logging_in_with_the_printed_token_shows_six_healthy_resources()
    {
        await using var context = await browser.NewContextAsync();
        var page = await LogInAsync(context);

        await Expect(page.Locator("h1")).ToHaveTextAsync("Resources");
        foreach (var node in AppHostProcess.NodeNames)
        {
            var row = page.Locator($"#resources tr[data-resource='{node}']");
            await Expect(row.Locator("td.state")).ToHaveTextAsync("Running");
            await Expect(row.Locator("td.health")).ToHaveTextAsync("Healthy");
            await Expect(row.Locator("td.urls a")).ToHaveAttributeAsync("href", AppHost.NodeUrl(node));
        }

        await Expect(page.Locator("#resources tr[data-resource='loadrunner'] td.state")).ToHaveTextAsync("Not started");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start loadrunner", Exact = true })).ToBeEnabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "resources");
    }

    [Fact]
    public async Task The_kv_explorer_writes_through_the_leader_and_shows_the_value_on_all_six_nodes()
    {
        await using var context = await browser.NewContextAsync();
        var page = await LogInAsync(context);
        await page.GetByRole(AriaRole.Link, new() { Name = "KV explorer" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("KV explorer");

        var key = "browser-" + Guid.NewGuid().ToString("N")[..8];
        await page.Locator("#write-key").FillAsync(key);
        await page.Locator("#write-value").FillAsync("""{"colour":"green"}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Write via leader" }).ClickAsync();

        await Expect(page.Locator("#write-result")).ToContainTextAsync($"Written: {key}");
        foreach (var node in AppHostProcess.NodeNames)
        {
            // The page reads every node right after the write; a follower outside the quorum may need a second look.
            await RetryReadUntilAsync(page, node, """{"colour":"green"}""");
        }

        await Expect(page.Locator("#replicas table")).ToContainTextAsync(key);
        await BrowserFixture.ScreenshotAsync(page, "explorer");
    }

    [Fact]
    public async Task A_follower_is_stopped_and_started_from_the_resources_page()
    {
        const string follower = "follower4";
        await using var context = await browser.NewContextAsync();
        await using var restore = fixture.RestoreNodesAfterward();
        var page = await LogInAsync(context);
        var row = page.Locator($"#resources tr[data-resource='{follower}']");
        await Expect(row.Locator("td.health")).ToHaveTextAsync("Healthy");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Stop {follower}", Exact = true }).ClickAsync();
        await Expect(row.Locator("td.state")).ToHaveTextAsync("Stopped");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Stop {follower}", Exact = true })).ToBeDisabledAsync();
        Assert.Equal(ResourceState.Stopped, (await AppHost.ResourceAsync(follower)).State);
        await BrowserFixture.ScreenshotAsync(page, "resources-follower-stopped");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Start {follower}", Exact = true }).ClickAsync();
        await Expect(row.Locator("td.health")).ToHaveTextAsync("Healthy", new() { Timeout = 60_000 });
        await Expect(row.Locator("td.state")).ToHaveTextAsync("Running");
        Assert.True(AppHostProcess.IsHealthy(await AppHost.ResourceAsync(follower)));
    }

    [Fact]
    public async Task Console_logs_follow_a_resource_and_telemetry_pages_hold_their_place()
    {
        await using var context = await browser.NewContextAsync();
        var page = await LogInAsync(context);

        await page.GetByRole(AriaRole.Link, new() { Name = "leader", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Console logs");
        await Expect(page.Locator("#resource-picker")).ToHaveValueAsync("leader");
        await Expect(page.Locator("#console")).ToContainTextAsync("Starting leader");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download" })).ToHaveAttributeAsync("href", "/api/resources/leader/logs/download");
        await BrowserFixture.ScreenshotAsync(page, "console-logs");

        foreach (var (link, title, content) in new[] { ("Traces", "Traces", "#traces"), ("Metrics", "Metrics", "#instruments") })
        {
            await page.GetByRole(AriaRole.Link, new() { Name = link }).ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync(title);
            await Expect(page.Locator(content)).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(page, title.ToLowerInvariant());
        }
    }

    [Fact]
    public async Task Without_the_token_the_dashboard_shows_its_login_page()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(AppHost.DashboardUrl + "/explorer");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Log in to the dashboard");
        await BrowserFixture.ScreenshotAsync(page, "login");

        await page.Locator("#token").FillAsync(AppHost.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("KV explorer");
    }

    private async Task<IPage> LogInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(AppHost.LoginUrl);
        await Expect(page).ToHaveURLAsync(AppHost.DashboardUrl + "/");
        return page;
    }

    private static async Task RetryReadUntilAsync(IPage page, string node, string expected)
    {
        var cell = page.Locator($"#read-results tr[data-node='{node}'] td.value");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await Expect(cell).ToHaveTextAsync(expected, new() { Timeout = 2_000 });
                return;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
                await page.GetByRole(AriaRole.Button, new() { Name = "Read on every node" }).ClickAsync();
            }
        }
    }
}
