using System.Buffers;
using System.Net;
using KvStore.Node.Replication;
using KvStore.Node.Storage;

namespace KvStore.Tests.Infrastructure;

/// <summary>The leader's end of one replication stream, driven by a test frame by frame.</summary>
public sealed class StreamPeer(HttpResponseMessage response, Stream connection) : IAsyncDisposable
{
    private static readonly TimeSpan AckDeadline = TimeSpan.FromSeconds(10);

    /// <summary>Opens a stream as a leader of a new history would (<see cref="ReplicationMessages.StreamRequest"/>).</summary>
    public static async Task<StreamPeer> OpenAsync(HttpClient client, string token)
    {
        using var request = ReplicationMessages.StreamRequest($"Bearer {token}");
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, response.StatusCode);
        return new StreamPeer(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>One frame per entry, all in one write.</summary>
    public Task SendAsync(params LogEntry[] entries) => SendFramesAsync([.. entries.Select(e => new[] { e })]);

    /// <summary>Each array one frame, all of them in one write.</summary>
    public async Task SendFramesAsync(IEnumerable<LogEntry[]> frames)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var frame in frames)
        {
            var start = ReplicationStreamFormat.BeginFrame(output, default);
            foreach (var entry in frame)
                LogRecordCodec.Write(output, entry);
            ReplicationStreamFormat.EndFrame(output, start);
        }

        await connection.WriteAsync(output.WrittenMemory);
        await connection.FlushAsync();
    }

    /// <summary>Every entry in one frame.</summary>
    public Task SendFrameAsync(LogEntry[] entries) => SendFramesAsync([entries]);

    public async Task<StreamAck> ReadAckAsync()
    {
        using var deadline = new CancellationTokenSource(AckDeadline);
        var ack = new byte[ReplicationStreamFormat.AckSize];
        await connection.ReadExactlyAsync(ack, deadline.Token);
        return ReplicationStreamFormat.ReadAck(ack);
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        response.Dispose();
    }
}
