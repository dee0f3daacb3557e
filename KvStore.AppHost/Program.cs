using KvStore.AppHost;
using KvStore.AppHost.Commands;
using KvStore.AppHost.Diagnostics;
using KvStore.AppHost.Failover;
using KvStore.AppHost.Publishing;

var builder = DistributedApplication.CreateBuilder(args);

// Values from configuration: appsettings.json, Parameters__write-quorum=5, or --Parameters:write-quorum=5.
var settings = new NodeSettings(
    WriteQuorum: builder.AddParameter("write-quorum"),
    MinDelay: builder.AddParameter("min-delay"),
    MaxDelay: builder.AddParameter("max-delay"),
    ReplicationTimeout: builder.AddParameter("replication-timeout"),
    Fsync: builder.AddParameter("fsync"),
    ReplicationToken: builder.AddParameter("replication-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true));

// FAILOVER=etcd with an etcd resource when etcd is installed, else manual; KvStore:Failover=off|manual|etcd chooses.
var failover = builder.AddFailover();

var leader = builder.AddKvNode("leader", port: builder.NodePortBase(), settings)
    .WithEnvironment("ROLE", "leader")
    .WithEnvironment("WRITE_QUORUM", settings.WriteQuorum)
    .WithEnvironment("MIN_DELAY", settings.MinDelay)
    .WithEnvironment("MAX_DELAY", settings.MaxDelay)
    .WithEnvironment("REPLICATION_TIMEOUT", settings.ReplicationTimeout);

var followers = Enumerable.Range(1, 5)
    .Select(i => builder.AddKvNode($"follower{i}", port: builder.NodePortBase() + i, settings).WithEnvironment("ROLE", "follower"))
    .ToList();

// Off: FOLLOWERS and LEADER. Manual or etcd: PEERS on every node, the Promote and Step down commands, leader and epoch on the dashboard.
failover.Connect(leader, followers, settings);

// The load runner, started from the dashboard: the quorum sweep, a throughput bench, and a consistency check, each
// against whichever node leads when it starts.
builder.AddLoadRunner("loadrunner", leader, settings, "sweep", "--out", builder.ArtifactsDirectory("sweep"));
builder.AddLoadRunner("loadrunner-bench", leader, settings, "bench", "--clients", "64", "--duration", "10s", "--out", builder.ArtifactsDirectory("bench"));
leader.WithConsistencyCheck();

builder.AddDockerComposePublishing();
builder.AddStartFailureReporting();

builder.Build().Run();
