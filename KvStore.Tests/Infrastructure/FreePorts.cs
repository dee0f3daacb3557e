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
}
