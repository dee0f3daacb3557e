using KvStore.Node.Telemetry;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.LoadRunner;
using Microsoft.Extensions.Configuration;

namespace KvStore.Tests.Node;

/// <summary>
/// Nodes skip ASP.NET Core's per-request log scope and Activity when nothing would use them, but an operator who
/// raises the request logs' level, or exports telemetry, gets everything as before.
/// </summary>
public sealed class RequestLoggingTests
{
    [Theory]
    [InlineData("Logging:LogLevel:Default=Warning", true)]
    [InlineData("Logging:LogLevel:Default=Information;Logging:LogLevel:Microsoft.AspNetCore=Warning", true)]
    [InlineData("", false)]
    [InlineData("Logging:LogLevel:Default=Warning;Logging:LogLevel:Microsoft.AspNetCore=Information", false)]
    [InlineData("Logging:LogLevel:Microsoft.AspNetCore=Warning;Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Debug", false)]
    [InlineData("Logging:LogLevel:Default=Warning;OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317", false)]
    public void Switched_off_only_when_unused(string settings, bool unused)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => s.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], (string?)p[1])))
            .Build();

        Assert.Equal(unused, RequestLogging.IsUnused(configuration));
    }

    [Fact]
    public async Task An_operator_who_raises_the_request_logs_sees_them()
    {
        await using var node = new ProcessNode("logging-follower", FreePorts.Take(1)[0], new Dictionary<string, string?>
        {
            ["ROLE"] = "follower",
            ["LEADER"] = "http://127.0.0.1:1",
            ["REPLICATION_TOKEN"] = "t",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
        });
        node.Start();
        await node.WaitHealthyAsync(TimeSpan.FromSeconds(30));

        using var http = new HttpClient { BaseAddress = new Uri(node.Url) };
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/kv/request-logging-probe")).StatusCode);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!node.Output.Any(line => line.Contains(RequestStarting, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no request log for the probe; output:\n{string.Join('\n', node.Output.TakeLast(20))}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_node_started_from_another_directory_reads_its_own_settings_and_logs_no_requests()
    {
        using var elsewhere = new TempDirectory();
        await using var node = new ProcessNode("elsewhere-follower", FreePorts.Take(1)[0], new Dictionary<string, string?>
        {
            ["ROLE"] = "follower",
            ["LEADER"] = "http://127.0.0.1:1",
            ["REPLICATION_TOKEN"] = "t",
        }, workingDirectory: elsewhere.Path);
        node.Start();
        await node.WaitHealthyAsync(TimeSpan.FromSeconds(30));

        using (var http = new HttpClient { BaseAddress = new Uri(node.Url) })
        {
            for (var i = 0; i < 3; i++)
                Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/kv/request-logging-probe")).StatusCode);
        }

        // A graceful stop logs its own lines after anything the requests logged, and ends the output.
        await node.StopAsync(TimeSpan.FromSeconds(20));
        Assert.Contains(node.Output, line => line.Contains(LifetimeEvent, StringComparison.Ordinal));
        Assert.DoesNotContain(node.Output, line => line.Contains(RequestStarting, StringComparison.Ordinal) ||
            line.Contains(RequestFinished, StringComparison.Ordinal) || line.Contains(ExecutingEndpoint, StringComparison.Ordinal));
    }

    // Category and EventId as the simple console formatter prints them ("info: Category[EventId]").
    private const string RequestStarting = "Microsoft.AspNetCore.Hosting.Diagnostics[1]";
    private const string RequestFinished = "Microsoft.AspNetCore.Hosting.Diagnostics[2]";
    private const string ExecutingEndpoint = "Microsoft.AspNetCore.Routing.EndpointMiddleware[0]";
    private const string LifetimeEvent = "Microsoft.Hosting.Lifetime[0]";
}
