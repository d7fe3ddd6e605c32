using System.Xml.Linq;

namespace NetForge.Report.Tests;

public class LineChartTests
{
    /// <summary>Rendered coordinates carry 2 decimals: a point is drawn within this of <see cref="LineChart.Map"/>.</summary>
    private const double PixelTolerance = 0.006;

    private static LineChart TwoSeries(IReadOnlyList<EpochPoint>? epochs = null)
    {
        epochs ??= SampleModels.Epochs();
        return new LineChart("Loss", "epoch", "loss",
        [
            new ChartSeries("train", [.. epochs.Select(e => ((double)e.Epoch, e.Loss))], LineChart.Blue),
            new ChartSeries("validation", [.. epochs.Select(e => ((double)e.Epoch, e.ValLoss))], LineChart.Vermillion, Dashed: true),
        ], width: 520, height: 300, id: "c");
    }

    private static List<XElement> Polylines(XElement svg, int series) =>
        [.. svg.Descendants("g").Single(g => (string?)g.Attribute("data-series") == series.ToString(System.Globalization.CultureInfo.InvariantCulture)).Elements("polyline")];

    private static List<XElement> Markers(XElement svg, int series) =>
        [.. svg.Descendants("g").Single(g => (string?)g.Attribute("data-series") == series.ToString(System.Globalization.CultureInfo.InvariantCulture)).Elements("circle")];

    [Fact]
    public void Svg_is_rendered_1_to_1_without_transforms()
    {
        var chart = TwoSeries();
        var svg = XElement.Parse(chart.Render());
        Assert.Equal("svg", svg.Name.LocalName);
        Assert.Equal("520", (string?)svg.Attribute("width"));
        Assert.Equal("300", (string?)svg.Attribute("height"));
        Assert.Equal("0 0 520 300", (string?)svg.Attribute("viewBox"));
        Assert.Equal("c", (string?)svg.Attribute("id"));
        Assert.DoesNotContain(svg.DescendantsAndSelf(), e => e.Attribute("transform") is not null);
        Assert.DoesNotContain("http", chart.Render());
        Assert.Equal("http://www.w3.org/2000/svg", XElement.Parse(chart.Render(standalone: true)).Name.NamespaceName);
    }

    [Fact]
    public void Map_of_the_axis_ends_is_the_plot_areas_corners()
    {
        var chart = TwoSeries();
        var p = chart.PlotArea;
        Assert.Equal((p.Left, p.Bottom), chart.Map(chart.XScale.Min, chart.YScale.Min));
        var (right, top) = chart.Map(chart.XScale.Max, chart.YScale.Max);
        Assert.Equal(p.Right, right, 9);
        Assert.Equal(p.Top, top, 9);
        Assert.True(p.Left > 0 && p.Top > 0 && p.Right < chart.Width && p.Bottom < chart.Height);

        var log = new LineChart("lr", "epoch", "lr", [new ChartSeries("lr", [(1, 1e-3), (2, 5e-4)], LineChart.Green)], logY: true);
        Assert.Equal((log.PlotArea.Left, log.PlotArea.Bottom), log.Map(log.XScale.Min, log.YScale.Min));
        Assert.Equal(log.PlotArea.Top, log.Map(log.XScale.Max, log.YScale.Max).Y, 9);
        Assert.Equal(log.PlotArea.Top + log.PlotArea.Height / 2, log.Map(1, Math.Sqrt(1e-4 * 1e-3)).Y, 9);
    }

    [Fact]
    public void Polyline_points_and_markers_are_Map_of_the_data()
    {
        var epochs = SampleModels.Epochs();
        var chart = TwoSeries(epochs);
        var svg = XElement.Parse(chart.Render());
        var line = Assert.Single(Polylines(svg, 0));
        var points = Parsed.Points(line);
        Assert.Equal(epochs.Count, points.Count);
        for (int i = 0; i < epochs.Count; i++)
        {
            var (x, y) = chart.Map(epochs[i].Epoch, epochs[i].Loss);
            Assert.Equal(x, points[i].X, PixelTolerance);
            Assert.Equal(y, points[i].Y, PixelTolerance);
        }
        var markers = Markers(svg, 1);
        Assert.Equal(epochs.Count, markers.Count);
        for (int i = 0; i < epochs.Count; i++)
        {
            var (x, y) = chart.Map(epochs[i].Epoch, epochs[i].ValLoss);
            Assert.Equal(x, Parsed.Num(markers[i], "cx"), PixelTolerance);
            Assert.Equal(y, Parsed.Num(markers[i], "cy"), PixelTolerance);
            Assert.Equal(LineChart.Vermillion, (string?)markers[i].Attribute("fill"));
        }
        Assert.Equal(LineChart.Blue, (string?)line.Attribute("stroke"));
        Assert.True(Parsed.Num(line, "stroke-width") >= 2);
        Assert.Null(line.Attribute("stroke-dasharray"));
        Assert.NotNull(Assert.Single(Polylines(svg, 1)).Attribute("stroke-dasharray"));
    }

