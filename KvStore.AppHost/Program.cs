using KvStore.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

// Values from configuration: appsettings.json, Parameters__write-quorum=5, or --Parameters:write-quorum=5.
var writeQuorum = builder.AddParameter("write-quorum");
var minDelay = builder.AddParameter("min-delay");
var maxDelay = builder.AddParameter("max-delay");
var replicationTimeout = builder.AddParameter("replication-timeout");
var fsync = builder.AddParameter("fsync");
var replicationToken = builder.AddParameter("replication-token", new GenerateParameterDefault { MinLength = 32 }, secret: true);

var leader = AddNode("leader", port: 8000, role: "leader")
    .WithEnvironment("WRITE_QUORUM", writeQuorum)
    .WithEnvironment("MIN_DELAY", minDelay)
    .WithEnvironment("MAX_DELAY", maxDelay)
    .WithEnvironment("REPLICATION_TIMEOUT", replicationTimeout);

var followers = Enumerable.Range(1, 5)
    .Select(i => AddNode($"follower{i}", port: 8000 + i, role: "follower").WithEnvironment("LEADER", "leader").WithReference(leader))
    .ToList();

leader.WithEnvironment("FOLLOWERS", string.Join(',', followers.Select(f => f.Resource.Name)));
followers.ForEach(follower => leader.WithReference(follower));

// The lag bounds tell the load runner where the latency floor of its plots lies.
var loadRunner = builder.AddProject("loadrunner", "../KvStore.LoadRunner/KvStore.LoadRunner.csproj")
    .WithReference(leader)
    .WithEnvironment("MIN_DELAY", minDelay)
    .WithEnvironment("MAX_DELAY", maxDelay)
    .WithExplicitStart();
loadRunner.WithArgs("sweep", "--leader", "http://leader", "--out", loadRunner.StateDirectory());

builder.Build().Run();

// A node: the same project in either role; 8080 is its port inside a container, whose image deploy/build-images.sh builds.
IResourceBuilder<ProjectResource> AddNode(string name, int port, string role) =>
    builder.AddProject(name, "../KvStore.Node/KvStore.Node.csproj")
        .PublishAsDockerFile("kvstore/node", dockerfile: "../deploy/node.Dockerfile", buildContext: "../artifacts/publish/node")
        .WithHttpEndpoint(port, targetPort: 8080)
        .WithHttpHealthCheck("/health")
        .WithEnvironment("ROLE", role)
        .WithEnvironment("NODE_NAME", name)
        .WithEnvironment("REPLICATION_TOKEN", replicationToken)
        .WithStateDirectory("DATA_DIR")
        .WithEnvironment("FSYNC", fsync);
