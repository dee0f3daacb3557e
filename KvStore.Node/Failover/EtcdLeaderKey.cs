using System.Diagnostics;
using System.Text.Json;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using KvStore.Node.Api;
using KvStore.Node.Configuration;
using Microsoft.Extensions.Options;

namespace KvStore.Node.Failover;

/// <summary>Who holds the etcd leader key: its value (epoch, URL, node), and the key's revision and lease.</summary>
public sealed record LeaderKeyValue(long Epoch, string? Url, string Node);

public sealed record LeaderKeyHolder(LeaderKeyValue Value, long ModRevision, long Lease);

/// <summary>
/// FAILOVER=etcd: the leader key (<c>/kvstore/&lt;ETCD_CLUSTER&gt;/leader</c>) as Patroni keeps it. Invariants: the key is
/// only ever created in a transaction that requires it to be absent (CreateRevision == 0), attached to a lease this
/// node granted, so at most one node holds it at a time; the holder renews the lease every TTL / 5 and records each
/// answered renewal in <see cref="LeaderLease"/>; a renewal etcd no longer knows (TTL 0) or a lapse past the guard
/// loses the lease for good. Every call has a short deadline: an unreachable etcd is a lost renewal, never a hang.
/// </summary>
public sealed partial class EtcdLeaderKey : IDisposable
{
    // Unary calls (grant, transaction, range, revoke): a cold process's first gRPC call alone can take most of a second.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private readonly GrpcChannel[] _channels;
    private readonly ByteString _key;
    private readonly TimeSpan _ttl;
    private readonly string _node;
    private readonly ILogger<EtcdLeaderKey> _logger;
    private int _endpoint;
    private CancellationTokenSource? _keepAlive;

