using NetForge.Imaging;

namespace NetForge.Report.Tests;

/// <summary>
/// The report as a person sees it: rendered by headless Chromium to a PNG, decoded with our own reader, and checked
/// pixel by pixel where the layout says things are.
/// </summary>
public class ScreenshotTests
{
    private static readonly double[] TrainAccuracy = [0.80, 0.90, 0.94, 0.96, 0.97, 0.975, 0.98, 0.985];
    private static readonly double[] ValAccuracy = [0.86, 0.91, 0.93, 0.94, 0.945, 0.95, 0.952, 0.951];

    [Fact]
    public void A_chart_draws_every_point_where_Map_says_and_nothing_elsewhere()
    {
        var train = new ChartSeries("train", [.. TrainAccuracy.Select((v, i) => ((double)(i + 1), v))], LineChart.Blue);
        var val = new ChartSeries("validation", [.. ValAccuracy.Select((v, i) => ((double)(i + 1), v))], LineChart.Vermillion, Dashed: true);
        var chart = new LineChart("Accuracy", "epoch", "accuracy", [train, val], width: 520, height: 300, yPercent: true);
        var shot = Chromium.Screenshot($"<!DOCTYPE html><html><body style=\"margin:0;background:#fff\">{chart.Render()}</body></html>", 640, 400);

        foreach (var (series, values) in new[] { (train, TrainAccuracy), (val, ValAccuracy) })
        {
            var color = Chromium.Rgb(series.Color);
            for (int i = 0; i < values.Length; i++)
            {
                var (x, y) = chart.Map(i + 1, values[i]);
                var pixel = Chromium.Pixel(shot, (int)Math.Round(x), (int)Math.Round(y));
                Assert.True(Chromium.Near(pixel, color, 40),
                    $"{series.Name} point {i + 1} should be drawn at ({x:F1}, {y:F1}) in {series.Color}, the pixel there is {pixel}");
            }
        }

        // Above the curves (high accuracy, early epochs) the plot is empty: background only.
        var (ex, ey) = chart.Map(2, 0.98);
        var empty = Chromium.Pixel(shot, (int)ex, (int)ey);
        Assert.True(empty.R > 200 && empty.G > 200 && empty.B > 200, $"expected background at ({ex:F0}, {ey:F0}), got {empty}");
        // Nothing is drawn right of the chart (it is 520 px wide): the page background only.
        var right = Crop(shot, 530, 0, 100, 300);
        Assert.Equal(100 * 300, Chromium.Find(right, (255, 255, 255), 10).Count);
    }

    [Fact]
    public void The_report_renders_non_blank_with_curves_heat_map_and_digits()
    {
        var model = SampleModels.Report(mistakes: 6, thumbnail: GrayThumbnail(0x80));
        var shot = Chromium.Screenshot(HtmlReport.Render(model), 1280, 3600);

        int nonWhite = 0;
        var colors = new HashSet<int>();
        for (int y = 0; y < shot.Height; y++)
        {
            for (int x = 0; x < shot.Width; x++)
            {
                var p = Chromium.Pixel(shot, x, y);
                if (p.R < 245 || p.G < 245 || p.B < 245) nonWhite++;
                colors.Add((p.R << 16) | (p.G << 8) | p.B);
            }
        }
        Assert.True(nonWhite > shot.Width * shot.Height / 50, $"the page is almost blank: {nonWhite} non-white pixels");
        Assert.True(colors.Count > 200, $"only {colors.Count} colours on the page");

        // Training curves (blue) and validation curves (vermillion) are drawn, in the upper part of the page.
        var blue = Chromium.Find(shot, Chromium.Rgb(LineChart.Blue), 30);
        var vermillion = Chromium.Find(shot, Chromium.Rgb(LineChart.Vermillion), 30);
        Assert.True(blue.Count > 300, $"training curves: {blue.Count} blue pixels");
        Assert.True(vermillion.Count > 300, $"validation curves: {vermillion.Count} vermillion pixels");
        Assert.True(blue.MinY < 1400 && vermillion.MinY < 1400, $"curves start at y={blue.MinY}/{vermillion.MinY}: below the fold");
        Assert.True(blue.MaxX - blue.MinX > 300, "the curves span the chart's width");

        // The misclassified digits are shown as images: each thumbnail is a solid 0x80 gray square of at least 28x28 px.
        var gray = Chromium.Find(shot, (0x80, 0x80, 0x80), 0);
        Assert.True(gray.Count >= 6 * 28 * 28, $"thumbnails: {gray.Count} pixels of their gray, expected at least {6 * 28 * 28}");
    }

    /// <summary>A 28x28 thumbnail of one flat gray level, as the report's data URI.</summary>
    private static string GrayThumbnail(byte level)
    {
        var pixels = Enumerable.Repeat(level, 28 * 28).ToArray();
        return "data:image/png;base64," + Convert.ToBase64String(Png.Encode(new Image(28, 28, PixelFormat.Gray8, pixels)));
    }

    private static Image Crop(Image image, int left, int top, int width, int height)
    {
        int c = image.Channels;
        var pixels = new byte[width * height * c];
        for (int y = 0; y < height; y++)
            image.Pixels.AsSpan(((top + y) * image.Width + left) * c, width * c).CopyTo(pixels.AsSpan(y * width * c));
        return new Image(width, height, image.Format, pixels);
    }
}
