using System.Net;
using System.Net.Sockets;

namespace KvStore.Tests.Infrastructure;

/// <summary>A frozen peer: accepts TCP connections and reads, but never answers (a hung process, a stalled network).</summary>
public sealed class BlackHoleServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _accepted = [];

    private BlackHoleServer(TcpListener listener) => _listener = listener;

    public static BlackHoleServer Start(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var server = new BlackHoleServer(listener);
        _ = server.AcceptLoopAsync();
        return server;
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_accepted)
                    _accepted.Add(socket);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_accepted)
        {
            foreach (var socket in _accepted)
                socket.Dispose();
        }

        _stop.Dispose();
    }
}
