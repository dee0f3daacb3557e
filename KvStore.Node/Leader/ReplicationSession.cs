using KvStore.Node.Replication;

namespace KvStore.Node.Leader;

/// <summary>
/// One open replication stream to one follower (an upgraded connection): frames go out, acknowledgements come
/// back. One writer and one reader at a time; disposing closes the connection.
/// </summary>
internal sealed class ReplicationSession(HttpResponseMessage response, Stream connection, string node) : IDisposable
{
    private readonly byte[] _acks = new byte[ReplicationStreamFormat.AckSize * 512];
    private int _filled;

    /// <summary>The follower's own NODE_NAME, as it answered.</summary>
    public string Node => node;

    /// <summary>Writes whole frames and pushes them onto the wire.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(bytes, cancellationToken);
        await connection.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Waits for acknowledgements and adds every whole one received to <paramref name="into"/>, in order; false when
    /// the follower ended the stream.
    /// </summary>
    public async ValueTask<bool> ReadAcksAsync(List<StreamAck> into, CancellationToken cancellationToken)
    {
        while (_filled < ReplicationStreamFormat.AckSize)
        {
            var read = await connection.ReadAsync(_acks.AsMemory(_filled), cancellationToken);
            if (read == 0)
                return false;
            _filled += read;
        }

        var whole = _filled - (_filled % ReplicationStreamFormat.AckSize);
        for (var at = 0; at < whole; at += ReplicationStreamFormat.AckSize)
            into.Add(ReplicationStreamFormat.ReadAck(_acks.AsSpan(at)));
        _acks.AsSpan(whole, _filled - whole).CopyTo(_acks);
        _filled -= whole;
        return true;
    }

    public void Dispose()
    {
        connection.Dispose();
        response.Dispose();
    }
}
