using System.Text;
using ScottPlot;
using SkiaSharp;

namespace KvStore.LoadRunner.Reporting;

/// <summary>One figure drawn by ScottPlot twice, as SVG (vector, its text kept as text) and as a PNG to go beside it.</summary>
internal sealed record PlotImages(string Svg, byte[] Png)
{
    /// <summary>Draws each plot into its rectangle of a <paramref name="width"/> × <paramref name="height"/> figure.</summary>
    public static PlotImages Render(int width, int height, params (Plot Plot, PixelRect Rect)[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        foreach (var (plot, rect) in parts)
        {
            // ScottPlot draws a plot a second time when its first pass moved the layout, and an SVG canvas keeps both
            // passes. One pass in memory at the final size settles the layout, so each canvas below gets one pass;
            // and as each plot's part of the figure is its own, no plot may clear the canvas under the others.
            plot.RenderInMemory((int)rect.Width, (int)rect.Height);
            plot.RenderManager.ClearCanvasBeforeEachRender = false;
        }

        void Draw(SKCanvas canvas)
        {
            canvas.Clear(SKColors.White);
            foreach (var (plot, rect) in parts)
                plot.Render(canvas, rect);
        }

        byte[] png;
        using (var surface = SKSurface.Create(new SKImageInfo(width, height))
            ?? throw new InvalidOperationException($"Skia cannot allocate a {width}×{height} raster surface"))
        {
            Draw(surface.Canvas);
            using var image = surface.Snapshot();
            using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
            png = encoded.ToArray();
        }

        using var svgStream = new MemoryStream();
        // The SVG canvas writes its closing tag when it is disposed, so it must be gone before the stream is read.
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), svgStream))
            Draw(canvas);
        return new PlotImages(PlotFont.WithFallbackFamilies(Encoding.UTF8.GetString(svgStream.ToArray())), png);
    }
}
