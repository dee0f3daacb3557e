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

    [Fact]
    public async Task A_write_through_the_leader_is_readable_on_every_follower_and_check_consistency_agrees()
    {
        using var leader = fixture.App.CreateHttpClient("leader");
        using var response = await leader.PostAsJsonAsync("/write?quorum=5", new { key = "apphost:hello", value = "world" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var written = (await response.Content.ReadFromJsonAsync<WriteResponse>(TestContext.Current.CancellationToken))!;
        Assert.Equal(5, written.Acks);

        foreach (var name in AppHostFixture.Nodes.Skip(1))
        {
            using var follower = fixture.App.CreateHttpClient(name);
            var read = (await follower.GetFromJsonAsync<ReadResponse>($"/read?key=apphost:hello", TestContext.Current.CancellationToken))!;
            Assert.Equal((written.Version, "\"world\""), (read.Version, Encoding.UTF8.GetString(read.Value.Utf8)));
        }

        // The leader's "Check consistency" command runs the load runner's check against all six.
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
        using var leader = fixture.App.CreateHttpClient("leader");

        // DCP sends SIGTERM to `dotnet run`, which passes it on, and reports the stop as failed after 15 s. A node stops in
        // well under that, including its last telemetry export to a collector that is not there (this fixture starts no
        // dashboard): that export gives up after the ServiceDefaults' 2 s timeout, not the SDK's 10 s.
        var stopped = await commands.ExecuteCommandAsync("follower2", KnownResourceCommands.StopCommand, TestContext.Current.CancellationToken);
        Assert.True(stopped.Success, $"DCP could not stop follower2: {stopped.Message}");
        await fixture.App.ResourceNotifications.WaitForResourceAsync("follower2", KnownResourceStates.TerminalStates, TestContext.Current.CancellationToken);

        for (var i = 0; i < 20; i++)
        {
            using var response = await leader.PostAsJsonAsync("/write?quorum=3", new { key = $"apphost:while-down:{i}", value = i }, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var cluster = (await leader.GetFromJsonAsync<ClusterResponse>("/cluster", TestContext.Current.CancellationToken))!;
        Assert.True(cluster.Followers.Single(f => f.Name == "follower2").AckedIndex < cluster.LastIndex, "follower2 acknowledged writes while stopped");

        var started = await commands.ExecuteCommandAsync("follower2", KnownResourceCommands.StartCommand, TestContext.Current.CancellationToken);
        Assert.True(started.Success, started.Message);
        using var timeout = new CancellationTokenSource(AppHostFixture.StartTimeout);
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("follower2", timeout.Token);
        await Replication.WaitUntilCaughtUpAsync(leader, CatchUp, "follower2 to catch up after its restart");

        using var follower2 = fixture.App.CreateHttpClient("follower2");
        var read = (await follower2.GetFromJsonAsync<ReadResponse>("/read?key=apphost:while-down:19", TestContext.Current.CancellationToken))!;
        Assert.Equal("19", Encoding.UTF8.GetString(read.Value.Utf8));
    }
}
