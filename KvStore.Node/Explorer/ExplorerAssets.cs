using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace KvStore.Node.Explorer;

/// <summary>
/// The UI's files (Explorer/Assets), embedded in this assembly under <c>ui/</c>, so the dll serves them wherever it
/// runs (bin, publish folder, container) without a wwwroot beside it. They are few and small: read once, kept in
/// memory with a content hash as ETag.
/// </summary>
public static class ExplorerAssets
{
    private const string ResourcePrefix = "ui/";

    private static readonly FrozenDictionary<string, Asset> Files = Load();

    public static IReadOnlyCollection<string> Names => Files.Keys;

    public static bool TryGet(string name, out Asset asset) => Files.TryGetValue(name, out asset!);

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(ExplorerAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
                continue;
            var name = resource[ResourcePrefix.Length..].Replace('\\', '/');
            var content = Read(assembly, resource);
            var type = types.TryGetContentType(name, out var t) ? t : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal))
                type += "; charset=utf-8";
            files[name] = new Asset(content, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public sealed record Asset(byte[] Content, string ContentType, string ETag);
}
