using System.Buffers;
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
}
