using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.Publishing;

namespace KvStore.Tests.Browser;

/// <summary>
/// The AppHost as <c>dotnet run --project KvStore.AppHost</c> starts it (its http launch profile: the real dashboard,
/// unsecured on loopback), on free ports: the login URL is read from its console, as a user reads it. Disposing stops
/// it with SIGTERM, as Ctrl+C does, and waits for it; DCP then ends the nodes.
/// </summary>
public sealed partial class DashboardAppHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly Process _process;
    private readonly LoadRunner.TempDirectory _data = new();
    private readonly TaskCompletionSource<string> _login = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _console = [];

    private DashboardAppHost(int portBase)
    {
        PortBase = portBase;
        var ports = FreePorts.Take(3);
        var configuration = typeof(DashboardAppHost).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppHostCli.ProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                Path.Combine(AppHostCli.ProjectDirectory, "bin", configuration, "net10.0", "KvStore.AppHost.dll"),
                $"--KvStore:PortBase={portBase}", $"--KvStore:DataDirectory={_data.Path}",
                // The fixed roles: the test reads a write's trace as leader -> follower1..5 (under etcd any node may win
                // the first election), and its AppHost must not take the default etcd port another AppHost test may hold.
                "--KvStore:Failover=off",
            },
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["ASPNETCORE_URLS"] = $"http://localhost:{ports[0]}";
        info.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{ports[1]}";
        info.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{ports[2]}";
        info.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Observe(e.Data);
        _process.ErrorDataReceived += (_, e) => Observe(e.Data);
    }

    public int PortBase { get; }

    public string NodeUrl(int node) => $"http://localhost:{PortBase + node}";

    public string LoginUrl { get; private set; } = "";

    public string Console
    {
        get
        {
            lock (_console)
                return string.Join('\n', _console.TakeLast(60));
        }
    }

    public static async Task<DashboardAppHost> StartAsync()
    {
        var host = new DashboardAppHost(FreePorts.TakeRange(6));
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        try
        {
            host.LoginUrl = await host._login.Task.WaitAsync(StartTimeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            await host.DisposeAsync();
            throw new TimeoutException("the AppHost printed no login URL; its console:\n" + host.Console);
        }

        return host;
    }

    private void Observe(string? line)
    {
        if (line is null)
            return;
        lock (_console)
            _console.Add(line);
        if (LoginLine().Match(line) is { Success: true } match)
            _login.TrySetResult(match.Groups[1].Value);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        _data.Dispose();
    }

    [GeneratedRegex(@"Login to the dashboard at (\S+)")]
    private static partial Regex LoginLine();
}
