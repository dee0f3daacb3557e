namespace KvStore.ServiceDefaults;

/// <summary>
/// Lets socket completions run on the socket engine's own thread instead of being queued to the thread pool.
/// Every request, replication frame and acknowledgement then costs one thread hop less; on two cores shared by
/// seven processes that hop (a wake-up and a context switch) is a large part of a write's cost (measured: q3 at
/// 64 clients, about 15 % more writes/s and a third fewer context switches). The price is that a continuation
/// that blocks stalls that engine's sockets; nothing on these paths blocks.
/// </summary>
public static class InlineSocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns it on for this process unless the environment already decides. Must run before the first socket
    /// operation (the runtime reads the variable once); call it first thing in <c>Main</c>, never from a library.
    /// </summary>
    public static void Enable()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
            Environment.SetEnvironmentVariable(Variable, "1");
    }
}
