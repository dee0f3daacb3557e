using System.Net.Http.Json;
using KvStore.Node.Api;

namespace KvStore.Tests.Infrastructure;

/// <summary>Waits on the protocol's own state: the leader's <c>GET /cluster</c>, where each follower's acknowledged index is reported.</summary>
public static class Replication
{
    /// <summary>Until every follower has acknowledged the leader's last index (all of it applied and, with DATA_DIR, durable).</summary>
    public static Task<ClusterResponse> WaitUntilCaughtUpAsync(HttpClient leader, TimeSpan timeout, string what = "every follower to acknowledge the leader's last index") =>
        Deadline.UntilAsync(
            async () => (await leader.GetFromJsonAsync<ClusterResponse>("/cluster", TestContext.Current.CancellationToken))!,
            c => c.Followers.All(f => f.AckedIndex == c.LastIndex),
            timeout, what,
            Describe);

    /// <summary>Until at least <paramref name="followers"/> followers have acknowledged the leader's last index (the others frozen or down).</summary>
    public static Task<ClusterResponse> WaitUntilAcknowledgedByAsync(HttpClient leader, int followers, TimeSpan timeout) =>
        Deadline.UntilAsync(
            async () => (await leader.GetFromJsonAsync<ClusterResponse>("/cluster", TestContext.Current.CancellationToken))!,
            c => c.Followers.Count(f => f.AckedIndex == c.LastIndex) >= followers,
            timeout, $"{followers} followers to acknowledge the leader's last index",
            Describe);

    private static string Describe(ClusterResponse c) =>
        $"last index {c.LastIndex}; " + string.Join(", ", c.Followers.Select(f => $"{f.Name} {f.AckedIndex} ({f.State})"));
}
