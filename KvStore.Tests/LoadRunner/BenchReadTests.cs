using System.Collections.Concurrent;
using System.Text.Json;
using KvStore.LoadRunner;
using KvStore.LoadRunner.Reporting;
using KvStore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KvStore.Tests.LoadRunner;

/// <summary><c>bench --reads</c> and <c>--read-ratio</c> on a cluster of its own that counts, per node, the reads it served.</summary>
public sealed class BenchReadTests
{
    [Fact]
    public async Task Reads_only_spread_over_the_followers_find_every_key_and_write_nothing_during_the_run()
    {
        var (cluster, served) = await StartCountingAsync();
        await using var _ = cluster;
        using var dir = new TempDirectory();

        var result = await BenchAsync(cluster, dir, "--reads", "--clients", "5", "--keys", "40");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var report = await ReadReportAsync(dir);
        Assert.Equal((1.0, "followers", 0L, 0L), (report.ReadRatio, report.ReadsOn, report.Errors, report.SucceededWrites));
        Assert.True(report.SucceededReads > 0 && report.SucceededReads == report.Succeeded, $"{report.SucceededReads} reads of {report.Succeeded}");

        // The 40 keys were written once before the run, and nothing after: the leader's log holds exactly those.
        var status = await Replication.WaitUntilCaughtUpAsync(cluster.Leader, TimeSpan.FromSeconds(15));
        Assert.Equal(40, status.LastIndex);

        // Each client takes the five followers in turn: none is left out, none takes much more than its share, the leader none.
        Assert.Equal(0, served.GetValueOrDefault("leader"));
        var share = report.SucceededReads / 5.0;
        Assert.All(Enumerable.Range(1, 5), i => Assert.InRange(served.GetValueOrDefault($"follower{i}"), share * 0.8, share * 1.2 + 5));
    }

    [Fact]
    public async Task A_mixed_run_reports_reads_and_writes_apart()
    {
        var (cluster, served) = await StartCountingAsync();
        await using var _ = cluster;
        using var dir = new TempDirectory();

        var result = await BenchAsync(cluster, dir, "--read-ratio", "0.5", "--on", "all", "--clients", "4", "--keys", "20");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var report = await ReadReportAsync(dir);
        Assert.Equal((0.5, "all", 0L), (report.ReadRatio, report.ReadsOn, report.Errors));
        Assert.Equal(report.Succeeded, report.SucceededReads + report.SucceededWrites);
        // A seeded draw per request: about half of each, never all of one kind.
        Assert.InRange(report.SucceededReads, report.Succeeded * 0.3, report.Succeeded * 0.7);
        Assert.NotNull(report.ReadLatency);
        Assert.NotNull(report.WriteLatency);
        Assert.True(served.GetValueOrDefault("leader") > 0, "--on all includes the leader");
        Assert.Contains("reads (", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_and_a_read_ratio_together_are_refused()
    {
        var result = await LoadRunnerCli.RunAsync("bench", "--leader", "http://127.0.0.1:1", "--reads", "--read-ratio", "0.5");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--reads and --read-ratio", result.Output + result.Error, StringComparison.Ordinal);
    }

    /// <summary>A cluster whose nodes count the reads they serve, by NODE_NAME.</summary>
    private static async Task<(TestCluster Cluster, ConcurrentDictionary<string, int> Served)> StartCountingAsync()
    {
        var served = new ConcurrentDictionary<string, int>();
        return (await TestCluster.StartAsync(new ClusterSettings { ConfigureNode = builder => CountReads(builder, served) }), served);
    }

    private static Task<CliResult> BenchAsync(TestCluster cluster, TempDirectory dir, params string[] options) =>
        LoadRunnerCli.RunAsync(["bench", "--leader", cluster.LeaderUrl, "--duration", "1500ms", "--warmup", "0s", "--out", dir.Path, .. options]);

    private static async Task<BenchReport> ReadReportAsync(TempDirectory dir) =>
        JsonSerializer.Deserialize(await File.ReadAllTextAsync(dir.File("bench.json")), ReportJsonContext.Default.BenchReport)!;

    /// <summary>Counts the <c>GET /read</c> requests each node (by NODE_NAME) answers.</summary>
    private static void CountReads(WebApplicationBuilder builder, ConcurrentDictionary<string, int> served)
    {
        var name = builder.Configuration["NODE_NAME"] ?? "?";
        builder.Services.AddSingleton<IStartupFilter>(new ReadCounter(name, served));
    }

    private sealed class ReadCounter(string node, ConcurrentDictionary<string, int> served) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate inner) =>
            {
                if (context.Request.Path == "/read")
                    served.AddOrUpdate(node, 1, (_, n) => n + 1);
                return inner(context);
            });
            next(app);
        };
    }
}
