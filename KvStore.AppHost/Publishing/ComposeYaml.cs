using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace KvStore.AppHost.Publishing;

/// <summary>Serializes a <see cref="ComposeFile"/>: snake_case keys, nulls left out, strings quoted where YAML would read them as something else.</summary>
public static class ComposeYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .WithQuotingNecessaryStrings()
        .WithIndentedSequences()
        .WithNewLine("\n")
        .DisableAliases()
        .Build();

    /// <summary>The file's text: <paramref name="header"/> as comment lines, then the YAML.</summary>
    public static string Write(ComposeFile file, IEnumerable<string> header) =>
        string.Concat(header.Select(line => line.Length == 0 ? "#\n" : $"# {line}\n")) + Serializer.Serialize(file);
}
