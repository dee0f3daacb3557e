using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KvStore.AppHost.Dashboard;

/// <summary>
/// Binds Kestrel to a configured <c>http://host:port</c> with chosen HTTP protocols. The dashboard host listens on three
/// ports with different protocols (OTLP/gRPC needs HTTP/2 without TLS, which a URL alone cannot say).
/// </summary>
internal static class KestrelUrl
{
    public static void Listen(this KestrelServerOptions kestrel, string url, HttpProtocols protocols, Action<ListenOptions>? configure = null)
    {
        var uri = new Uri(url);
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            configure?.Invoke(listen);
        }

        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            kestrel.ListenLocalhost(uri.Port, Configure);
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
            kestrel.Listen(address, uri.Port, Configure);
        else
            kestrel.ListenAnyIP(uri.Port, Configure); // a host name (a container's service name): every interface, as ASP.NET Core does
    }

    public static bool IsLoopback(string url) => new Uri(url) is var uri && (uri.IsLoopback || string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase));
}
