using KvStore.AppHost;
using KvStore.AppHost.Commands;
using KvStore.AppHost.Diagnostics;
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

var leader = builder.AddKvNode("leader", port: builder.NodePortBase(), settings)
    .WithEnvironment("ROLE", "leader")
    .WithEnvironment("WRITE_QUORUM", settings.WriteQuorum)
    .WithEnvironment("MIN_DELAY", settings.MinDelay)
    .WithEnvironment("MAX_DELAY", settings.MaxDelay)
    .WithEnvironment("REPLICATION_TIMEOUT", settings.ReplicationTimeout);

var followers = Enumerable.Range(1, 5)
    .Select(i => builder.AddKvNode($"follower{i}", port: builder.NodePortBase() + i, settings)
        .WithEnvironment("ROLE", "follower")
        .WithEnvironment("LEADER", "leader")
        .WithReference(leader))
    .ToList();

leader.WithEnvironment("FOLLOWERS", string.Join(',', followers.Select(f => f.Resource.Name)));
followers.ForEach(follower => leader.WithReference(follower));

// The load runner, started from the dashboard: the quorum sweep, a throughput bench, and a consistency check on the leader.
builder.AddLoadRunner("loadrunner", leader, settings, "sweep", "--out", builder.ArtifactsDirectory("sweep"));
builder.AddLoadRunner("loadrunner-bench", leader, settings, "bench", "--clients", "64", "--duration", "10s", "--out", builder.ArtifactsDirectory("bench"));
leader.WithConsistencyCheck();

builder.AddDockerComposePublishing();
builder.AddStartFailureReporting();

builder.Build().Run();
