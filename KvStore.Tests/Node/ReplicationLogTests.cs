using KvStore.Node.Storage;

namespace KvStore.Tests.Node;

public sealed class ReplicationLogTests
{
    [Fact]
    public void Reads_back_across_chunk_boundaries_while_refusing_out_of_order_appends()
    {
        var log = new InMemoryReplicationLog(retain: 100_000);
        for (var i = 1; i <= 10_000; i++)
            log.Append(new LogEntry(i, $"k{i}", [(byte)'1']));

        Assert.Throws<InvalidOperationException>(() => log.Append(new LogEntry(10_002, "gap", null)));
        Assert.Equal(10_000, log.LastIndex);

        var buffer = new LogEntry[600];
        Assert.Equal(600, log.Read(4000, buffer));
        Assert.Equal(Enumerable.Range(4000, 600).Select(i => (long)i), buffer.Select(e => e.Index));
        Assert.Equal(1, log.Read(10_000, buffer));
        Assert.Equal(0, log.Read(10_001, buffer));
    }

    [Fact]
    public void Keeps_only_the_newest_retained_entries()
    {
        var log = new InMemoryReplicationLog(retain: 5000);
        for (var i = 1; i <= 20_000; i++)
            log.Append(new LogEntry(i, "k", null));

        Assert.Equal(15_001, log.FirstIndex);
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Read(15_000, new LogEntry[1]));
        var buffer = new LogEntry[10];
        Assert.Equal(10, log.Read(15_001, buffer));
        Assert.Equal(15_001, buffer[0].Index);
    }
}
