using System.Text.Json;
using KvStore.LoadRunner;
using KvStore.LoadRunner.Load;

namespace KvStore.Tests.LoadRunner;

[Collection(LoadClusterGroup.Name)]
public sealed class BenchWarmupTests(LoadCluster fixture)
{
    [Theory]
    [InlineData(new[] { 5000.0, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000 }, false)] // fewer than ten rounds: nothing to compare yet
    [InlineData(new[] { 1000.0, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000 }, false)] // still climbing (the JIT at work)
    [InlineData(new[] { 5000.0, 5075, 5150, 5225, 5300, 5375, 5450, 5525, 5600, 5675 }, false)] // a slow climb of 1.5 % a second is still climbing
    [InlineData(new[] { 5000.0, 5100, 4900, 5050, 4950, 5000, 4800, 5200, 5000, 5000 }, true)] // flat, with noise
    [InlineData(new[] { 5000.0, 5000, 5000, 5000, 5000, 5240, 5240, 5240, 5240, 5240 }, true)] // 4.8 % better: within the 5 %
    [InlineData(new[] { 5000.0, 5000, 5000, 5000, 5000, 5260, 5260, 5260, 5260, 5260 }, false)] // 5.2 % better: keep warming up
    [InlineData(new[] { 9000.0, 9000, 5000, 5000, 5000, 3000, 3000, 3000, 3000, 3000 }, true)] // slower is steady too: more warm-up would not help
    public void Auto_warm_up_ends_when_five_rounds_are_less_than_5_percent_better_than_the_five_before(double[] rounds, bool steady) =>
        Assert.Equal(steady, BenchWarmup.IsSteady(rounds));

    [Fact]
    public async Task Auto_warm_up_on_a_cluster_reports_how_long_it_warmed_and_that_it_settled()
    {
        using var dir = new TempDirectory();

        var result = await LoadRunnerCli.RunAsync(
            "bench", "--leader", fixture.Cluster.LeaderUrl, "--clients", "2", "--quorum", "1", "--duration", "1s", "--warmup", "auto", "--out", dir.Path);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("bench.json")));
        var warmup = json.RootElement.GetProperty("warmupSeconds").GetDouble();
        var steady = json.RootElement.GetProperty("warmupSteady");
        Assert.InRange(warmup, BenchWarmup.AutoMinimum.TotalSeconds, BenchWarmup.AutoMaximum.TotalSeconds + 5);
        Assert.True(steady.ValueKind is JsonValueKind.True or JsonValueKind.False, json.RootElement.GetRawText());
        Assert.Contains("warm-up:", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1s")]
    public async Task A_warm_up_that_is_neither_auto_nor_a_duration_is_a_usage_error(string warmup)
    {
        var result = await LoadRunnerCli.RunAsync("bench", "--leader", "http://127.0.0.1:1", "--warmup", warmup);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--warmup must be 'auto' or a non-negative duration", result.Output + result.Error, StringComparison.Ordinal);
    }
}
