using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace KvStore.LoadRunner.Cluster;

/// <summary>Where <c>--leader</c> led: the leader, and the node it was found through when that was a follower.</summary>
internal sealed record FoundLeader(Uri Leader, Uri AskedFirst)
{
    public bool ThroughFollower => Leader != AskedFirst;
}

/// <summary>
/// Finds the leader from any node, so <c>--leader</c> may name a follower: a node whose <c>GET /cluster</c> answers as the
/// leader is it; a follower names the leader it knows (<c>leaderUrl</c> under FAILOVER=manual or etcd, the 421
/// not_leader's <c>leader</c> under a fixed leader), which is asked in turn, never going back to an older epoch than
/// one already seen. While no node names a leader (an election) the first node is asked again until the deadline.
/// </summary>
internal static class LeaderLookup
{
    private const int MaxHops = 6;
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(200);

    public static async Task<FoundLeader> FindAsync(HttpClient http, Uri start, TimeSpan atMost, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(atMost.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var current = start;
            var newest = long.MinValue;
            string why;
            var hops = 0;
            while (true)
            {
                var view = await AskAsync(http, current, first: current == start, cancellationToken);
                if (view.Leads)
                    return new FoundLeader(current, start);
                why = view.Why;
                if (view.Names is not { } named || named == current || view.Epoch < newest || ++hops > MaxHops)
                    break;
                newest = Math.Max(newest, view.Epoch);
                current = named;
            }

            if (Stopwatch.GetTimestamp() > deadline)
                throw new ClusterUnreachableException($"{start} does not lead, and no leader was found through it within {atMost.TotalSeconds:0.#} s: {why}");
            await Task.Delay(Retry, cancellationToken);
        }
    }

    private readonly record struct View(bool Leads, Uri? Names, long Epoch, string Why);

    /// <summary>One node's answer. The first node unreachable is the command's error, as it always was; any other is retried.</summary>
    private static async Task<View> AskAsync(HttpClient http, Uri node, bool first, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(node, "/cluster"), cancellationToken);
            if (response.StatusCode == HttpStatusCode.MisdirectedRequest)
            {
                var problem = await KvClient.ReadProblemAsync(response, cancellationToken);
                return new View(false, Url(problem?.Leader), 0, $"{node} is a follower" + (problem?.Leader is { Length: > 0 } l ? $" naming {l}" : " naming no leader"));
            }

            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                return new View(false, null, 0, $"{node} knows of no leader (an election?)");
            if (!response.IsSuccessStatusCode)
                throw new ClusterUnreachableException($"{node} answered GET /cluster with HTTP {(int)response.StatusCode}; is it a KvStore node?");
            var answer = await response.Content.ReadFromJsonAsync(WireJsonContext.Default.ClusterAnswer, cancellationToken)
                ?? throw new ClusterUnreachableException($"{node} answered GET /cluster with an empty body.");
            return answer.Role is null or "leader"
                ? new View(true, null, answer.Epoch, "")
                : new View(false, Url(answer.LeaderUrl), answer.Epoch,
                    $"{node} is a follower of epoch {answer.Epoch}" + (answer.LeaderUrl is { Length: > 0 } u ? $" naming {u}" : " naming no leader (an election?)"));
        }
        catch (Exception e) when (KvClient.IsNodeFailure(e, cancellationToken))
        {
            var reason = KvClient.IsTimeout(e, cancellationToken) ? $"no answer within {http.Timeout.TotalSeconds:0.#} s" : e.Message;
            if (first)
                throw new ClusterUnreachableException($"Cannot reach the KvStore leader at {node}: {reason}", e);
            return new View(false, null, 0, $"{node}: {reason}");
        }
    }

    private static Uri? Url(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : null;
}
