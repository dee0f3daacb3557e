using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Node;

/// <summary>
/// The README's "Try it with curl" section, run for real: six node processes started by the README's own
/// shell block (on free ports instead of 8000–8005), then each curl command, checked against the answer shown.
/// </summary>
public sealed partial class ReadmeExamplesTests
{
    [Fact]
    public async Task Readme_curl_examples_work_against_six_nodes_started_as_the_readme_says()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));
        var blocks = BashBlock().Matches(readme[readme.IndexOf("### Try it with curl", StringComparison.Ordinal)..])
            .Select(m => m.Groups[1].Value).ToArray();
        var start = blocks.Single(b => b.Contains("ROLE=leader", StringComparison.Ordinal));
        var examples = blocks.Single(b => b.TrimStart().StartsWith("curl", StringComparison.Ordinal));

        var ports = FreePorts.Take(6);
        string Remap(string text) => DefaultPort().Replace(text, m => $"127.0.0.1:{ports[m.Groups[1].Value[0] - '0']}");

        // The README's loop names follower ports as 800$i; give it the free ports through a bash array.
        var script = $"ports=({string.Join(' ', ports)})\n" + string.Join('\n', Remap(start.Replace("localhost:800$i", "127.0.0.1:${ports[$i]}", StringComparison.Ordinal)).Split('\n')
            .Where(line => !line.StartsWith("dotnet build", StringComparison.Ordinal))
            .Select(line => line.StartsWith("node=", StringComparison.Ordinal) ? $"node='{NodeProcess.NodeDll}'" : line)) + "\nwait\n";

        using var cluster = Process.Start(Bash(script))!;
        try
        {
            await WaitHealthyAsync(ports);
            var lines = examples.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith("curl", StringComparison.Ordinal))
                    continue;
                var (exit, output) = await RunAsync(Remap(lines[i]));
                Assert.True(exit == 0, $"`{lines[i]}` exited {exit}: {output}");
                if (i + 1 < lines.Length && lines[i + 1].StartsWith("# ", StringComparison.Ordinal))
                    AssertShown(lines[i], Remap(lines[i + 1][2..]), output);
            }
        }
        finally
        {
            cluster.Kill(entireProcessTree: true);
            await cluster.WaitForExitAsync();
        }
    }

    private static void AssertShown(string command, string shown, string output)
    {
        if (shown.StartsWith('{'))
        {
            var expected = JsonNode.Parse(shown)!.AsObject();
            var actual = JsonNode.Parse(output)!.AsObject();

            // "acks" counts the followers that had the write when it was answered: the quorum, or more.
            if (expected["acks"] is { } shownAcks && actual["acks"] is { } acks)
            {
                Assert.InRange(acks.GetValue<int>(), shownAcks.GetValue<int>(), 5);
                expected.Remove("acks");
                actual.Remove("acks");
            }

            Assert.True(JsonNode.DeepEquals(expected, actual), $"`{command}` printed {output}, README shows {shown}");
            return;
        }

        if (!char.IsAsciiDigit(shown[0]))
        {
            Assert.Equal(shown, output);
            return;
        }

        // "421 {"code":"not_leader",...}": the status and each complete member shown must be in the answer.
        var body = JsonNode.Parse(output)!.AsObject();
        foreach (Match member in ShownMember().Matches(shown))
        {
            var expected = JsonNode.Parse(member.Groups[2].Value);
            Assert.True(JsonNode.DeepEquals(expected, body[member.Groups[1].Value]), $"`{command}` printed {output}, README shows {shown}");
        }

        Assert.Equal(int.Parse(shown[..3], System.Globalization.CultureInfo.InvariantCulture), body["status"]!.GetValue<int>());
    }

    private static async Task WaitHealthyAsync(int[] ports)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var port in ports)
        {
            while (true)
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).IsSuccessStatusCode)
                        break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }

                Assert.True(DateTime.UtcNow < deadline, $"node on port {port} did not become healthy");
                await Task.Delay(100);
            }
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string command)
    {
        using var process = Process.Start(Bash("exec " + command.Replace("curl ", "curl -sS --max-time 10 ", StringComparison.Ordinal)))!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output.Trim());
    }

    private static ProcessStartInfo Bash(string script)
    {
        var info = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true };
        foreach (var name in new[] { "ROLE", "FOLLOWERS", "LEADER", "WRITE_QUORUM", "http_proxy", "HTTP_PROXY" })
            info.Environment.Remove(name);
        return info;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KvStore.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("KvStore.sln not found above the test output");
    }

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [GeneratedRegex(@"localhost:800([0-5])")]
    private static partial Regex DefaultPort();

    [GeneratedRegex("\"(\\w+)\":(\"[^\"]*\"|\\d+)")]
    private static partial Regex ShownMember();
}
