using System.Text;

namespace KvStore.AppHost.Publishing;

/// <summary>
/// The <c>.env</c> beside docker-compose.yml, where Compose finds the values of <c>${NAME}</c>: the parameters and secrets.
/// Publishing again keeps the values already there (a deployment's token must not change under it) and adds what is missing.
/// </summary>
public static class EnvFile
{
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return values;
        foreach (var line in File.ReadAllLines(path))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#') || trimmed.IndexOf('=', StringComparison.Ordinal) is not (> 0 and var equals))
                continue;
            values[trimmed[..equals].Trim()] = trimmed[(equals + 1)..].Trim();
        }

        return values;
    }

    /// <summary>Writes <paramref name="entries"/> in order, each with its comment; a value already in the file wins over the given one.</summary>
    public static void Write(string path, IEnumerable<string> header, IEnumerable<EnvEntry> entries)
    {
        var existing = Read(path);
        var text = new StringBuilder();
        foreach (var line in header)
            text.Append("# ").Append(line).Append('\n');
        foreach (var entry in entries)
        {
            text.Append('\n').Append("# ").Append(entry.Comment).Append('\n');
            text.Append(entry.Name).Append('=').Append(existing.GetValueOrDefault(entry.Name, entry.Value)).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
        // It holds secrets: readable by its owner only, where the file system has permissions.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

public sealed record EnvEntry(string Name, string Value, string Comment);
