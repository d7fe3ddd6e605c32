using System.Text;

namespace NetForge.Report;

/// <summary>One curve of a <see cref="LineChart"/>.</summary>
/// <param name="Name">Legend text (user data, escaped when rendered).</param>
/// <param name="Points">The points in drawing order. A point with a non-finite coordinate (or a non-positive y on a
/// log scale) is skipped and breaks the line; an isolated point still gets its marker.</param>
/// <param name="Color">An opaque stroke/marker colour, e.g. one of <see cref="LineChart.Palette"/>.</param>
/// <param name="Dashed">Draw the line dashed (markers stay solid), e.g. for validation curves.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points, string Color, bool Dashed = false);

/// <summary>A rectangle in chart pixel coordinates (origin at the chart's top-left corner, y downwards).</summary>
/// <param name="Left">x of the left edge.</param>
/// <param name="Top">y of the top edge.</param>
/// <param name="Width">Width in px.</param>
/// <param name="Height">Height in px.</param>
public readonly record struct PlotRect(double Left, double Top, double Width, double Height)
{
    /// <summary>x of the right edge.</summary>
    public double Right => Left + Width;

    /// <summary>y of the bottom edge.</summary>
    public double Bottom => Top + Height;
}

/// <summary>
/// A line chart rendered as inline SVG at 1:1 scale: the <c>width</c>/<c>height</c> attributes and the
/// <c>viewBox</c> carry the same numbers and nothing is transformed, so one SVG unit is one CSS pixel and
/// <see cref="Map"/> gives the pixel (relative to the SVG's top-left corner) where a data point is drawn. Every data
/// point gets a filled marker of its series' opaque colour (radius <see cref="MarkerRadius"/>) centred exactly on
/// <see cref="Map"/>'s result; lines are <see cref="StrokeWidth"/> px wide. The x axis is an integer axis (epochs),
/// the y axis a linear or base-10 log <see cref="NiceScale"/>.
/// </summary>
public sealed class LineChart
{
    /// <summary>Okabe–Ito blue: the first series (training curves).</summary>
    public const string Blue = "#0072B2";

    /// <summary>Okabe–Ito vermillion: the second series (validation curves).</summary>
    public const string Vermillion = "#D55E00";

    /// <summary>Okabe–Ito bluish green.</summary>
    public const string Green = "#009E73";

    /// <summary>Okabe–Ito reddish purple.</summary>
    public const string Purple = "#CC79A7";

    /// <summary>Okabe–Ito orange.</summary>
    public const string Orange = "#E69F00";

    /// <summary>Okabe–Ito sky blue.</summary>
    public const string SkyBlue = "#56B4E9";

    /// <summary>Black, for the seventh series.</summary>
    public const string Black = "#000000";

    /// <summary>
    /// The series colours in order (Okabe–Ito, colour-blind safe, all opaque; the pale yellow is left out because it
    /// is unreadable on white). Comparison charts cycle through it and dash the lines of the second round.
    /// </summary>
    public static IReadOnlyList<string> Palette { get; } = [Blue, Vermillion, Green, Purple, Orange, SkyBlue, Black];

    /// <summary>Line width of every series, in px.</summary>
    public const double StrokeWidth = 2.5;

    /// <summary>Radius of the point markers, in px.</summary>
    public const double MarkerRadius = 3.5;

    /// <summary>The dash pattern of dashed series.</summary>
    public const string DashPattern = "7 4";

    private const double CharWidth = 6.6; // average advance of the 12 px system font, for layout estimates
    private const double MarginLeft = 58, MarginRight = 16, MarginBottom = 40;
    private const double TitleRow = 26, LegendRow = 18, YLabelRow = 24;

