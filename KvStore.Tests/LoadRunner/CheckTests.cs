using System.Net.Http.Json;
using KvStore.LoadRunner;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.LoadRunner;

/// <summary>Stops a follower, so it has a cluster of its own.</summary>
public sealed class CheckTests
{
    private const int StoppedSlot = 2;

    [Fact]
    public async Task Check_reports_a_stopped_follower_and_passes_once_it_has_caught_up()
    {
        await using var cluster = await TestCluster.StartAsync();
        // Quorum 0: the leader answers at once, so a slow first replication on a busy machine cannot fail the setup.
        for (var i = 0; i < 5; i++)
            (await cluster.WriteAsync($"check-{i}", i, quorum: 0)).EnsureSuccessStatusCode();
        await cluster.WaitUntilConsistentAsync();
        var healthy = await LoadRunnerCli.RunAsync("check", "--leader", cluster.LeaderUrl);
        Assert.True(healthy.ExitCode == ExitCodes.Success, healthy.ToString());

        await cluster.StopFollowerAsync(StoppedSlot);
        var stoppedUrl = cluster.FollowerUrls[StoppedSlot];
        using var stopWriting = new CancellationTokenSource();
        var writer = WriteContinuouslyAsync(cluster, quorum: 2, stopWriting.Token);

        var diverged = await LoadRunnerCli.RunAsync("check", "--leader", cluster.LeaderUrl);
        Assert.True(diverged.ExitCode == ExitCodes.Findings, diverged.ToString());
        Assert.Contains("INCONSISTENT", diverged.Output, StringComparison.Ordinal);
        Assert.Contains(stoppedUrl, diverged.Output, StringComparison.Ordinal);
        Assert.Contains("unreachable", diverged.Output, StringComparison.Ordinal);

        // Writes that need all five followers cannot succeed now (each times out after the cluster's 2 s):
        // unexpected failures, reported by code, exit 1.
        using var dir = new TempDirectory();
        var bench = await LoadRunnerCli.RunAsync(
            "bench", "--leader", cluster.LeaderUrl, "--quorum", "5", "--clients", "2", "--duration", "500ms", "--warmup", "0s", "--out", dir.Path);
        Assert.True(bench.ExitCode == ExitCodes.Findings, bench.ToString());
        Assert.Contains("error quorum_timeout", bench.Output, StringComparison.Ordinal);

        await cluster.StartFollowerAsync(StoppedSlot);
        await stopWriting.CancelAsync();
        var written = await writer;
        Assert.True(written > 0, "the writes went on while the follower was down");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        CliResult last;
        do
        {
            last = await LoadRunnerCli.RunAsync("check", "--leader", cluster.LeaderUrl);
            if (last.ExitCode == ExitCodes.Success)
                break;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.True(last.ExitCode == ExitCodes.Success, "the restarted follower never caught up: " + last);
        Assert.Contains("consistent: all 6 nodes", last.Output, StringComparison.Ordinal);
    }

    /// <summary>Writes until told to stop; returns how many were acknowledged (a slow moment may time one out).</summary>
    private static async Task<int> WriteContinuouslyAsync(TestCluster cluster, int quorum, CancellationToken stop)
    {
        var acknowledged = 0;
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            using var response = await cluster.Leader.PostAsJsonAsync($"/write?quorum={quorum}", new { key = $"during-{n % 20}", value = n }, CancellationToken.None);
            if (response.IsSuccessStatusCode)
                acknowledged++;
        }

        return acknowledged;
    }
}
