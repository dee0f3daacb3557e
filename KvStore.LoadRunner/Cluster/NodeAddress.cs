namespace KvStore.LoadRunner.Cluster;

/// <summary>A node as the load runner reaches it: the name the leader lists it under and the URL to use.</summary>
internal readonly record struct NodeAddress(string Name, Uri Url)
{
    public override string ToString() => $"{Name} ({Url})";
}
