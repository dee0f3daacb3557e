using System.Security.Cryptography;
using System.Text;

namespace KvStore.Node.Api;

/// <summary>REPLICATION_TOKEN, compared in constant time.</summary>
public sealed class ReplicationSecret(string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes("Bearer " + token);

    public bool Matches(string authorization) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), _expected);
}
