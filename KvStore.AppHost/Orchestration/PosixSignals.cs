using System.Runtime.InteropServices;

namespace KvStore.AppHost.Orchestration;

/// <summary>Sends SIGTERM, which .NET's Process cannot (Kill is SIGKILL): a node gets to shut down gracefully first.</summary>
internal static partial class PosixSignals
{
    private const int SigTerm = 15;

    public static bool Terminate(int pid) => OperatingSystem.IsWindows() ? false : Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
