using Spectre.Console;
using Spectre.Console.Rendering;

namespace KvStore.LoadRunner.Reporting;

internal static class ConsoleCells
{
    /// <summary>Table cells as plain text: keys and values come from the cluster and may contain Spectre markup such as [red].</summary>
    public static IEnumerable<IRenderable> Of(params string[] values) => values.Select(v => new Text(v));
}