    [Fact]
    public void Every_drawn_point_lies_inside_the_plot_area()
    {
        var chart = TwoSeries();
        foreach (var s in chart.Series)
            foreach (var (x, y) in s.Points)
            {
                var (px, py) = chart.Map(x, y);
                Assert.InRange(px, chart.PlotArea.Left + LineChart.MarkerRadius, chart.PlotArea.Right - LineChart.MarkerRadius);
                Assert.InRange(py, chart.PlotArea.Top - 1e-9, chart.PlotArea.Bottom + 1e-9);
            }
    }

    [Fact]
    public void NaN_points_are_skipped_and_break_the_line()
    {
        (double, double)[] points = [(1, 0.5), (2, 0.4), (3, double.NaN), (4, 0.3), (5, 0.25), (6, double.PositiveInfinity), (7, 0.2)];
        var chart = new LineChart("t", "epoch", "loss", [new ChartSeries("s", points, LineChart.Blue)]);
        var svg = XElement.Parse(chart.Render());
        var lines = Polylines(svg, 0);
        Assert.Equal(2, lines.Count); // 1–2 and 4–5; point 7 stands alone
        Assert.Equal(new[] { chart.Map(1, 0.5), chart.Map(2, 0.4) }, Parsed.Points(lines[0]), new PixelComparer());
        Assert.Equal(new[] { chart.Map(4, 0.3), chart.Map(5, 0.25) }, Parsed.Points(lines[1]), new PixelComparer());
        var markers = Markers(svg, 0);
        Assert.Equal(5, markers.Count);
        var last = chart.Map(7, 0.2);
        Assert.Equal(last.X, Parsed.Num(markers[^1], "cx"), PixelTolerance);
        Assert.DoesNotContain("NaN", chart.Render());
        Assert.DoesNotContain("Infinity", chart.Render());
    }

    [Fact]
    public void A_single_epoch_renders_a_marker_and_no_line()
    {
        var chart = new LineChart("t", "epoch", "accuracy", [new ChartSeries("train", [(1, 0.91)], LineChart.Blue)]);
        var svg = XElement.Parse(chart.Render());
        Assert.Empty(Polylines(svg, 0));
        var marker = Assert.Single(Markers(svg, 0));
        var (x, y) = chart.Map(1, 0.91);
        Assert.Equal(x, Parsed.Num(marker, "cx"), PixelTolerance);
        Assert.Equal(y, Parsed.Num(marker, "cy"), PixelTolerance);
        Assert.Equal([1.0], chart.XScale.Ticks);
        Assert.InRange(y, chart.PlotArea.Top + 1, chart.PlotArea.Bottom - 1); // padded constant range, not on an edge
    }

    [Fact]
    public void Empty_chart_says_no_data()
    {
        var chart = new LineChart("t", "epoch", "loss", [new ChartSeries("s", [(1, double.NaN)], LineChart.Blue)]);
        Assert.False(chart.HasData);
        var svg = XElement.Parse(chart.Render());
        Assert.Contains(svg.Descendants("text"), t => t.Value == "no data");
    }

