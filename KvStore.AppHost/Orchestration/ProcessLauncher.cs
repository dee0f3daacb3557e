using System.Collections.Concurrent;
using System.Diagnostics;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// Starts child processes, all from one dedicated thread that lives as long as the AppHost. The kernel's parent-death
/// signal (PR_SET_PDEATHSIG, set by <c>setpriv --pdeathsig KILL</c>) fires when the <em>thread</em> that forked the child
/// ends, not the process: started from a thread-pool thread that later retires, a healthy node would be killed.
/// </summary>
internal sealed class ProcessLauncher : IDisposable
{
    private const string SetPriv = "/usr/bin/setpriv";
    private readonly BlockingCollection<Action> _work = new();
    private readonly bool _killWithParent;

    public ProcessLauncher(bool killWithParent)
    {
        _killWithParent = killWithParent && OperatingSystem.IsLinux() && File.Exists(SetPriv);
        new Thread(Run) { IsBackground = true, Name = "Child process launcher" }.Start();
    }

    /// <summary>False when children cannot be tied to the AppHost's life (no setpriv, not Linux, or turned off).</summary>
    public bool KillsChildrenWithAppHost => _killWithParent;

    public Task<ChildProcess> StartAsync(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment,
        string workingDirectory, Action<LogSource, string> output)
    {
        var info = new ProcessStartInfo
        {
            FileName = _killWithParent ? SetPriv : fileName,
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // A child reading stdin would steal the terminal's input; nothing of ours reads it.
            RedirectStandardInput = true,
        };
        if (_killWithParent)
        {
            foreach (var a in (string[])["--pdeathsig", "KILL", "--", fileName])
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
