#:project ../KvStore.Node/KvStore.Node.csproj
#:property PublishAot=false
// Writes a node's DATA_DIR holding KEYS keys with VALUE_BYTES-byte values, as a snapshot plus a log tail,
// through the node's own write-ahead log: the starting point for measuring restart time and memory.
//   dotnet run bench/populate-data-dir.cs -- DIR [keys=1000000] [value-bytes=100] [tail=50000]
using System.Text;
using KvStore.Node.Storage;
using KvStore.Node.Storage.Durability;
using Microsoft.Extensions.Logging.Abstractions;

var dir = args.Length > 0 ? args[0] : throw new ArgumentException("usage: populate-data-dir.cs DIR [keys] [value-bytes] [tail]");
var keys = args.Length > 1 ? int.Parse(args[1]) : 1_000_000;
var valueBytes = args.Length > 2 ? int.Parse(args[2]) : 100;
var tail = args.Length > 3 ? int.Parse(args[3]) : 50_000;

var state = new KeyValueState();
var log = WriteAheadLog.Open(dir, Guid.NewGuid(), state, retain: 1, segmentBytes: 64L << 20, FsyncPolicy.Always, TimeProvider.System, NullLogger.Instance);
var value = Encoding.UTF8.GetBytes("\"" + new string('v', valueBytes - 2) + "\"");
for (var i = 1; i <= keys + tail; i++)
{
    // The last `tail` writes overwrite keys already present, so recovery replays a log after the snapshot.
    var entry = new LogEntry(log.LastIndex + 1, $"key:{(i - 1) % keys:D8}", value);
    log.Append(entry);
    state.Apply(entry);
    if (i % 10_000 == 0)
        await log.WaitDurableAsync(entry.Index, CancellationToken.None);
    if (i == keys)
        await log.CompactAsync(state.Snapshot(), CancellationToken.None);
}

await log.WaitDurableAsync(log.LastIndex, CancellationToken.None);
await log.DisposeAsync();
Console.WriteLine($"{dir}: {state.Count} keys of {valueBytes} bytes, last index {state.AppliedIndex}");
