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
    /// a base, like the AppHost's nodes), below the OS's ephemeral range: a port in that range can be handed out meanwhile
    /// to any test's <see cref="Take"/> or to a client socket's local end, and then a node of the range fails to bind.
    /// </summary>
    public static int TakeRange(int count)
    {
        var ephemeralStart = EphemeralRangeStart();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(10_000, ephemeralStart - count);
            if (Enumerable.Range(first, count).All(IsFree))
                return first;
        }

        throw new InvalidOperationException($"no {count} consecutive free ports found");
    }

    /// <summary>The first port the OS hands out by itself (Linux: ip_local_port_range; elsewhere IANA's 49152).</summary>
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0],
            System.Globalization.CultureInfo.InvariantCulture, out var start) && start > 12_000 ? start : 49_152;
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
