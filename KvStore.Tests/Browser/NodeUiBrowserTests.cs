using System.Globalization;
using KvStore.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KvStore.Tests.Browser;

/// <summary>A node's own web UI (/ui/) in a real browser, against a cluster of Kestrel nodes.</summary>
[Collection(SharedClusterGroup.Name)]
public sealed class NodeUiBrowserTests(SharedCluster shared, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private TestCluster Cluster => shared.Cluster;

    [Fact]
    public async Task A_write_on_a_followers_page_reads_back_there_and_the_leaders_page_shows_five_followers_positions()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Cluster.FollowerUrls[2] + "/ui/");
        await Expect(page.Locator("#node-name")).ToHaveTextAsync("follower3");
        await Expect(page.Locator("#node-role")).ToHaveTextAsync("follower");

        var key = "ui-" + Guid.NewGuid().ToString("N")[..8];
        await page.Locator("#write-key").FillAsync(key);
        await page.Locator("#write-value").FillAsync("""{"colour":"green"}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Write", Exact = true }).ClickAsync();
        await Expect(page.Locator("#write-result")).ToContainTextAsync($"Written: {key} at version");

        await page.Locator("#read-key").FillAsync(key);
        await ReadUntilAsync(page, """{"colour":"green"}""");
        var version = await page.Locator("#read-version").TextContentAsync();
        await Expect(page.Locator("#applied-index")).Not.ToHaveTextAsync("0");

        await page.Locator("#data-prefix").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        var row = page.Locator($"#data tr[data-key='{key}']");
        await Expect(row.Locator("td.version")).ToHaveTextAsync(version!);
        await Expect(row.Locator("td.value")).ToHaveTextAsync("""{"colour":"green"}""");
        await BrowserFixture.ScreenshotAsync(page, "node-ui-follower");

        var leader = await context.NewPageAsync();
        await leader.GotoAsync(Cluster.LeaderUrl + "/ui/");
        await Expect(leader.Locator("#node-role")).ToHaveTextAsync("leader");
        var followers = leader.Locator("#followers tbody tr");
        await Expect(followers).ToHaveCountAsync(5);
        for (var i = 0; i < 5; i++)
        {
            var follower = leader.Locator($"#followers tr[data-follower='follower{i + 1}']");
            await Expect(follower.Locator("td.state")).ToHaveTextAsync("healthy");
            await Expect(follower.Locator("td.latency")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d\d ms$"));
            await AckedAtLeastAsync(follower, long.Parse(version!, CultureInfo.InvariantCulture));
        }

        await BrowserFixture.ScreenshotAsync(leader, "node-ui-leader");
    }

    /// <summary>Clicks Read until the value shows: the follower may apply the write after the page first asks.</summary>
    private static async Task ReadUntilAsync(IPage page, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Read", Exact = true }).ClickAsync();
            try
            {
                await Expect(page.Locator("#read-value")).ToHaveTextAsync(expected, new() { Timeout = 2_000 });
                return;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>The leader's page refreshes every second; waits until this follower's acknowledged index covers the write.</summary>
    private static async Task AckedAtLeastAsync(ILocator follower, long version)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var acked = 0L;
        while (DateTime.UtcNow < deadline)
        {
            acked = long.Parse((await follower.Locator("td.acked").TextContentAsync())!.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
            if (acked >= version)
                return;
            await Task.Delay(100);
        }

        Assert.Fail($"the leader's page shows the follower at {acked}, not yet {version}");
    }
}
