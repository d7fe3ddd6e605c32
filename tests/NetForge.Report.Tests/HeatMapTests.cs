using System.Globalization;
using System.Xml.Linq;

namespace NetForge.Report.Tests;

public class HeatMapTests
{
    private static int Attr(XElement e, string name) => int.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);

    [Fact]
    public void Every_cell_prints_its_count()
    {
        var counts = SampleModels.Confusion();
        var map = new HeatMap(SampleModels.Digits, counts);
        var svg = XElement.Parse(map.Render());
        var texts = svg.Descendants("text").Where(t => (string?)t.Attribute("class") == "count").ToList();
        Assert.Equal(100, texts.Count);
        foreach (var t in texts)
            Assert.Equal(counts[Attr(t, "data-row") * 10 + Attr(t, "data-col")].ToString(CultureInfo.InvariantCulture), t.Value);
        Assert.Equal(100, texts.Select(t => (Attr(t, "data-row"), Attr(t, "data-col"))).Distinct().Count());
    }

    [Fact]
    public void Cells_are_placed_on_the_grid_and_text_is_centred_in_them()
    {
        var map = new HeatMap(SampleModels.Digits, SampleModels.Confusion());
        var svg = XElement.Parse(map.Render());
        Assert.Equal($"0 0 {map.Width} {map.Height}", (string?)svg.Attribute("viewBox"));
        var cells = svg.Descendants("rect").Where(r => (string?)r.Attribute("class") == "cell").ToList();
        Assert.Equal(100, cells.Count);
        foreach (var cell in cells)
        {
            var (x, y) = map.Cell(Attr(cell, "data-row"), Attr(cell, "data-col"));
            Assert.Equal(x, Parsed.Num(cell, "x"), 2);
            Assert.Equal(y, Parsed.Num(cell, "y"), 2);
            Assert.True(x + map.CellSize <= map.Width && y + map.CellSize <= map.Height);
        }
    }

    [Fact]
    public void Diagonal_and_errors_use_distinct_colour_scales()
    {
        var counts = SampleModels.Confusion();
        var map = new HeatMap(SampleModels.Digits, counts);
        // The largest confusion (4 → 9) has the darkest error colour, the largest class (1) the darkest blue.
        Assert.Equal(HeatMap.ErrorDark, map.Fill(4, 9));
        Assert.Equal(HeatMap.DiagonalDark, map.Fill(1, 1));
        Assert.Equal(HeatMap.ZeroFill, map.Fill(0, 1));
        Assert.NotEqual(map.Fill(4, 9), map.Fill(4, 4));
        // Blue scale: blue dominates; error scale: red dominates.
        static (int R, int B) Rb(string hex) => (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[5..7], 16));
        for (int r = 0; r < 10; r++)
            for (int c = 0; c < 10; c++)
            {
                if (counts[r * 10 + c] == 0) continue;
                var (red, blue) = Rb(map.Fill(r, c));
                Assert.True(r == c ? blue > red : red > blue, $"cell {r},{c}: {map.Fill(r, c)}");
            }
        // More errors → darker.
        Assert.True(HeatMap.Luminance(map.Fill(4, 9)) < HeatMap.Luminance(map.Fill(2, 8)));
    }

    [Fact]
    public void Text_on_dark_cells_is_white_and_dark_on_light_cells()
    {
        Assert.Equal("#FFFFFF", HeatMap.TextColor(HeatMap.DiagonalDark));
        Assert.Equal("#FFFFFF", HeatMap.TextColor(HeatMap.ErrorDark));
        Assert.Equal("#1A1A1A", HeatMap.TextColor(HeatMap.ErrorLight));
        Assert.Equal("#1A1A1A", HeatMap.TextColor(HeatMap.ZeroFill));
        var map = new HeatMap(SampleModels.Digits, SampleModels.Confusion());
        var svg = XElement.Parse(map.Render());
        var diagonal = svg.Descendants("text").Single(t => (string?)t.Attribute("class") == "count" && Attr(t, "data-row") == 1 && Attr(t, "data-col") == 1);
        Assert.Equal("#FFFFFF", (string?)diagonal.Attribute("fill"));
    }

    [Fact]
    public void Rows_end_with_recall_and_columns_with_precision()
    {
        var counts = new long[] { 8, 2, 1, 9 };
        var map = new HeatMap(["a", "b"], counts);
        Assert.Equal(0.8, map.Recall(0), 12);
        Assert.Equal(0.9, map.Recall(1), 12);
        Assert.Equal(8.0 / 9, map.Precision(0), 12);
        var svg = XElement.Parse(map.Render());
        Assert.Equal(["80.0%", "90.0%"], svg.Descendants("text").Where(t => (string?)t.Attribute("class") == "recall").Select(t => t.Value));
        Assert.Equal(["88.9%", "81.8%"], svg.Descendants("text").Where(t => (string?)t.Attribute("class") == "precision").Select(t => t.Value));
        Assert.Contains(svg.Descendants("text"), t => t.Value.StartsWith("true", StringComparison.Ordinal));
        Assert.Contains(svg.Descendants("text"), t => t.Value.StartsWith("predicted", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_rows_have_no_recall_instead_of_NaN()
    {
        var map = new HeatMap(["a", "b"], [5, 0, 0, 0]);
        var svg = map.Render();
        Assert.DoesNotContain("NaN", svg);
        Assert.True(double.IsNaN(map.Recall(1)));
    }

    [Fact]
    public void Wrong_sizes_and_negative_counts_are_rejected()
    {
        Assert.Contains("needs 4 counts, got 3", Assert.Throws<ArgumentException>(() => new HeatMap(["a", "b"], [1, 2, 3])).Message);
        Assert.Throws<ArgumentException>(() => new HeatMap(["a", "b"], [1, -2, 3, 4]));
        Assert.Throws<ArgumentException>(() => new HeatMap([], []));
    }

    [Fact]
    public void Hostile_and_long_labels_are_escaped_and_rotated()
    {
        string[] labels = ["<script>x</script>", "T-shirt/top & \"trousers\""];
        var map = new HeatMap(labels, [3, 1, 0, 4], rowTitle: "true ]]>", columnTitle: "pred'icted");
        string text = map.Render();
        Assert.DoesNotContain("<script", text);
        var svg = XElement.Parse(text);
        Assert.True(map.RotateColumnLabels);
        Assert.Equal(labels, svg.Descendants("text").Where(t => (string?)t.Attribute("class") == "row-label").Select(t => t.Value));
        Assert.Equal(labels, svg.Descendants("text").Where(t => (string?)t.Attribute("class") == "column-label").Select(t => t.Value));
        // Rotated column labels must not run off the top: the grid starts low enough.
        Assert.True(map.GridTop > labels.Max(l => l.Length) * 6.6 * 0.7);
    }
}
