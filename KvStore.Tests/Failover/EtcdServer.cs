using System.Collections.Concurrent;
using System.Diagnostics;

namespace KvStore.Tests.Failover;

/// <summary>
/// A real single-member etcd on free loopback ports with its own temporary data directory, started by the test and
/// ended in <see cref="DisposeAsync"/>. Without an <c>etcd</c> binary the test is skipped, except under CI=true where
/// that is a failure (.ci/install-etcd.sh installs it).
/// </summary>
public sealed class EtcdServer : IAsyncDisposable
{
    // On tmpfs where there is one: etcd fsyncs every write, and on two shared cores a slow disk would delay the election, not test it.
    private readonly string _dataDir = Directory.Exists("/dev/shm")
        ? Directory.CreateDirectory(Path.Combine("/dev/shm", "kvstore-etcd-" + Guid.NewGuid().ToString("N"))).FullName
        : Directory.CreateTempSubdirectory("kvstore-etcd-").FullName;
    private readonly int[] _ports = Infrastructure.FreePorts.Take(2);
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public string Endpoint => $"http://127.0.0.1:{_ports[0]}";

    public static async Task<EtcdServer> StartAsync()
    {
        var binary = FindBinary();
        if (binary is null)
        {
            const string Reason = "etcd is not installed (bash .ci/install-etcd.sh installs Debian's etcd-server)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                Assert.Fail(Reason);
            Assert.Skip(Reason);
        }

        var server = new EtcdServer { Binary = binary };
        await server.StartAsync(TimeSpan.FromSeconds(30));
        return server;
    }

    private string Binary { get; init; } = "etcd";

    /// <summary>Starts (or restarts, on the same data) the member and waits until it answers /health.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        var peer = $"http://127.0.0.1:{_ports[1]}";
        var info = new ProcessStartInfo(Binary,
        [
            "--name", "t", "--data-dir", _dataDir, "--logger", "zap", "--log-level", "error",
            "--listen-client-urls", Endpoint, "--advertise-client-urls", Endpoint,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"t={peer}",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if ((await http.GetStringAsync($"{Endpoint}/health")).Contains("\"true\"", StringComparison.Ordinal))
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
                Assert.Fail($"etcd did not become healthy: {string.Join('\n', _output.TakeLast(20))}");
            await Task.Delay(50);
        }
    }

    /// <summary>kill -9 of the member; its data directory stays for a restart.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
            return;
        if (!process.HasExited)
            process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static string? FindBinary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "etcd")).FirstOrDefault(File.Exists);
}
