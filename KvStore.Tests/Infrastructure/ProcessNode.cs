using System.Collections.Concurrent;
using System.Diagnostics;

namespace KvStore.Tests.Infrastructure;

/// <summary>A KvStore node as a real OS process, so a test can kill it with SIGKILL and start it again on the same data.</summary>
public sealed class ProcessNode : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _environment;
    private readonly string? _workingDirectory;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public ProcessNode(string name, int port, Dictionary<string, string?> environment, string? workingDirectory = null)
    {
        _workingDirectory = workingDirectory;
        Name = name;
        Port = port;
        Url = $"http://127.0.0.1:{port}";
        _environment = new Dictionary<string, string?>(environment)
        {
            ["NODE_NAME"] = name,
            ["ASPNETCORE_URLS"] = Url,
            ["Logging__Console__FormatterName"] = "simple",
        };
    }

    public string Name { get; }

    public int Port { get; }

    public string Url { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>kill -STOP / kill -CONT: the process freezes (its sockets stay open, nothing answers) and later resumes where it was.</summary>
    public async Task SignalAsync(string signal)
    {
        if (_process is not { } process)
            return;
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>Everything the process printed, across restarts.</summary>
    public IEnumerable<string> Output => _output;

    public void Start()
    {
        var process = new Process { StartInfo = NodeProcess.StartInfo(_environment, _workingDirectory), EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>kill -9: no shutdown hooks, no flush; whatever was not on disk is gone.</summary>
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

    /// <summary>SIGTERM, as an operator stops it: the node shuts down gracefully and everything it logged is read.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process is not { } process)
            return;
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var deadline = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(deadline.Token);
        process.Dispose();
        _process = null;
    }

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"{Url}/health")).IsSuccessStatusCode)
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (_process is null || _process.HasExited || DateTime.UtcNow > deadline)
                Assert.Fail($"{Name} did not become healthy: {string.Join('\n', _output.TakeLast(20))}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
