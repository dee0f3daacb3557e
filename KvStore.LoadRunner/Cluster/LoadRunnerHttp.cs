using System.Net;

namespace KvStore.LoadRunner.Cluster;

internal static class LoadRunnerHttp
{
    /// <summary>
    /// One pooled, keep-alive HTTP/1.1 client for the whole run. The pool must allow at least one connection per
    /// load client, or clients would queue inside the handler and the queueing would be reported as node latency.
    /// </summary>
    public static HttpClient Create(int loadClients, TimeSpan requestTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            // A node never redirects; without this HttpClient puts a redirect layer on every request.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Room for the consistency checks' /data requests besides the load clients.
            MaxConnectionsPerServer = loadClients + 8,
            ConnectTimeout = requestTimeout < TimeSpan.FromSeconds(5) ? requestTimeout : TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        };
        return new HttpClient(handler)
        {
            Timeout = requestTimeout,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }
}
