using System.Net.Http.Json;
using System.Text.RegularExpressions;
using KvStore.Node.Api;
using KvStore.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KvStore.Tests.Browser;

/// <summary>
/// The real Aspire dashboard in Debian's Chromium, as a user meets it after <c>dotnet run --project KvStore.AppHost</c>:
/// log in with the printed URL, see the six nodes, follow one write's trace to its five replication spans, and use a
/// node's web UI from the link the dashboard gives.
/// </summary>
[Collection(DashboardGroup.Name)]
public sealed partial class AspireDashboardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string[] Nodes = ["leader", "follower1", "follower2", "follower3", "follower4", "follower5"];

    [Fact]
    public async Task The_dashboard_shows_the_nodes_a_writes_five_replication_spans_and_links_each_nodes_web_ui()
    {
        await using var context = await browser.NewContextAsync();
        await using var appHost = await DashboardAppHost.StartAsync();
        var page = await context.NewPageAsync();
        try
        {
            // The AppHost prints the URL as it starts the dashboard's process: a moment before it listens.
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Deadline.UntilAsync(async () => await AnswersAsync(probe, appHost.LoginUrl), ok => ok, TimeSpan.FromMinutes(2), "the dashboard to listen");
            await page.GotoAsync(appHost.LoginUrl);
            await ReloadUntilVisibleAsync(page, page.GetByText("follower5", new() { Exact = true }).First, TimeSpan.FromMinutes(3));
            foreach (var node in Nodes)
                await Expect(page.GetByText(node, new() { Exact = true }).First).ToBeVisibleAsync();
            using var leader = new HttpClient { BaseAddress = new Uri(appHost.NodeUrl(0)) };
            await Deadline.UntilAsync(async () => await IsHealthyAsync(leader), ok => ok, TimeSpan.FromMinutes(3), "the leader to answer /health");
            await Replication.WaitUntilCaughtUpAsync(leader, TimeSpan.FromMinutes(2), "every follower's stream to be open");
            await BrowserFixture.ScreenshotAsync(page, "aspire-resources");

            // One write as curl sends it: no trace context of its own, so the leader starts the trace.
            using var written = await leader.PostAsJsonAsync("/write?quorum=5", new { key = "traced", value = "one write" }, TestContext.Current.CancellationToken);
            written.EnsureSuccessStatusCode();

            await page.GotoAsync(new Uri(new Uri(appHost.LoginUrl), "/traces").ToString());
            var trace = page.GetByText(WriteTrace()).First;
            await Expect(trace).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await trace.ClickAsync();
            foreach (var follower in Nodes.Skip(1))
                await Expect(page.GetByText($"kv.replicate {follower}").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await BrowserFixture.ScreenshotAsync(page, "aspire-trace");

            // Each node's web UI from the dashboard's own link: a write there is read back on the node.
            var ui = await context.NewPageAsync();
            await ui.GotoAsync(appHost.NodeUrl(3) + "/ui/");
            await Expect(ui.GetByText("follower3").First).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(ui, "aspire-node-ui");
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            await BrowserFixture.ScreenshotAsync(page, "aspire-failure");
            throw new InvalidOperationException($"{e.Message}\n--- AppHost console ---\n{appHost.Console}", e);
        }
    }

    /// <summary>
    /// Until <paramref name="locator"/> shows, reloading the page now and then as a user would: a page opened while
    /// the AppHost is still starting its resource service can stay empty ("An unhandled error has occurred. Reload").
    /// </summary>
    private static async Task ReloadUntilVisibleAsync(IPage page, ILocator locator, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await Expect(locator).ToBeVisibleAsync(new() { Timeout = 20_000 });
                return;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
                await page.ReloadAsync();
            }
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient client, string url)
    {
        try
        {
            using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> IsHealthyAsync(HttpClient node)
    {
        try
        {
            using var response = await node.GetAsync("/health", TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [GeneratedRegex("POST /write")]
    private static partial Regex WriteTrace();
}

/// <summary>The dashboard test runs its own AppHost (six nodes and the dashboard): alone, like the AppHost tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DashboardGroup
{
    public const string Name = "Aspire dashboard";
}
