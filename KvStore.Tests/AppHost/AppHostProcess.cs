using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvStore.AppHost.Hosting;
using KvStore.AppHost.Orchestration;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.AppHost;

/// <summary>
/// The AppHost as a user runs it: a real process (<c>dotnet KvStore.AppHost.dll --no-build</c>) on free ports, its
/// login URL read from stdout, its API called with the browser token. Disposing stops it and, should anything be left,
/// kills the children it reported, by pid.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    public static readonly string[] NodeNames = ["leader", "follower1", "follower2", "follower3", "follower4", "follower5"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Match> _login = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<int, string> _childPids = new();

    private AppHostProcess(Process process, IReadOnlyDictionary<string, int> ports, int dashboardPort)
    {
        _process = process;
        Ports = ports;
        DashboardUrl = $"http://localhost:{dashboardPort}";
        Api = new HttpClient { BaseAddress = new Uri(DashboardUrl), Timeout = TimeSpan.FromSeconds(30) };
        Nodes = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    }

    public static JsonSerializerOptions Json { get; } = JsonSerializerOptions.Web;

    public int Pid => _process.Id;

    public IReadOnlyDictionary<string, int> Ports { get; }

    public string DashboardUrl { get; }

    public string LoginUrl { get; private set; } = "";

    public string Token { get; private set; } = "";

    /// <summary>The dashboard's API, authenticated with <c>Authorization: Bearer {token}</c>.</summary>
    public HttpClient Api { get; }

    /// <summary>For calling the nodes directly.</summary>
    public HttpClient Nodes { get; }

    /// <summary>Every pid a resource had while this test watched, with its resource's name.</summary>
    public IReadOnlyDictionary<int, string> ChildPids => _childPids;

    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public static string AppHostDll => Path.Combine(
        AppHostAssembly.ProjectDirectory, "bin", AppHostAssembly.Configuration, AppHostAssembly.TargetFramework, "KvStore.AppHost.dll");

    /// <summary>Starts the AppHost with every node and the dashboard on a free port; returns once the login URL is printed.</summary>
    public static async Task<AppHostProcess> StartAsync(IReadOnlyDictionary<string, int>? portOverrides = null, params string[] extraArgs)
    {
        var free = FreePorts.Take(NodeNames.Length + 3);
        var ports = NodeNames.Select((name, i) => (name, port: portOverrides?.GetValueOrDefault(name) is > 0 and var p ? p : free[i]))
            .ToDictionary(x => x.name, x => x.port);
        var dashboardPort = free[^3];

        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        string[] args =
        [
            AppHostDll, "--no-build",
            $"--Dashboard:Url=http://localhost:{dashboardPort}",
            $"--Dashboard:OtlpGrpcUrl=http://localhost:{free[^2]}",
            $"--Dashboard:OtlpHttpUrl=http://localhost:{free[^1]}",
            $"--Orchestrator:StateRoot={Path.Combine(Path.GetTempPath(), "kvstore-apphost-tests")}",
            "--Orchestrator:StopTimeout=00:00:10",
            .. ports.Select(p => $"--Ports:{p.Key}={p.Value}"),
            .. extraArgs,
        ];
        foreach (var arg in args)
            info.ArgumentList.Add(arg);

        var host = new AppHostProcess(new Process { StartInfo = info, EnableRaisingEvents = true }, ports, dashboardPort);
        host.Start();
        return host;
    }

    public string NodeUrl(string name) => $"http://localhost:{Ports[name]}";

    /// <summary>Waits for the printed login URL and authenticates the API client with its token.</summary>
    public async Task WaitForLoginUrlAsync()
    {
        var exited = _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(_login.Task, exited, Task.Delay(StartTimeout, TestContext.Current.CancellationToken));
        if (first != _login.Task)
            throw new InvalidOperationException($"The AppHost printed no login URL ({(_process.HasExited ? $"exit code {_process.ExitCode}" : "timed out")}):\n{Output}");

        var match = await _login.Task;
        LoginUrl = match.Groups["url"].Value;
        Token = match.Groups["token"].Value;
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public async Task<IReadOnlyList<ResourceSnapshot>> ResourcesAsync()
    {
        var resources = await Api.GetFromJsonAsync<List<ResourceSnapshot>>("/api/resources", Json, TestContext.Current.CancellationToken) ?? [];
        foreach (var r in resources.Where(r => r.Pid is not null))
            _childPids[r.Pid!.Value] = r.Name;
        return resources;
    }

    public async Task<ResourceSnapshot> ResourceAsync(string name) => (await ResourcesAsync()).Single(r => r.Name == name);

    public Task<IReadOnlyList<ResourceSnapshot>> WaitForResourcesAsync(Func<IReadOnlyList<ResourceSnapshot>, bool> condition, string what, TimeSpan? timeout = null) =>
        Deadline.UntilAsync(ResourcesAsync, condition, timeout ?? StartTimeout, what, Describe);

    public Task WaitUntilNodesHealthyAsync(TimeSpan? timeout = null) => WaitForResourcesAsync(
        rs => NodeNames.All(n => rs.Single(r => r.Name == n) is { State: ResourceState.Running, Health: HealthStatus.Healthy }),
        "six healthy nodes", timeout);

    public static bool IsHealthy(ResourceSnapshot r) => r is { State: ResourceState.Running, Health: HealthStatus.Healthy };

    public static string Describe(IReadOnlyList<ResourceSnapshot> resources) =>
        string.Join(", ", resources.Select(r => $"{r.Name}={r.State}/{r.Health?.ToString() ?? "-"}{(r.Message is null ? "" : $" ({r.Message})")}"));

    /// <summary>SIGTERM, as Ctrl+C or <c>docker stop</c> would.</summary>
    public void Terminate() => Assert.True(PosixSignals.Terminate(_process.Id), "SIGTERM could not be sent");

    public void Kill() => _process.Kill();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout);
        return _process.ExitCode;
    }

    public IReadOnlyList<int> LiveChildren() => _childPids.Keys.Where(ChildProcesses.IsAlive).ToList();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Terminate();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
        }
        catch (TimeoutException)
        {
            _process.Kill();
        }
        finally
        {
            // Only ours: the pids this AppHost reported for its resources.
            foreach (var pid in LiveChildren())
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
            }

            _process.Dispose();
            Api.Dispose();
            Nodes.Dispose();
        }
    }

    private void Start()
    {
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        if (LoginLine().Match(line) is { Success: true } match)
            _login.TrySetResult(match);
    }

    [GeneratedRegex(@"Login to the dashboard at (?<url>http://\S+/login\?t=(?<token>\w+))")]
    private static partial Regex LoginLine();
}
