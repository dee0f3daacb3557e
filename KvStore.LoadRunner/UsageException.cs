namespace KvStore.LoadRunner;

/// <summary>Arguments that parse but cannot be used (an unknown service, a quorum the cluster cannot meet); exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
