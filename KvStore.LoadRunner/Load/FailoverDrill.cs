using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KvStore.LoadRunner.Cluster;

namespace KvStore.LoadRunner.Load;

/// <summary>
/// How the drill ends a leadership: ask it to hand over, freeze its process (same host) past its lease, or kill it
/// (kill -9; whatever supervises the nodes starts it again, as bench/etcd-failover-drill.sh's restart loops do).
/// </summary>
internal enum DrillFault
{
    StepDown,
    Sigstop,
    Kill,
}

internal sealed record DrillSettings(int Clients, int Quorum, int Failovers, TimeSpan Interval, DrillFault Fault, TimeSpan Pause, string Token);

/// <summary>One failover: the leader before, the one that took the first write after, and how long writes had no leader.</summary>
internal sealed record FailoverRecord(Uri OldLeader, Uri? NewLeader, TimeSpan? Window);

/// <param name="SharedVersions">Versions acknowledged for two different writes (each write has a key of its own, so two
/// leaders that both acknowledged the same log index would show here); must be empty.</param>
internal sealed record DrillResult(IReadOnlyList<FailoverRecord> Failovers, int Acknowledged, int Unknown, IReadOnlyList<string> Lost, string? Unconverged,
    IReadOnlyList<string> SharedVersions);

/// <summary>
/// The failover drill: quorum writes from several clients that follow the leader (<see cref="LeaderTracker"/>), a fault
/// injected into the current leader every interval, and afterwards a check that every acknowledged write survived.
/// Invariants: every write has a key of its own and is sent once: a write whose answer was not 200 has an unknown
/// outcome and is never retried, so no acknowledgement can be confused with another and an acknowledged write is lost
/// exactly when its key is missing from the converged cluster or holds another version. A failover's window runs from
/// the fault to the first write acknowledged by a new leadership: another node, or the same one in a newer epoch.
/// </summary>
/// <param name="http">The writes' client: its timeout bounds how long a frozen leader holds a writer.</param>
/// <param name="admin">The admin calls' client: a step-down waits for a follower to catch up, then for the election.</param>
internal sealed class FailoverDrill(HttpClient http, HttpClient admin, LeaderTracker tracker, DrillSettings settings, Action<string> progress)
{
    private readonly ConcurrentDictionary<string, long> _acked = new();
    private readonly DrillAcks _acks = new();

    // Every write that was not acknowledged: when, where to, and the code it failed with (for a failover without a new leader).
    private readonly ConcurrentQueue<(long At, Uri Leader, string Code)> _failures = new();
    private int _unknown;

    public async Task<DrillResult> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clients = Enumerable.Range(0, settings.Clients).Select(c => Task.Run(() => ClientAsync(c, stop.Token), CancellationToken.None)).ToArray();
        var failovers = new List<FailoverRecord>();
        try
        {
            for (var i = 0; i < settings.Failovers; i++)
            {
                await Task.Delay(settings.Interval, cancellationToken);
                var old = await tracker.LeaderAsync(cancellationToken) ?? throw new ClusterUnreachableException("No node names a leader; the drill needs one to start from.");
                // The epoch it last acknowledged in, when newer than the tracker's (found through a follower not yet fenced).
                if (_acks.NewestEpoch(old.Url) is var acked && acked > old.Epoch)
                    old = old with { Epoch = acked };
                var record = await FailOverAsync(old, cancellationToken);
                failovers.Add(record);
                progress($"failover {i + 1}/{settings.Failovers}: {old.Url} -> {record.NewLeader?.ToString() ?? "none"} in " +
                    (record.Window is { } w ? $"{w.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms" : "(no new leader within 30 s)"));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        var (lost, unconverged) = await VerifyAsync(cancellationToken);
        var shared = _acked.GroupBy(a => a.Value).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(" and ", g.Select(a => a.Key))}").ToList();
        return new DrillResult(failovers, _acked.Count, _unknown, lost, unconverged, shared);
    }

