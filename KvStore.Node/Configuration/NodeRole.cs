namespace KvStore.Node.Configuration;

public enum NodeRole
{
    Leader,
    Follower,
}
