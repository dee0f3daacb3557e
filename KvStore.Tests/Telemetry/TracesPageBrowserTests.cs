using KvStore.Tests.AppHost;
using KvStore.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KvStore.Tests.Telemetry;

/// <summary>The Traces page in a real browser: a write's trace shows its five follower spans side by side.</summary>
[Collection(AppHostGroup.Name)]
public sealed class TracesPageBrowserTests(AppHostFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_writes_trace_opens_from_the_traces_list_and_shows_the_five_follower_spans()
    {
        await using var context = await browser.NewContextAsync();
        var appHost = fixture.AppHost;
        var key = await AppHostTelemetryTests.WriteAsync(appHost);
        var trace = await AppHostTelemetryTests.WaitForWriteTraceAsync(appHost, key);

        var page = await context.NewPageAsync();
        await page.GotoAsync(appHost.LoginUrl);
        await page.GetByRole(AriaRole.Link, new() { Name = "Traces" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Traces");
        var row = page.Locator($"#traces tr[data-trace-id='{trace.TraceId}']");
        await Expect(row).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "traces");

        await row.Locator("a").ClickAsync();
        await Expect(page.Locator("#waterfall")).ToBeVisibleAsync();
        var followers = page.Locator("#waterfall .span-row[data-name='kv.replicate']");
        await Expect(followers).ToHaveCountAsync(5);
        foreach (var follower in new[] { "follower1", "follower2", "follower3", "follower4", "follower5" })
            await Expect(page.Locator($"#waterfall .span-row[data-name='kv.replicate'][data-follower='{follower}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#waterfall .span-row[data-name='kv.write'] .quorum-marker")).ToHaveCountAsync(1);
        // Each replication span's own subtree starts folded, so the five sit one under the other.
        await Expect(page.Locator("#waterfall .span-row[data-name='kv.apply']:visible")).ToHaveCountAsync(0);

        await followers.First.ClickAsync();
        await Expect(page.Locator("#span-details")).ToContainTextAsync("kv.follower");
        await BrowserFixture.ScreenshotAsync(page, "trace-waterfall");
    }
}
