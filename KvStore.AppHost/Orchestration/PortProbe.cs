using System.Net;
using System.Net.Sockets;

namespace KvStore.AppHost.Orchestration;

/// <summary>Whether a loopback port can be listened on, checked by binding it the way Kestrel will (SO_REUSEADDR, IPv4 and IPv6).</summary>
public static class PortProbe
{
    public static bool IsFree(int port) =>
        CanBind(IPAddress.Loopback, port) && (!Socket.OSSupportsIPv6 || CanBind(IPAddress.IPv6Loopback, port));

    private static bool CanBind(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen();
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            return true; // No IPv6 loopback here: Kestrel will not use it either.
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
