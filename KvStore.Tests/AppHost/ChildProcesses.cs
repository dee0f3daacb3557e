using System.Globalization;

namespace KvStore.Tests.AppHost;

/// <summary>What /proc says about a process: a zombie (exited, not yet reaped by init) counts as gone.</summary>
public static class ChildProcesses
{
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // "pid (comm) S ...": the state follows the last ')' (comm may contain spaces and parentheses).
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
