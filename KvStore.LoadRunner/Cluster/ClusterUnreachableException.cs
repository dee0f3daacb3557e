namespace KvStore.LoadRunner.Cluster;

/// <summary>The cluster could not be used at all (nothing answers at the URL, or it is not a KvStore leader).</summary>
internal sealed class ClusterUnreachableException : Exception
{
    public ClusterUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ClusterUnreachableException()
    {
    }

    public ClusterUnreachableException(string message)
        : base(message)
    {
    }
}
