using System.Net;
using System.Net.Http.Json;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using KvStore.Node.Api;
using KvStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KvStore.Tests.AppHost;

/// <summary>The app model as a user runs it: the six nodes under DCP, reached by resource name, operated through resource commands.</summary>
[Collection(AppHostGroup.Name)]
public sealed class AppHostTests(AppHostFixture fixture)
{
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(60);

    /// <summary>The current leader as the dashboard shows it (the node named leader unless a test moved leadership).</summary>
    private async Task<(string Leader, long Epoch)> LeadershipAsync() =>
        (await Deadline.UntilAsync(() => Task.FromResult(fixture.Leadership()), l => l is not null, TimeSpan.FromSeconds(30),
            "every node to name the same leader on the dashboard", _ => fixture.Describe()))!.Value;

    [Fact]
    public async Task A_write_through_the_leader_is_readable_on_every_follower_and_check_consistency_agrees()
    {
        var (current, _) = await LeadershipAsync();
        using var leader = fixture.App.CreateHttpClient(current);
        using var response = await leader.PostAsJsonAsync("/write?quorum=5", new { key = "apphost:hello", value = "world" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var written = (await response.Content.ReadFromJsonAsync<WriteResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal(5, written.Acks);

        foreach (var name in AppHostFixture.Nodes.Where(n => n != current))
        {
            using var follower = fixture.App.CreateHttpClient(name);
            var read = (await follower.GetFromJsonAsync<ReadResponse>($"/read?key=apphost:hello", TestContext.Current.CancellationToken))!;
            Assert.Equal((written.Version, "\"world\""), (read.Version, Encoding.UTF8.GetString(read.Value.Utf8.Span)));
        }

        // The "Check consistency" command (on the resource named leader) runs the load runner's check against the current leader.
        await Replication.WaitUntilCaughtUpAsync(leader, CatchUp);
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var check = await commands.ExecuteCommandAsync("leader", "check-consistency", TestContext.Current.CancellationToken);
        Assert.True(check.Success, check.Message);
        Assert.StartsWith("consistent: all 6 nodes hold the same", check.Message);
    }

    [Fact]
    public async Task A_follower_stopped_and_started_by_its_resource_commands_catches_up_while_quorum_3_writes_go_on()
    {
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var (current, _) = await LeadershipAsync();
        var down = AppHostFixture.Nodes.Last(n => n != current);
        using var leader = fixture.App.CreateHttpClient(current);

        // DCP sends SIGTERM to `dotnet run`, which passes it on, and reports the stop as failed after 15 s. A node stops in
        // well under that, including its last telemetry export to a collector that is not there (this fixture starts no
        // dashboard): that export gives up after the ServiceDefaults' 2 s timeout, not the SDK's 10 s.
        var stopped = await commands.ExecuteCommandAsync(down, KnownResourceCommands.StopCommand, TestContext.Current.CancellationToken);
        Assert.True(stopped.Success, $"DCP could not stop {down}: {stopped.Message}");
        await fixture.App.ResourceNotifications.WaitForResourceAsync(down, KnownResourceStates.TerminalStates, TestContext.Current.CancellationToken);

        for (var i = 0; i < 20; i++)
        {
            using var response = await leader.PostAsJsonAsync("/write?quorum=3", new { key = $"apphost:while-down:{i}", value = i }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var cluster = (await leader.GetFromJsonAsync<ClusterResponse>("/cluster", TestContext.Current.CancellationToken))!;
        Assert.True(cluster.Followers.Single(f => f.Name == down).AckedIndex < cluster.LastIndex, $"{down} acknowledged writes while stopped");

        var started = await commands.ExecuteCommandAsync(down, KnownResourceCommands.StartCommand, TestContext.Current.CancellationToken);
        Assert.True(started.Success, started.Message);
        using var timeout = new CancellationTokenSource(AppHostFixture.StartTimeout);
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(down, timeout.Token);
        await Replication.WaitUntilCaughtUpAsync(leader, CatchUp, $"{down} to catch up after its restart");

        using var restarted = fixture.App.CreateHttpClient(down);
        var read = (await restarted.GetFromJsonAsync<ReadResponse>("/read?key=apphost:while-down:19", TestContext.Current.CancellationToken))!;
        Assert.Equal("19", Encoding.UTF8.GetString(read.Value.Utf8.Span));
    }
}
