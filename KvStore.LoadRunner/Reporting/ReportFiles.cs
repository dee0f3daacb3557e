using System.Text;

namespace KvStore.LoadRunner.Reporting;

internal static class ReportFiles
{
    /// <summary>Creates the output directory before any load is sent, so a bad <c>--out</c> fails at once, not after the run.</summary>
    public static void EnsureWritable(DirectoryInfo directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        try
        {
            directory.Create();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--out {directory.FullName} cannot be created: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes through a temporary file and a rename, so a dashboard or script reading the result never sees half a
    /// file, and an interrupted run leaves the previous result intact.
    /// </summary>
    public static async Task<string> WriteAsync(DirectoryInfo directory, string name, string content)
    {
        ArgumentNullException.ThrowIfNull(directory);
        directory.Create();
        var path = Path.Combine(directory.FullName, name);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>Writes a plot's SVG under <paramref name="name"/> and its PNG beside it; returns the SVG's path.</summary>
    public static async Task<string> WriteAsync(DirectoryInfo directory, string name, PlotImages plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        var svg = await WriteAsync(directory, name, plot.Svg);
        var png = Path.ChangeExtension(svg, ".png");
        var temporary = png + ".tmp";
        await File.WriteAllBytesAsync(temporary, plot.Png);
        File.Move(temporary, png, overwrite: true);
        return svg;
    }
}
