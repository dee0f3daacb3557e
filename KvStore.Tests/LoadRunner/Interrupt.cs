using System.Net.Http.Json;
using System.Text.Json;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.LoadRunner;

/// <summary>Plays the user pressing Ctrl+C: once the load runner's writes are reaching the leader, not after a guessed delay.</summary>
public static class Interrupt
{
    public static async Task OnceWritesFlowAsync(TestCluster cluster, CancellationTokenSource interrupt, int writes = 50)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var start = await LastIndexAsync(cluster);
        while (await LastIndexAsync(cluster) < start + writes)
        {
            Assert.True(DateTime.UtcNow < deadline, "the load runner never started writing");
            await Task.Delay(20);
        }

        await interrupt.CancelAsync();
    }

    private static async Task<long> LastIndexAsync(TestCluster cluster) =>
        (await cluster.Leader.GetFromJsonAsync<JsonElement>("/cluster")).GetProperty("lastIndex").GetInt64();
}
