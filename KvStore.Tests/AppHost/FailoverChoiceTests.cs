using KvStore.AppHost.Failover;

namespace KvStore.Tests.AppHost;

/// <summary>How the AppHost picks FAILOVER, and who it shows as leader, without starting anything.</summary>
public sealed class FailoverChoiceTests
{
    private static readonly string Path = string.Join(System.IO.Path.PathSeparator, "/opt/bin", "/usr/bin");

    [Theory]
    [InlineData(null, null, "/usr/bin/etcd", FailoverMode.Etcd, "/usr/bin/etcd")]
    [InlineData(null, null, null, FailoverMode.Manual, null)]
    [InlineData("off", null, "/usr/bin/etcd", FailoverMode.Off, null)]
    [InlineData("Manual", null, "/usr/bin/etcd", FailoverMode.Manual, null)]
    [InlineData(null, "/srv/etcd", "/srv/etcd", FailoverMode.Etcd, "/srv/etcd")]
    [InlineData("etcd", "/srv/etcd", "/srv/etcd", FailoverMode.Etcd, "/srv/etcd")]
    public void Configuration_wins_then_an_etcd_binary_chooses(string? mode, string? etcd, string? existing, FailoverMode expected, string? binary)
    {
        var choice = FailoverChoice.Decide(mode, etcd, Path, file => file == existing);
        Assert.Equal(new FailoverChoice(expected, binary), choice);
    }

    [Theory]
    [InlineData("etcd", null, "no etcd binary was found (none on PATH)")]
    [InlineData("etcd", "/srv/etcd", "'/srv/etcd' does not exist")]
    [InlineData("raft", null, "KvStore:Failover must be 'off', 'manual' or 'etcd' (got 'raft')")]
    public void An_impossible_choice_stops_the_AppHost_with_what_to_do(string mode, string? etcd, string reason)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => FailoverChoice.Decide(mode, etcd, Path, _ => false));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, FailoverMode.Etcd)]
    [InlineData("", FailoverMode.Etcd)]
    [InlineData("etcd", FailoverMode.Etcd)]
    [InlineData("Off", FailoverMode.Off)]
    [InlineData("manual", FailoverMode.Manual)]
    public void A_published_model_runs_etcd_unless_off_or_manual_is_asked_for(string? mode, FailoverMode expected) =>
        Assert.Equal(new FailoverChoice(expected, null), FailoverChoice.Published(mode));

    [Fact]
    public void A_published_model_refuses_an_unknown_mode() =>
        Assert.Contains("(got 'raft')", Assert.Throws<InvalidOperationException>(() => FailoverChoice.Published("raft")).Message, StringComparison.Ordinal);

    [Fact]
    public void The_leader_is_the_node_that_leads_the_highest_epoch_else_the_one_followers_name()
    {
        var nodes = new List<NodeObservation>
        {
            new("leader", new Uri("http://localhost:8000"), new ClusterView("leader", 3, null)),
            new("follower1", new Uri("http://localhost:8001"), new ClusterView("leader", 4, null)),
            new("follower2", new Uri("http://localhost:8002"), new ClusterView("follower", 4, "http://127.0.0.1:8001")),
            new("follower3", new Uri("http://localhost:8003"), null),
        };
        Assert.Equal("follower1", CurrentLeader.Find(nodes)?.Name);
        Assert.Equal("follower1", CurrentLeader.LeaderSeenBy(nodes, nodes[2]));

        // No node answers as leader: the one a follower of the newest epoch names.
        List<NodeObservation> followers = [nodes[2], nodes[3], new("follower4", new Uri("http://localhost:8004"), new ClusterView("follower", 2, "http://localhost:8000")),
            new("follower1", new Uri("http://localhost:8001"), null)];
        Assert.Equal("follower1", CurrentLeader.Find(followers)?.Name);

        // An election: nobody leads and nobody names a leader.
        Assert.Null(CurrentLeader.Find([new("follower2", new Uri("http://localhost:8002"), new ClusterView("follower", 5, null))]));
    }
}
