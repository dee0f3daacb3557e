using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using KvStore.Node.Replication;
using KvStore.Node.Storage;

namespace KvStore.Tests.Infrastructure;

public static class ReplicationMessages
{
    public static byte[] Encode(long index, string key, string jsonValue)
    {
        var writer = new ArrayBufferWriter<byte>();
        LogRecordCodec.Write(writer, new LogEntry(index, key, Encoding.UTF8.GetBytes(jsonValue)));
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>A request to turn the connection into the replication stream, as the leader makes it.</summary>
    public static HttpRequestMessage StreamRequest(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/replicate");
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue(ReplicationStreamFormat.UpgradeToken));
        request.Headers.Add("X-KvStore-Log-Id", Guid.NewGuid().ToString());
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }
}
