using ScottPlot;
using SkiaSharp;

namespace KvStore.LoadRunner.Reporting;

/// <summary>
/// The one font every plot is drawn with: Liberation Sans (SIL OFL, <c>Fonts/OFL.txt</c>), embedded in this assembly.
/// ScottPlot otherwise asks the machine for a font, and on a machine with none it gets an empty typeface and draws
/// every title, tick and legend entry as nothing, without an error. Embedded, the layout and the PNG are the same on
/// every machine; Liberation Sans has Arial's metrics, so an SVG viewer that lacks it and falls back to Arial or
/// Helvetica still fits the text to the glyph positions Skia laid out.
/// </summary>
internal static class PlotFont
{
    public const string Name = "Liberation Sans";

    /// <summary>What the SVG names, so a viewer without Liberation Sans picks a face of the same widths.</summary>
    private const string SvgFamilies = "Liberation Sans, Arial, Helvetica, sans-serif";

    private static readonly Lazy<EmbeddedResolver> Resolver = new(() =>
    {
        var resolver = new EmbeddedResolver(Load("LiberationSans-Regular.ttf"), Load("LiberationSans-Bold.ttf"));
        // First, so a machine's own (older, or differently hinted) Liberation Sans never takes its place.
        Fonts.FontResolvers.Insert(0, resolver);
        Fonts.Default = Name;
        Fonts.Sans = Name;
        return resolver;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// A plot whose every label is in the embedded font: registered (once per process) before the plot is made, as
    /// each label takes its font name from <see cref="Fonts.Default"/> when it is created.
    /// </summary>
    public static Plot NewPlot()
    {
        _ = Resolver.Value;
        var plot = new Plot();
        // The legend would otherwise pick a font per render by asking the machine which one covers its text.
        plot.Legend.SetBestFontOnEachRender = false;
        plot.Legend.FontName = Name;
        return plot;
    }

    /// <summary>The SVG with a font-family list in place of the single family Skia writes.</summary>
    public static string WithFallbackFamilies(string svg) =>
        svg.Replace($"font-family=\"{Name}\"", $"font-family=\"{SvgFamilies}\"", StringComparison.Ordinal);

    private static SKTypeface Load(string file)
    {
        var resource = $"KvStore.LoadRunner.Reporting.Fonts.{file}";
        using var stream = typeof(PlotFont).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the embedded font {resource} is missing from the build");
        return SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException($"Skia cannot read the embedded font {resource}");
    }

    private sealed class EmbeddedResolver(SKTypeface regular, SKTypeface bold) : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Name ? (weight >= FontWeight.SemiBold ? bold : regular) : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            CreateTypeface(fontName, bold ? FontWeight.Bold : FontWeight.Normal, italic ? FontSlant.Italic : FontSlant.Upright, FontSpacing.Normal);
    }
}
