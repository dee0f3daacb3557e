namespace KvStore.AppHost.Publishing;

/// <summary>How a parameter is named in <c>.env</c> and in <c>${...}</c>: <c>write-quorum</c> is <c>WRITE_QUORUM</c>.</summary>
public static class EnvironmentNames
{
    public static string ForParameter(string parameter) => parameter.ToUpperInvariant().Replace('-', '_');

    /// <summary>A reference Compose must resolve from <c>.env</c>, failing with a message that says where to set it when it cannot.</summary>
    public static string Required(string name) => $"${{{name}:?set {name} in .env}}";
}
