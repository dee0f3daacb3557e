using System.Net;
using System.Net.Sockets;

namespace KvStore.Tests.Infrastructure;

public static class FreePorts
{
    /// <summary>Ports the OS just handed out on loopback; reserved by binding and released, so a small race remains.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            return l;
        }).ToArray();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners)
            l.Stop();
        return ports;
    }

    /// <summary>
    /// <paramref name="count"/> consecutive ports free on loopback right now (for a process that numbers its ports from
    /// a base, like the AppHost's nodes); the same small race as <see cref="Take"/>.
    /// </summary>
    public static int TakeRange(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(20_000, 40_000);
            if (Enumerable.Range(first, count).All(IsFree))
                return first;
        }

        throw new InvalidOperationException($"no {count} consecutive free ports found");
    }

    public static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