    /// <summary>Creates a chart; all layout is computed here, so <see cref="PlotArea"/> and <see cref="Map"/> are final.</summary>
    /// <param name="title">Chart title (user data is escaped).</param>
    /// <param name="xLabel">x axis label, e.g. <c>epoch</c>.</param>
    /// <param name="yLabel">y axis label, e.g. <c>loss</c>.</param>
    /// <param name="series">The curves; drawn in order, so later series lie on top.</param>
    /// <param name="width">Width in px.</param>
    /// <param name="height">Height in px.</param>
    /// <param name="logY">Use a base-10 log y axis (non-positive values are skipped).</param>
    /// <param name="yPercent">Label y ticks as percentages (data stays fractions: 0.97 is labelled 97%).</param>
    /// <param name="id">Optional <c>id</c> attribute of the <c>&lt;svg&gt;</c> element.</param>
    public LineChart(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series,
        int width = 520, int height = 300, bool logY = false, bool yPercent = false, string? id = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 160);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 120);
        foreach (var s in series)
            if (!IsColor(s.Color))
                throw new ArgumentException($"series '{s.Name}': colour '{s.Color}' is not #rgb, #rrggbb or a colour name", nameof(series));
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
        Series = series;
        Width = width;
        Height = height;
        LogY = logY;
        YPercent = yPercent;
        Id = id;

        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var s in series)
            foreach (var (x, y) in s.Points)
                if (IsDrawable(x, y)) { xs.Add(x); ys.Add(y); }
        HasData = xs.Count > 0;
        XScale = HasData ? NiceScale.Integer(xs.Min(), xs.Max()) : NiceScale.Integer(1, 1);
        YScale = logY
            ? (HasData ? NiceScale.Log(ys.Min(), ys.Max()) : NiceScale.Log(0.1, 1))
            : (HasData ? NiceScale.Linear(ys.Min(), ys.Max()) : NiceScale.Linear(0, 1));

        LegendRows = LayoutLegend(out _legendPositions);
        double top = TitleRow + LegendRows * LegendRow + YLabelRow;
        PlotArea = new PlotRect(MarginLeft, top, width - MarginLeft - MarginRight, Math.Max(40, height - top - MarginBottom));
    }

    /// <summary>The title.</summary>
    public string Title { get; }

    /// <summary>The x axis label.</summary>
    public string XLabel { get; }

    /// <summary>The y axis label.</summary>
    public string YLabel { get; }

    /// <summary>The curves.</summary>
    public IReadOnlyList<ChartSeries> Series { get; }

    /// <summary>Width in px (= viewBox width).</summary>
    public int Width { get; }

    /// <summary>Height in px (= viewBox height).</summary>
    public int Height { get; }

    /// <summary>True when the y axis is logarithmic.</summary>
    public bool LogY { get; }

    /// <summary>True when y ticks are labelled as percentages.</summary>
    public bool YPercent { get; }

    /// <summary>The <c>id</c> of the <c>&lt;svg&gt;</c> element, if any.</summary>
    public string? Id { get; }

    /// <summary>False when no series has a drawable point (the chart then says "no data").</summary>
    public bool HasData { get; }

    /// <summary>The x axis (integer ticks, half a unit of margin beyond the data).</summary>
    public NiceScale XScale { get; }

    /// <summary>The y axis.</summary>
    public NiceScale YScale { get; }

    /// <summary>The plot rectangle in chart pixels: <c>Map(XScale.Min, YScale.Min)</c> is its bottom-left corner and <c>Map(XScale.Max, YScale.Max)</c> its top-right.</summary>
    public PlotRect PlotArea { get; }

    /// <summary>Number of legend rows above the plot (0 without series).</summary>
    public int LegendRows { get; }

    private readonly List<(double X, double Y)> _legendPositions;

    /// <summary>The chart pixel (from the SVG's top-left corner) where the data point (<paramref name="x"/>, <paramref name="y"/>) is drawn.</summary>
    public (double X, double Y) Map(double x, double y) =>
        (PlotArea.Left + XScale.Fraction(x) * PlotArea.Width, PlotArea.Bottom - YScale.Fraction(y) * PlotArea.Height);

    /// <summary>
    /// A colour the chart accepts: <c>#rgb</c>, <c>#rrggbb</c> or a plain name such as <c>teal</c>; anything else
    /// (e.g. <c>url(...)</c>) is rejected so a chart can never refer to an outside resource.
    /// </summary>
    public static bool IsColor(string? color) =>
        color is { Length: > 0 } && (color[0] == '#'
            ? color.Length is 4 or 7 && !color.AsSpan(1).ContainsAnyExcept("0123456789abcdefABCDEF")
            : color.All(char.IsAsciiLetter));

    /// <summary>Whether a point is drawn (finite, and positive y on a log scale).</summary>
    public bool IsDrawable(double x, double y) => double.IsFinite(x) && double.IsFinite(y) && (!LogY || y > 0);

    /// <summary>
    /// The runs of consecutive drawable points of a series: each run of two or more points is one
    /// <c>&lt;polyline&gt;</c>; a NaN (or otherwise undrawable) point ends a run.
    /// </summary>
    internal IReadOnlyList<IReadOnlyList<(double X, double Y)>> Segments(ChartSeries series)
    {
        var result = new List<IReadOnlyList<(double X, double Y)>>();
        var current = new List<(double X, double Y)>();
        foreach (var p in series.Points)
        {
            if (IsDrawable(p.X, p.Y)) { current.Add(p); continue; }
            if (current.Count > 0) { result.Add(current); current = []; }
        }
        if (current.Count > 0) result.Add(current);
        return result;
    }

    /// <summary>
    /// The inline <c>&lt;svg&gt;</c> element. With <paramref name="standalone"/> it also carries the SVG namespace,
    /// for saving as a <c>.svg</c> file; inline in HTML the namespace is implied.
    /// </summary>
    public string Render(bool standalone = false)
    {
        var sb = new StringBuilder(4096);
        var p = PlotArea;
        sb.Append("<svg").Append(standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "");
        if (Id is not null) sb.Append(Svg.Attr("id", Id));
        sb.Append(" class=\"chart\" width=\"").Append(Width).Append("\" height=\"").Append(Height)
          .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height).Append('"')
          .Append(Svg.Attr("font-family", Svg.FontFamily)).Append(" font-size=\"12\" role=\"img\"")
          .Append(Svg.Attr("aria-label", Title)).Append(">\n");
        sb.Append("<title>").Append(Svg.Escape(Title)).Append("</title>\n");
        sb.Append("<rect width=\"").Append(Width).Append("\" height=\"").Append(Height).Append("\" fill=\"#ffffff\"/>\n");
        sb.Append("<text class=\"chart-title\" x=\"").Append(Svg.Number(MarginLeft - 46)).Append("\" y=\"18\" font-size=\"14\" font-weight=\"600\" fill=\"#1a1a1a\">")
          .Append(Svg.Escape(Title)).Append("</text>\n");

        // Grid and y ticks.
        sb.Append("<g class=\"y-axis\" fill=\"#555555\" text-anchor=\"end\">\n");
        foreach (double tick in YScale.Ticks)
        {
            double y = Map(XScale.Min, tick).Y;
            sb.Append("<line x1=\"").Append(Svg.Number(p.Left)).Append("\" x2=\"").Append(Svg.Number(p.Right))
              .Append("\" y1=\"").Append(Svg.Number(y)).Append("\" y2=\"").Append(Svg.Number(y)).Append("\" stroke=\"#e6e6e6\" stroke-width=\"1\"/>");
            sb.Append("<text class=\"tick\" x=\"").Append(Svg.Number(p.Left - 6)).Append("\" y=\"").Append(Svg.Number(y + 4)).Append("\">")
              .Append(Svg.Escape(YTickLabel(tick))).Append("</text>\n");
        }
        sb.Append("</g>\n");
        sb.Append("<g class=\"x-axis\" fill=\"#555555\" text-anchor=\"middle\">\n");
        foreach (double tick in XScale.Ticks)
        {
            double x = Map(tick, YScale.Min).X;
            sb.Append("<line x1=\"").Append(Svg.Number(x)).Append("\" x2=\"").Append(Svg.Number(x))
              .Append("\" y1=\"").Append(Svg.Number(p.Bottom)).Append("\" y2=\"").Append(Svg.Number(p.Bottom + 5)).Append("\" stroke=\"#888888\" stroke-width=\"1\"/>");
            sb.Append("<text class=\"tick\" x=\"").Append(Svg.Number(x)).Append("\" y=\"").Append(Svg.Number(p.Bottom + 18)).Append("\">")
              .Append(Svg.Escape(NiceScale.Label(tick))).Append("</text>\n");
        }
        sb.Append("</g>\n");
        sb.Append("<rect class=\"frame\" x=\"").Append(Svg.Number(p.Left)).Append("\" y=\"").Append(Svg.Number(p.Top))
          .Append("\" width=\"").Append(Svg.Number(p.Width)).Append("\" height=\"").Append(Svg.Number(p.Height))
          .Append("\" fill=\"none\" stroke=\"#888888\" stroke-width=\"1\"/>\n");
        sb.Append("<text class=\"x-label\" x=\"").Append(Svg.Number(p.Left + p.Width / 2)).Append("\" y=\"").Append(Svg.Number(p.Bottom + 34))
          .Append("\" text-anchor=\"middle\" fill=\"#333333\">").Append(Svg.Escape(XLabel)).Append("</text>\n");
        sb.Append("<text class=\"y-label\" x=\"").Append(Svg.Number(p.Left - 46)).Append("\" y=\"").Append(Svg.Number(p.Top - 12))
          .Append("\" fill=\"#333333\">").Append(Svg.Escape(YLabel + (LogY ? " (log scale)" : ""))).Append("</text>\n");

        if (!HasData)
            sb.Append("<text class=\"no-data\" x=\"").Append(Svg.Number(p.Left + p.Width / 2)).Append("\" y=\"").Append(Svg.Number(p.Top + p.Height / 2))
              .Append("\" text-anchor=\"middle\" fill=\"#888888\">no data</text>\n");

        // Series: lines first, then markers on top, so every point's centre pixel has its series colour.
        for (int i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            sb.Append("<g class=\"series\" data-series=\"").Append(i).Append('"').Append(Svg.Attr("data-name", s.Name)).Append(">\n");
            foreach (var segment in Segments(s))
            {
                if (segment.Count < 2) continue;
                sb.Append("<polyline fill=\"none\"").Append(Svg.Attr("stroke", s.Color)).Append(" stroke-width=\"").Append(Svg.Number(StrokeWidth))
                  .Append("\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
                if (s.Dashed) sb.Append(" stroke-dasharray=\"").Append(DashPattern).Append('"');
                sb.Append(" points=\"");
                for (int k = 0; k < segment.Count; k++)
                {
                    var (mx, my) = Map(segment[k].X, segment[k].Y);
                    if (k > 0) sb.Append(' ');
                    sb.Append(Svg.Number(mx)).Append(',').Append(Svg.Number(my));
                }
                sb.Append("\"/>\n");
            }
            foreach (var (x, y) in s.Points)
            {
                if (!IsDrawable(x, y)) continue;
                var (mx, my) = Map(x, y);
                sb.Append("<circle class=\"marker\" cx=\"").Append(Svg.Number(mx)).Append("\" cy=\"").Append(Svg.Number(my))
                  .Append("\" r=\"").Append(Svg.Number(MarkerRadius)).Append('"').Append(Svg.Attr("fill", s.Color)).Append("/>\n");
            }
            sb.Append("</g>\n");
        }

        // Legend above the plot, right-aligned: a line sample with its marker, then the name.
        sb.Append("<g class=\"legend\" fill=\"#333333\">\n");
        for (int i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            var (lx, ly) = _legendPositions[i];
            sb.Append("<line x1=\"").Append(Svg.Number(lx)).Append("\" x2=\"").Append(Svg.Number(lx + 22)).Append("\" y1=\"").Append(Svg.Number(ly))
              .Append("\" y2=\"").Append(Svg.Number(ly)).Append('"').Append(Svg.Attr("stroke", s.Color)).Append(" stroke-width=\"").Append(Svg.Number(StrokeWidth)).Append('"');
            if (s.Dashed) sb.Append(" stroke-dasharray=\"").Append(DashPattern).Append('"');
            sb.Append("/><circle cx=\"").Append(Svg.Number(lx + 11)).Append("\" cy=\"").Append(Svg.Number(ly)).Append("\" r=\"").Append(Svg.Number(MarkerRadius))
              .Append('"').Append(Svg.Attr("fill", s.Color)).Append("/>");
            sb.Append("<text class=\"legend-label\" x=\"").Append(Svg.Number(lx + 28)).Append("\" y=\"").Append(Svg.Number(ly + 4)).Append("\">")
              .Append(Svg.Escape(s.Name)).Append("</text>\n");
        }
        sb.Append("</g>\n</svg>");
        return sb.ToString();
    }

    private string YTickLabel(double tick)
    {
        string text = NiceScale.Label(tick);
        if (!YPercent) return text;
        // ×100 on the decimal text, not on the double, so 0.975 becomes "97.5" and not 97.50000000000001.
        return (text.Contains('e') ? Svg.Shortest(tick * 100) : ShiftDecimal(text)) + "%";
    }

    /// <summary>Multiplies a plain decimal text by 100 by moving its point (e.g. "0.975" → "97.5").</summary>
    private static string ShiftDecimal(string text)
    {
        bool negative = text.StartsWith('-');
        if (negative) text = text[1..];
        int dot = text.IndexOf('.');
        string digits = dot < 0 ? text : text.Remove(dot, 1);
        int point = (dot < 0 ? text.Length : dot) + 2;
        digits = digits.PadRight(point, '0');
        string result = (digits[..point].TrimStart('0') is { Length: > 0 } whole ? whole : "0") + (point < digits.Length ? "." + digits[point..] : "");
        return (negative ? "-" : "") + result;
    }

    /// <summary>Places legend items right-aligned in rows above the plot; returns the number of rows.</summary>
    private int LayoutLegend(out List<(double X, double Y)> positions)
    {
        positions = [];
        if (Series.Count == 0) return 0;
        double right = Width - MarginRight;
        double titleEnd = MarginLeft - 46 + Title.Length * CharWidth * 14 / 12 + 16;
        var widths = Series.Select(s => 28 + Math.Min(s.Name.Length, 60) * CharWidth + 14).ToArray();
        // Row 0 shares the title line when it fits to the right of the title; otherwise rows start below it.
        var rows = new List<List<int>>();
        var current = new List<int>();
        double used = 0, available = right - titleEnd;
        foreach (int i in Enumerable.Range(0, Series.Count))
        {
            if (current.Count > 0 && used + widths[i] > available)
            {
                rows.Add(current);
                current = [];
                used = 0;
                available = right - (MarginLeft - 46);
            }
            current.Add(i);
            used += widths[i];
        }
        rows.Add(current);
        bool firstRowOnTitleLine = rows[0].Sum(i => widths[i]) <= right - titleEnd;
        positions.AddRange(new (double, double)[Series.Count]);
        for (int r = 0; r < rows.Count; r++)
        {
            double y = firstRowOnTitleLine ? 14 + r * LegendRow : TitleRow + 10 + r * LegendRow;
            double x = right - rows[r].Sum(i => widths[i]) + 14;
            foreach (int i in rows[r])
            {
                positions[i] = (x, y);
                x += widths[i];
            }
        }
        return firstRowOnTitleLine ? rows.Count - 1 : rows.Count;
    }
}