    private async Task<FailoverRecord> FailOverAsync(KnownLeader old, CancellationToken cancellationToken)
    {
        var faultAt = Stopwatch.GetTimestamp();
        int? frozen = null;
        if (settings.Fault == DrillFault.StepDown)
        {
            using var response = await AdminAsync(HttpMethod.Post, old.Url, "/admin/step-down", cancellationToken);
        }
        else
        {
            using var response = await AdminAsync(HttpMethod.Get, old.Url, "/admin/position", cancellationToken);
            var position = await response.Content.ReadFromJsonAsync(WireJsonContext.Default.PositionAnswer, cancellationToken);
            if (position is not { Pid: > 0 })
                throw new ClusterUnreachableException($"{old} did not report its process id in GET /admin/position; the sigstop and kill faults need FAILOVER=manual or etcd nodes on this host.");
            faultAt = Stopwatch.GetTimestamp();
            if (settings.Fault == DrillFault.Kill)
            {
                await SignalAsync("KILL", position.Pid);
            }
            else
            {
                frozen = position.Pid;
                await SignalAsync("STOP", position.Pid);
            }
        }

        try
        {
            // A new leadership is another node, or the same node in a newer epoch: a killed leader restarted on its data is
            // often the most advanced node, which the leadership rule elects again. Each acknowledgement names its epoch
            // (the write answer's, not the tracker's: the tracker may have found the restarted node under its old epoch,
            // through a follower still naming it, just before it won again); one the old leadership sent just before the
            // fault carries the old epoch and does not count.
            var deadline = faultAt + 30 * Stopwatch.Frequency;
            var afterFault = _acks.Since(faultAt);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                if (afterFault.Earliest(l => l.Url != old.Url || l.Epoch > old.Epoch) is { } first)
                    return new FailoverRecord(old.Url, first.Leader.Url, Stopwatch.GetElapsedTime(faultAt, first.At));

                await Task.Delay(20, cancellationToken);
            }

            progress($"  no write acknowledged by a new leadership within 30 s; the clients' writes meanwhile: {Failures(faultAt)}");
            var views = await Task.WhenAll(tracker.Nodes.Select(n => tracker.AskAsync(n, cancellationToken)));
            progress($"  the clients' leader: {tracker.State}; the nodes say: " + string.Join(", ",
                views.Select(v => $"{v.Node.Authority} {v.Answer?.Role ?? "no answer"}@{v.Answer?.Epoch} names {v.Answer?.LeaderUrl ?? "-"}")));
            return new FailoverRecord(old.Url, null, null);
        }
        finally
        {
            if (frozen is { } pid)
            {
                var resumeAt = faultAt + (long)(settings.Pause.TotalSeconds * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), resumeAt);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, CancellationToken.None);
                await SignalAsync("CONT", pid);
            }
        }
    }

    private async Task ClientAsync(int client, CancellationToken stop)
    {
        var kv = new Dictionary<Uri, KvClient>();
        for (var seq = 0; !stop.IsCancellationRequested; seq++)
        {
            KnownLeader? leader;
            try
            {
                leader = await tracker.LeaderAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (leader is null)
            {
                await Pause(stop);
                continue;
            }

            if (!kv.TryGetValue(leader.Url, out var node))
                kv[leader.Url] = node = new KvClient(http, leader.Url) { Sampling = new Diagnostics.WriteSampling(0) };
            var key = $"drill-{client}-{seq}";
            WriteResult result;
            try
            {
                result = await node.WriteAsync(key, seq.ToString(CultureInfo.InvariantCulture), settings.Quorum, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (result.Succeeded)
            {
                _acked[key] = result.Version;
                _acks.Add(Stopwatch.GetTimestamp(), result.Epoch > 0 ? leader with { Epoch = result.Epoch } : leader);
                continue;
            }

            // Not acknowledged: its outcome is unknown (it may be in the log), and it is not sent again.
            Interlocked.Increment(ref _unknown);
            _failures.Enqueue((Stopwatch.GetTimestamp(), leader.Url, result.ErrorCode ?? "?"));
            // A quorum timeout too: under the drill's faults it is the old leader waiting on followers that moved on.
            if (result.ErrorCode is { } code && (KvClient.MayHaveLostLeader(code) || code == "quorum_timeout"))
                tracker.Failed(leader.Url);
            await Pause(stop);
        }
    }

    /// <summary>
    /// Waits for every node's /data to agree, then counts acknowledged writes missing or at another version. Read with the
    /// admin client: a long drill's /data takes longer than a write's timeout. With no node's /data read at all nothing is
    /// counted as lost (there is nothing to compare with): the drill reports that the nodes did not converge.
    /// </summary>
    private async Task<(List<string> Lost, string? Unconverged)> VerifyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? last = null;
        while (true)
        {
            var snapshots = await Task.WhenAll(tracker.Nodes.Select(async n =>
            {
                try
                {
                    return await admin.GetFromJsonAsync(new Uri(n, "/data"), WireJsonContext.Default.DataSnapshot, cancellationToken);
                }
                catch (Exception e) when (KvClient.IsNodeFailure(e, cancellationToken))
                {
                    return null;
                }
            }));
            var live = snapshots.Where(s => s is not null).ToList();
            var indexes = live.Select(s => s!.AppliedIndex).Distinct().Count();
            if (live.Count > 0 && indexes == 1 && snapshots.All(s => s is not null) || DateTime.UtcNow > deadline)
            {
                if (live.Count == 0)
                    return ([], last ?? "no node answered GET /data");
                var reference = live.OrderByDescending(s => s!.AppliedIndex).First()!.Data;
                var lost = _acked.Where(a => !reference.TryGetValue(a.Key, out var item) || item.Version != a.Value)
                    .Select(a => $"{a.Key}@{a.Value}").ToList();
                return (lost, DateTime.UtcNow > deadline ? last : null);
            }

            last = string.Join(", ", snapshots.Select((s, i) => $"{tracker.Nodes[i].Authority}@{s?.AppliedIndex.ToString(CultureInfo.InvariantCulture) ?? "-"}"));
            await Task.Delay(200, cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, Uri node, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(node, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        var response = await admin.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new ClusterUnreachableException($"{method} {path} on {node} answered {(int)response.StatusCode}: {body}");
        }

        return response;
    }

    /// <summary>The failed writes since <paramref name="since"/>, counted by node and code: what kept the clients from a new leader.</summary>
    private string Failures(long since)
    {
        var counts = _failures.Where(f => f.At > since).GroupBy(f => $"{f.Leader.Authority} {f.Code}").Select(g => $"{g.Key} ×{g.Count()}").ToList();
        return counts.Count == 0 ? "none sent" : string.Join(", ", counts);
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private static async Task Pause(CancellationToken stop)
    {
        try
        {
            await Task.Delay(20, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
