using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Node;

/// <summary>A misconfigured node, run as a real process, exits at once with one line naming what to set.</summary>
public sealed class StartupValidationTests
{
    public static TheoryData<string, string, string> BadConfigurations => new()
    {
        { "no role", "REPLICATION_TOKEN=t", "ROLE" },
        { "unknown role", "ROLE=primary;REPLICATION_TOKEN=t", "ROLE" },
        { "no token", "ROLE=follower", "REPLICATION_TOKEN" },
        { "quorum above followers", "ROLE=leader;REPLICATION_TOKEN=t;FOLLOWERS=http://127.0.0.1:1,http://127.0.0.1:2;WRITE_QUORUM=3", "WRITE_QUORUM" },
        { "min above max", "ROLE=follower;REPLICATION_TOKEN=t;MIN_DELAY=0.5;MAX_DELAY=0.1", "MIN_DELAY" },
        { "values too large for a replication frame", "ROLE=follower;REPLICATION_TOKEN=t;MAX_VALUE_BYTES=5242880", "MAX_VALUE_BYTES" },
        { "unresolvable follower", "ROLE=leader;REPLICATION_TOKEN=t;FOLLOWERS=follower9;WRITE_QUORUM=1", "follower9" },
        { "follower resolved, another not", "ROLE=leader;REPLICATION_TOKEN=t;FOLLOWERS=follower1,follower9;WRITE_QUORUM=1;services__follower1__http__0=http://127.0.0.1:1", "services__follower9__http__0" },
        { "advertised URL not a URL", "ROLE=follower;REPLICATION_TOKEN=t;ADVERTISED_URL=localhost:8001", "ADVERTISED_URL" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public async Task Exits_with_code_2_and_one_line(string name, string environment, string mentions)
    {
        var env = environment.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1]);
        env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";

        var result = await NodeProcess.RunToExitAsync(env, TimeSpan.FromSeconds(20));

        Assert.True(result.ExitCode == 2, $"{name}: exit {result.ExitCode}, stderr: {result.Stderr}");
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(mentions, lines[0]);
    }
}
