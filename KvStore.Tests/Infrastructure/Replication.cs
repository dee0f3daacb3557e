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
            c => $"last index {c.LastIndex}; " + string.Join(", ", c.Followers.Select(f => $"{f.Name} {f.AckedIndex} ({f.State})")));
}
