using System.Collections.Concurrent;
using System.Diagnostics;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// Starts child processes as <c>setsid setpriv --pdeathsig KILL -- dotnet app.dll</c> (util-linux; both exec in place, so
/// the pid is the app's). The new session keeps Ctrl+C in a terminal to the AppHost, which then stops its children in
/// order; the parent-death signal makes the kernel kill a child when the AppHost dies without stopping it (SIGKILL).
/// That signal fires when the <em>thread</em> that forked the child ends, not the process, so every child is started from
/// one dedicated thread that lives as long as the AppHost: from a thread-pool thread that later retires, a healthy node
/// would be killed.
/// </summary>
internal sealed class ProcessLauncher : IDisposable
{
    private const string SetSid = "/usr/bin/setsid";
    private const string SetPriv = "/usr/bin/setpriv";
    private readonly BlockingCollection<Action> _work = new();
    private readonly bool _killWithParent;

    public ProcessLauncher(bool killWithParent)
    {
        _killWithParent = killWithParent && OperatingSystem.IsLinux() && File.Exists(SetPriv) && File.Exists(SetSid);
        new Thread(Run) { IsBackground = true, Name = "Child process launcher" }.Start();
    }

    /// <summary>False when children cannot be tied to the AppHost's life (no setpriv, not Linux, or turned off).</summary>
    public bool KillsChildrenWithAppHost => _killWithParent;

    public Task<ChildProcess> StartAsync(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, Action<LogSource, string> output)
    {
        var info = new ProcessStartInfo
        {
            FileName = _killWithParent ? SetSid : fileName,
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // A child reading stdin would steal the terminal's input; nothing of ours reads it.
            RedirectStandardInput = true,
        };
        if (_killWithParent)
        {
            foreach (var a in (string[])[SetPriv, "--pdeathsig", "KILL", "--", fileName])
                info.ArgumentList.Add(a);
        }

        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment.Clear();
        foreach (var (name, value) in environment)
            info.Environment[name] = value;

        var started = new TaskCompletionSource<ChildProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                started.SetResult(ChildProcess.Start(info, output));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        });
        return started.Task;
    }

    public void Dispose() => _work.CompleteAdding();

    private void Run()
    {
        foreach (var work in _work.GetConsumingEnumerable())
            work();
    }
}
