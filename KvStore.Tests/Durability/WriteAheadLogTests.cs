using System.Text;
using KvStore.Node.Storage;
using KvStore.Node.Storage.Durability;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvStore.Tests.Durability;

public sealed class WriteAheadLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvstore-wal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(WriteAheadLog Log, KeyValueState State)> OpenAsync(string dir, long segmentBytes = 1 << 20)
    {
        var state = new KeyValueState();
        var log = WriteAheadLog.Open(dir, Guid.NewGuid(), state, retain: 1000, segmentBytes, FsyncPolicy.Always, TimeProvider.System, NullLogger.Instance);
        await Task.Yield();
        return (log, state);
    }

    private static LogEntry Entry(long index, int seed) =>
        new(index, $"key-{seed % 37}", seed % 11 == 0 ? null : Encoding.UTF8.GetBytes($"{{\"n\":{seed},\"pad\":\"{new string('x', seed % 300)}\"}}"));

    private static async Task<List<LogEntry>> WriteAsync(string dir, int count, long segmentBytes = 4096)
    {
        var (log, state) = await OpenAsync(dir, segmentBytes);
        var written = new List<LogEntry>();
        for (var i = 1; i <= count; i++)
        {
            var entry = Entry(i, i * 7919);
            if (entry.Value is null && !state.TryGet(entry.Key, out _))
                entry = entry with { Value = "0"u8.ToArray() };
            log.Append(entry);
            state.Apply(entry);
            written.Add(entry);

            // Group commit writes whatever is pending at once; waiting now and then lets segments roll over.
            if (i % 20 == 0)
                await log.WaitDurableAsync(i, CancellationToken.None);
        }

        await log.WaitDurableAsync(count, CancellationToken.None);
        await log.DisposeAsync();
        return written;
    }

    [Fact]
    public async Task Reopening_recovers_every_entry_the_same_history_and_continues_numbering()
    {
        var written = await WriteAsync(_dir, 500);
        var (log, state) = await OpenAsync(_dir);
        await using (log)
        {
            Assert.Equal(500, log.LastIndex);
            Assert.Equal(500, state.AppliedIndex);
            var buffer = new LogEntry[500];
            Assert.Equal(500, log.Read(1, buffer));
            Assert.Equal(written.Select(e => (e.Index, e.Key)), buffer.Select(e => (e.Index, e.Key)));

            log.Append(new LogEntry(501, "next", "1"u8.ToArray()));
            await log.WaitDurableAsync(501, CancellationToken.None);
        }

        var (again, _) = await OpenAsync(_dir);
        await using (again)
            Assert.Equal(501, again.LastIndex);
    }

    [Fact]
    public async Task Compaction_bounds_the_log_and_recovery_starts_from_the_snapshot()
    {
        await WriteAsync(_dir, 2000);
        var (log, state) = await OpenAsync(_dir, segmentBytes: 4096);
        var segmentsBefore = Directory.GetFiles(_dir, "*.wal", SearchOption.AllDirectories).Length;
        await log.CompactAsync(state.Snapshot(), CancellationToken.None);
        var expected = TestState(state);
        await log.DisposeAsync();

        var segmentsAfter = Directory.GetFiles(_dir, "*.wal", SearchOption.AllDirectories).Length;
        Assert.True(segmentsAfter < segmentsBefore / 4, $"{segmentsBefore} segments before compaction, {segmentsAfter} after");
        var (reopened, recovered) = await OpenAsync(_dir);
        await using (reopened)
        {
            Assert.Equal(2000, recovered.AppliedIndex);
            Assert.Equal(expected, TestState(recovered));
            Assert.Equal(2001, reopened.FirstIndex);
        }
    }

    /// <summary>
    /// Damage the newest segment at random (cut it short, flip bits, append garbage, or all of these) many
    /// times over: recovery either refuses with a clear error or yields exactly a prefix of what was written.
    /// </summary>
    [Fact]
    public async Task Fuzzed_tails_never_crash_recovery_nor_yield_a_record_that_was_not_written()
    {
        var source = Path.Combine(_dir, "source");
        var written = await WriteAsync(source, 300, segmentBytes: 8192);
        var random = new Random(42);
        int repaired = 0, refused = 0;
        for (var trial = 0; trial < 200; trial++)
        {
            var copy = Path.Combine(_dir, $"trial-{trial}");
            CopyDirectory(source, copy);
            var segments = Directory.GetFiles(copy, "*.wal", SearchOption.AllDirectories).Order().ToArray();
            var target = trial % 10 == 0 ? segments[random.Next(segments.Length)] : segments[^1];
            Damage(target, random);

            try
            {
                var (log, state) = await OpenAsync(copy);
                await using (log)
                {
                    var buffer = new LogEntry[written.Count];
                    var count = log.Read(log.FirstIndex, buffer);
                    for (var i = 0; i < count; i++)
                    {
                        var original = written[(int)buffer[i].Index - 1];
                        Assert.Equal(original.Key, buffer[i].Key);
                        Assert.Equal(original.Value, buffer[i].Value);
                    }

                    Assert.Equal(log.LastIndex, state.AppliedIndex);
                    repaired++;
                }
            }
            catch (WalCorruptionException)
            {
                refused++;
            }

            Directory.Delete(copy, recursive: true);
        }

        Assert.True(repaired > 0 && refused > 0, $"repaired {repaired}, refused {refused}: the fuzzer should exercise both outcomes");
    }

    private static void Damage(string path, Random random)
    {
        var bytes = File.ReadAllBytes(path).ToList();
        switch (random.Next(4))
        {
            case 0:
                bytes = bytes.Take(random.Next(bytes.Count)).ToList();
                break;
            case 1:
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    var at = random.Next(bytes.Count);
                    bytes[at] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 2:
                var garbage = new byte[random.Next(1, 200)];
                random.NextBytes(garbage);
                bytes.AddRange(garbage);
                break;
            default:
                bytes = bytes.Take(random.Next(bytes.Count)).ToList();
                bytes[random.Next(Math.Max(1, bytes.Count))] ^= 0x40;
                break;
        }

        File.WriteAllBytes(path, bytes.ToArray());
    }

    private static string TestState(KeyValueState state) =>
        string.Join(';', state.Snapshot().Items.Select(i => $"{i.Key}={i.Version}:{Encoding.UTF8.GetString(i.Value.Span)}"));

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }
}
