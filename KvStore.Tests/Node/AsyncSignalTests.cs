using CsCheck;
using KvStore.Node.Threading;

namespace KvStore.Tests.Node;

/// <summary>
/// The wake-up a replication stream and the log's flusher wait on: a Set is never lost, even when the wait it
/// would have released was abandoned (its session ended) before the Set came.
/// </summary>
public sealed class AsyncSignalTests
{
    [Fact]
    public async Task A_set_after_an_abandoned_wait_releases_the_next_wait()
    {
        var signal = new AsyncSignal();
        using (var abandoned = new CancellationTokenSource())
        {
            var first = signal.WaitAsync(abandoned.Token);
            await abandoned.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        }

        signal.Set();

        var next = signal.WaitAsync(TestContext.Current.CancellationToken);
        await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Against a model that is one flag: Set raises it; a wait completes at once when it is raised (lowering it), and
    /// otherwise stays pending until it is abandoned. Any sequence of sets, waits and abandoned waits agrees.
    /// </summary>
    [Fact]
    public void Agrees_with_a_one_flag_model()
    {
        Gen.Bool.Array[1, 40].Sample(operations =>
        {
            var signal = new AsyncSignal();
            var raised = false;
            foreach (var isSet in operations)
            {
                if (isSet)
                {
                    signal.Set();
                    raised = true;
                    continue;
                }

                using var abandon = new CancellationTokenSource();
                var wait = signal.WaitAsync(abandon.Token);
                if (raised)
                {
                    Assert.True(wait.IsCompletedSuccessfully, "a raised signal must release the wait at once");
                    raised = false;
                }
                else
                {
                    Assert.False(wait.IsCompleted, "a wait with no Set before it must not complete");
                    abandon.Cancel();
                }
            }
        });
    }
}