    [Fact]
    public void X_ticks_are_integer_epochs_and_y_ticks_are_clean()
    {
        var chart = TwoSeries();
        var svg = XElement.Parse(chart.Render());
        var xTicks = svg.Descendants("g").Single(g => (string?)g.Attribute("class") == "x-axis").Elements("text").Select(t => t.Value).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), xTicks);
        var yTicks = svg.Descendants("g").Single(g => (string?)g.Attribute("class") == "y-axis").Elements("text").Select(t => t.Value).ToList();
        Assert.Equal(chart.YScale.Ticks.Select(NiceScale.Label), yTicks);
        Assert.All(yTicks, t => Assert.True(t.Length <= 6, t));
    }

    [Fact]
    public void Percent_ticks_move_the_decimal_point_exactly()
    {
        var chart = new LineChart("a", "epoch", "accuracy", [new ChartSeries("s", [(1, 0.9712), (2, 0.9923)], LineChart.Blue)], yPercent: true);
        var svg = XElement.Parse(chart.Render());
        var yTicks = svg.Descendants("g").Single(g => (string?)g.Attribute("class") == "y-axis").Elements("text").Select(t => t.Value);
        Assert.Equal(["97%", "97.5%", "98%", "98.5%", "99%", "99.5%"], yTicks);
    }

    [Fact]
    public void Legend_names_every_series_with_its_colour()
    {
        var chart = TwoSeries();
        var svg = XElement.Parse(chart.Render());
        var legend = svg.Descendants("g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["train", "validation"], legend.Elements("text").Select(t => t.Value));
        Assert.Equal([LineChart.Blue, LineChart.Vermillion], legend.Elements("line").Select(l => (string?)l.Attribute("stroke")));
        // The legend sits above the plot, never over the data.
        Assert.All(legend.Elements("text"), t => Assert.True(Parsed.Num(t, "y") < chart.PlotArea.Top));
    }

    [Fact]
    public void Many_long_legend_entries_wrap_and_push_the_plot_down()
    {
        var series = Enumerable.Range(0, 9).Select(i => new ChartSeries("run-with-a-long-name-" + i, [(1, i), (2, i + 1)], LineChart.Palette[i % LineChart.Palette.Count])).ToList();
        var chart = new LineChart("Validation accuracy", "epoch", "accuracy", series);
        Assert.True(chart.LegendRows >= 3);
        var svg = XElement.Parse(chart.Render());
        var texts = svg.Descendants("g").Single(g => (string?)g.Attribute("class") == "legend").Elements("text").ToList();
        Assert.Equal(9, texts.Count);
        Assert.All(texts, t => Assert.True(Parsed.Num(t, "y") < chart.PlotArea.Top));
        Assert.All(texts, t => Assert.True(Parsed.Num(t, "x") >= 0));
    }

    [Fact]
    public void Palette_colours_are_opaque_and_distinct()
    {
        Assert.Equal(LineChart.Palette.Count, LineChart.Palette.Distinct().Count());
        Assert.All(LineChart.Palette, c => Assert.Matches("^#[0-9A-F]{6}$", c));
        Assert.True(LineChart.StrokeWidth >= 2);
    }

    [Theory]
    [InlineData("#0072B2", true)]
    [InlineData("#abc", true)]
    [InlineData("teal", true)]
    [InlineData("url(#x)", false)]
    [InlineData("#12345", false)]
    [InlineData("#00GG00", false)]
    [InlineData("red;fill:url(http://x)", false)]
    [InlineData("", false)]
    public void Only_plain_colours_are_accepted(string color, bool accepted)
    {
        Assert.Equal(accepted, LineChart.IsColor(color));
        var series = new[] { new ChartSeries("s", [(1, 1)], color) };
        if (accepted) Assert.NotNull(new LineChart("t", "x", "y", series).Render());
        else Assert.Contains("colour", Assert.Throws<ArgumentException>(() => new LineChart("t", "x", "y", series)).Message);
    }

    [Fact]
    public void Log_scale_skips_non_positive_values()
    {
        var chart = new LineChart("lr", "epoch", "lr", [new ChartSeries("lr", [(1, 1e-3), (2, 0), (3, 5e-4), (4, 2.5e-4)], LineChart.Green)], logY: true);
        var svg = XElement.Parse(chart.Render());
        Assert.Equal(3, Markers(svg, 0).Count);
        Assert.Single(Polylines(svg, 0));
        Assert.Equal(1e-4, chart.YScale.Min);
        Assert.Contains(svg.Descendants("text"), t => t.Value.Contains("log scale", StringComparison.Ordinal));
    }

    [Fact]
    public void Hostile_titles_and_series_names_are_escaped()
    {
        const string hostile = "<script>alert('x')</script> & \"q\" ]]> \u0001";
        var chart = new LineChart(hostile, hostile, hostile, [new ChartSeries(hostile, [(1, 1), (2, 2)], LineChart.Blue)]);
        string text = chart.Render();
        Assert.DoesNotContain("<script", text);
        var svg = XElement.Parse(text);
        Assert.Contains(svg.Descendants("text"), t => t.Value.StartsWith("<script>alert('x')</script> & \"q\" ]]>", StringComparison.Ordinal));
    }

    private sealed class PixelComparer : IEqualityComparer<(double X, double Y)>
    {
        public bool Equals((double X, double Y) a, (double X, double Y) b) => Math.Abs(a.X - b.X) <= PixelTolerance && Math.Abs(a.Y - b.Y) <= PixelTolerance;

        public int GetHashCode((double X, double Y) p) => 0;
    }
}
