using System.Buffers;
using KvStore.Node.Replication;
using KvStore.Node.Threading;
using Microsoft.Win32.SafeHandles;

namespace KvStore.Node.Storage.Durability;

/// <summary>
/// The flusher: group commit. It takes everything pending in one swap, writes it with one write and (under
/// FSYNC=always) one fsync, and only then advances the durable index; a failed write puts the batch back in front of
/// what arrived meanwhile, so log order survives retries.
/// </summary>
public sealed partial class WriteAheadLog
{
    private async Task FlushLoopAsync()
    {
        var stopping = _stopping.Token;
        while (true)
        {
            try
            {
                var wait = _flushSignal.WaitAsync(stopping);
                if (_fsync.Mode == FsyncMode.Interval && _unsyncedSince >= 0)
                    await Task.WhenAny(wait, Task.Delay(_fsync.Interval, _time, stopping));
                else
                    await wait;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await FlushAsync();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Nothing past DurableIndex is acknowledged while this lasts; writers time out with quorum_timeout.
                LogWriteFailed(_logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), _time, CancellationToken.None);
                _flushSignal.Set();
            }
        }

        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        ArrayBufferWriter<byte> batch;
        long first, last;
        lock (_pendingGate)
        {
            batch = _pending;
            first = _pendingFirst;
            last = _pendingLast;
            if (last != 0)
            {
                _pending = _spare;
                _pendingLast = 0;
            }
        }

        await _fileGate.WaitAsync();
        try
        {
            if (last != 0)
            {
                if (_segmentLength >= _segmentBytes)
                    RotateTo(first);
                RandomAccess.Write(_segment!, batch.WrittenSpan, _segmentLength);
                _segmentLength += batch.WrittenCount;
                if (_unsyncedSince < 0)
                    _unsyncedSince = _time.GetTimestamp();
            }

            var due = _fsync.Mode switch
            {
                FsyncMode.Always => true,
                FsyncMode.Interval => _unsyncedSince >= 0 && _time.GetElapsedTime(_unsyncedSince) >= _fsync.Interval,
                _ => false,
            };
            if (due && _unsyncedSince >= 0)
            {
                RandomAccess.FlushToDisk(_segment!);
                Interlocked.Increment(ref _fsyncs);
                _unsyncedSince = -1;
            }
        }
        catch
        {
            // Put the batch back in front of whatever arrived meanwhile, so no entry is skipped or reordered.
            if (last != 0)
                Requeue(batch, first, last);
            throw;
        }
        finally
        {
            _fileGate.Release();
        }

        if (last == 0)
            return;
        batch.ResetWrittenCount();
        _spare = batch;
        Volatile.Write(ref _durableIndex, last);
        _durable.Set(last);
        _listeners.Notify();
    }

    private void Requeue(ArrayBufferWriter<byte> batch, long first, long last)
    {
        lock (_pendingGate)
        {
            var newer = _pendingLast;
            batch.Write(_pending.WrittenSpan);
            _pending.ResetWrittenCount();
            _spare = _pending;
            _pending = batch;
            _pendingFirst = first;
            _pendingLast = newer != 0 ? newer : last;
        }
    }
}
