using System.Text.RegularExpressions;
using KvStore.Tests.LoadRunner;

namespace KvStore.Tests.Failover;

/// <summary>
/// The load runner's <c>failover</c> drill against six real FAILOVER=etcd node processes: it freezes whoever leads, finds
/// the new leader, reports each window and the acknowledged writes lost (none), and exits 0 only then.
/// </summary>
[Collection(EtcdFailoverRunsAlone.Name)]
public sealed partial class FailoverDrillCommandTests
{
    [Fact]
    public async Task The_sigstop_drill_reports_a_window_per_failover_and_no_lost_or_shared_acknowledged_write()
    {
        await using var cluster = await EtcdFailoverCluster.StartAsync();
        await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30), followersReached: 5);

        var result = await LoadRunnerCli.RunAsync(
            ["failover", "--nodes", string.Join(',', cluster.Nodes.Select(n => n.Url)), "--token", EtcdFailoverCluster.Token,
             "--fault", "sigstop", "--failovers", "2", "--interval", "3s", "--pause", "4s", "--clients", "4"],
            configuration: null, TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.ToString());
        var windows = FailoverLine().Matches(result.Output).Select(m => (Old: m.Groups["old"].Value, New: m.Groups["new"].Value)).ToList();
        Assert.True(windows.Count == 2, result.Output);
        // A frozen leader cannot acknowledge, so another node took over each time, after its lease (2 s) ran out.
        Assert.All(windows, w => Assert.NotEqual(w.Old, w.New));
        Assert.Contains("lost acknowledged writes: 0", result.Output, StringComparison.Ordinal);
        Assert.Contains("versions acknowledged for two writes: 0", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"unavailability window p50 \d+ ms, max \d+ ms; [1-9]\d* writes acknowledged at quorum 3", result.Output);
    }

    [GeneratedRegex(@"failover \d/2: (?<old>\S+) -> (?<new>\S+) in \d+ ms")]
    private static partial Regex FailoverLine();
}
