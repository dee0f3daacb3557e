using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.LoadRunner;

namespace KvStore.Tests.AppHost;

/// <summary>A node that cannot start says why in the AppHost's own console, not only in its resource log.</summary>
[Collection(AppHostGroup.Name)]
public sealed class AppHostStartupTests
{
    // Under FAILOVER=etcd or manual (the AppHost's modes) whoever leads replicates to its PEERS.
    private const string Reason = "WRITE_QUORUM (9) must be between 0 and the number of PEERS (5)";

    [Fact]
    public async Task A_write_quorum_of_9_stops_the_leader_with_its_reason()
    {
        using var data = new LoadRunner.TempDirectory();
        var logs = new CapturedLogs();
        await using var app = await AppHostFixture.StartAsync(data.Path, logs, "--Parameters:write-quorum=9");

        using var timeout = new CancellationTokenSource(AppHostFixture.StartTimeout);
        var exited = await app.ResourceNotifications.WaitForResourceAsync("leader",
            e => e.Snapshot.ExitCode is { } code && code != 0, timeout.Token);
        Assert.Equal(2, exited.Snapshot.ExitCode);

        // The AppHost's console: StartFailureReporter's event 1, "leader exited with code 2: <reason>" (every node has
        // WRITE_QUORUM under failover, so the followers' reports come too, in any order).
        var console = await Deadline.UntilAsync(
            () => Task.FromResult(logs.For("KvStore.AppHost.Diagnostics.StartFailureReporter", 1)
                .Where(e => e.Message.StartsWith("leader exited with code 2", StringComparison.Ordinal)).ToList()),
            events => events.Count > 0, TimeSpan.FromSeconds(10), "the AppHost to report the leader's exit");
        Assert.Contains(Reason, console[0].Message, StringComparison.Ordinal);
        await app.StopAsync();
    }
}