    public EtcdLeaderKey(IOptions<NodeOptions> options, ILogger<EtcdLeaderKey> logger)
    {
        var o = options.Value;
        _channels = o.EtcdEndpointList.Select(e => GrpcChannel.ForAddress(e, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1), EnableMultipleHttp2Connections = true },
        })).ToArray();
        KeyName = $"/kvstore/{o.EtcdCluster}/leader";
        _key = ByteString.CopyFromUtf8(KeyName);
        _ttl = TimeSpan.FromSeconds(o.EtcdLeaseTtl);
        _node = o.EffectiveName;
        _logger = logger;
    }

    public string KeyName { get; }

    public TimeSpan Ttl => _ttl;

    /// <summary>The lease of this node's current claim (null when it holds none); renewed in the background.</summary>
    public LeaderLease? Lease { get; private set; }

    /// <summary>The etcd lease id behind <see cref="Lease"/> (0 when none).</summary>
    public long LeaseId { get; private set; }

    public async Task<LeaderKeyHolder?> ReadAsync(CancellationToken cancellationToken)
    {
        var response = await Call((kv, d) => new KV.KVClient(kv).RangeAsync(new RangeRequest { Key = _key }, deadline: d, cancellationToken: cancellationToken).ResponseAsync);
        return response.Kvs.Count == 0 ? null : Parse(response.Kvs[0]);
    }

    /// <summary>
    /// Creates the leader key for <paramref name="epoch"/> under a new lease, only if no one holds it. Null when this
    /// node now holds it (and renews it until <see cref="ReleaseAsync"/> or loss); else who does.
    /// </summary>
    public async Task<LeaderKeyHolder?> ClaimAsync(long epoch, string? url, CancellationToken cancellationToken)
    {
        var sent = Stopwatch.GetTimestamp();
        var grant = await Call((c, d) => new Etcdserverpb.Lease.LeaseClient(c).LeaseGrantAsync(
            new LeaseGrantRequest { TTL = (long)_ttl.TotalSeconds }, deadline: d, cancellationToken: cancellationToken).ResponseAsync);
        var value = JsonSerializer.SerializeToUtf8Bytes(new LeaderKeyValue(epoch, url, _node), KvJsonContext.Default.LeaderKeyValue);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = _key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = _key, Value = ByteString.CopyFrom(value), Lease = grant.ID } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = _key } });
        TxnResponse result;
        try
        {
            result = await Call((c, d) => new KV.KVClient(c).TxnAsync(txn, deadline: d, cancellationToken: cancellationToken).ResponseAsync);
        }
        catch
        {
            await RevokeAsync(grant.ID);
            throw;
        }

        if (!result.Succeeded)
        {
            await RevokeAsync(grant.ID);
            var kvs = result.Responses[0].ResponseRange.Kvs;
            return kvs.Count == 0 ? new LeaderKeyHolder(new LeaderKeyValue(0, null, "?"), 0, 0) : Parse(kvs[0]);
        }

        var lease = new LeaderLease(_ttl);
        lease.Renewed(sent);
        Released = false;
        Lease = lease;
        LeaseId = grant.ID;
        var keepAlive = new CancellationTokenSource();
        Interlocked.Exchange(ref _keepAlive, keepAlive)?.Cancel();
        _ = Task.Run(() => KeepAliveAsync(grant.ID, lease, keepAlive.Token), CancellationToken.None);
        return null;
    }

    /// <summary>Set by a step-down: until then this node's election loop does not campaign, so another node takes over.</summary>
    public long CampaignNotBefore { get; private set; }

    /// <summary>True once the current claim was given up on purpose (step-down, a failed promotion), not lost.</summary>
    public bool Released { get; private set; }

    /// <summary>
    /// Gives the key up: stops renewing and revokes the lease, which deletes the key (watchers campaign). After a
    /// step-down (<paramref name="holdOff"/>) this node waits that long before it campaigns again itself.
    /// </summary>
    public async Task ReleaseAsync(TimeSpan holdOff = default)
    {
        if (holdOff > TimeSpan.Zero)
            CampaignNotBefore = Stopwatch.GetTimestamp() + (long)(holdOff.TotalSeconds * Stopwatch.Frequency);
        Released = true;
        Interlocked.Exchange(ref _keepAlive, null)?.Cancel();
        Lease?.Lose();
        if (LeaseId != 0)
            await RevokeAsync(LeaseId);
        Lease = null;
        LeaseId = 0;
    }

    /// <summary>Deletes the key if it is still exactly <paramref name="stale"/> (a claim of an earlier life of this node).</summary>
    public async Task DeleteIfUnchangedAsync(LeaderKeyHolder stale, CancellationToken cancellationToken)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = _key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = stale.ModRevision });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = _key } });
        await Call((c, d) => new KV.KVClient(c).TxnAsync(txn, deadline: d, cancellationToken: cancellationToken).ResponseAsync);
        if (stale.Lease != 0)
            await RevokeAsync(stale.Lease);
    }

    /// <summary>Returns when the key changes after <paramref name="revision"/>, or after <paramref name="atMost"/>, whichever is first.</summary>
    public async Task WaitForChangeAsync(long revision, TimeSpan atMost, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(atMost);
        try
        {
            using var call = new Watch.WatchClient(_channels[_endpoint]).Watch(cancellationToken: bounded.Token);
            await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = _key, StartRevision = revision + 1 } }, bounded.Token);
            while (await call.ResponseStream.MoveNext(bounded.Token))
            {
                if (call.ResponseStream.Current is { Events.Count: > 0 } or { Canceled: true })
                    return;
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task KeepAliveAsync(long id, LeaderLease lease, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && lease.Valid)
        {
            try
            {
                using var call = new Etcdserverpb.Lease.LeaseClient(_channels[_endpoint]).LeaseKeepAlive(cancellationToken: stop);
                while (lease.Valid)
                {
                    var sent = Stopwatch.GetTimestamp();
                    // A slow answer still renews (its send time counts), so it is awaited as long as the lease is still valid.
                    using var answer = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    answer.CancelAfter(lease.Remaining);
                    await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = id }, answer.Token);
                    if (!await call.ResponseStream.MoveNext(answer.Token))
                        break;
                    if (call.ResponseStream.Current.TTL <= 0)
                    {
                        LogLeaseGone(_logger, id);
                        lease.Lose();
                        return;
                    }

                    lease.Renewed(sent);
                    await Task.Delay(lease.RenewEvery, stop);
                }
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException or IOException && !stop.IsCancellationRequested)
            {
                LogRenewFailed(_logger, e.Message);
                Rotate();
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (!stop.IsCancellationRequested)
            lease.Lose();
    }

    private async Task RevokeAsync(long id)
    {
        try
        {
            await Call((c, d) => new Etcdserverpb.Lease.LeaseClient(c).LeaseRevokeAsync(new LeaseRevokeRequest { ID = id }, deadline: d).ResponseAsync);
        }
        catch (RpcException)
        {
            // The lease then expires by itself within its TTL.
        }
    }

    /// <summary>One unary call against the current endpoint with a short deadline; on failure the next endpoint is used from then on.</summary>
    private async Task<T> Call<T>(Func<GrpcChannel, DateTime, Task<T>> call)
    {
        try
        {
            return await call(_channels[_endpoint], DateTime.UtcNow + CallTimeout);
        }
        catch (RpcException)
        {
            Rotate();
            throw;
        }
    }

    private void Rotate() => _endpoint = (_endpoint + 1) % _channels.Length;

    private static LeaderKeyHolder Parse(Mvccpb.KeyValue kv)
    {
        LeaderKeyValue? value = null;
        try
        {
            value = JsonSerializer.Deserialize(kv.Value.Span, KvJsonContext.Default.LeaderKeyValue);
        }
        catch (JsonException)
        {
        }

        return new LeaderKeyHolder(value ?? new LeaderKeyValue(0, null, "?"), kv.ModRevision, kv.Lease);
    }

    public void Dispose()
    {
        _keepAlive?.Cancel();
        foreach (var channel in _channels)
            channel.Dispose();
    }

    [LoggerMessage(EventId = 57, Level = LogLevel.Warning, Message = "etcd answered a keep-alive of lease {Lease} with TTL 0: the lease is gone")]
    private static partial void LogLeaseGone(ILogger logger, long lease);

    [LoggerMessage(EventId = 58, Level = LogLevel.Warning, Message = "Renewing the etcd lease failed: {Error}")]
    private static partial void LogRenewFailed(ILogger logger, string error);
}
