using System.Globalization;
using System.Text;

namespace NetForge.Report;

/// <summary>
/// A confusion matrix as an SVG heat map at 1:1 scale: one square per (true, predicted) pair with its count
/// printed in it. Correct predictions (the diagonal) are shaded blue by count relative to the largest diagonal
/// count; errors are shaded orange-red relative to the largest off-diagonal count, so a handful of confusions is
/// as visible as a thousand correct answers. Zero cells stay white. Text is white on dark cells. Rows end with the
/// class's recall, columns with its precision.
/// </summary>
public sealed class HeatMap
{
    /// <summary>Diagonal colour scale, light end (fewest correct).</summary>
    public const string DiagonalLight = "#DEEBF7";

    /// <summary>Diagonal colour scale, dark end (most correct).</summary>
    public const string DiagonalDark = "#08519C";

    /// <summary>Off-diagonal colour scale, light end (one error).</summary>
    public const string ErrorLight = "#FEE6CE";

    /// <summary>Off-diagonal colour scale, dark end (the largest confusion).</summary>
    public const string ErrorDark = "#B13A03";

    /// <summary>Fill of cells with a zero count.</summary>
    public const string ZeroFill = "#FFFFFF";

    private const double CharWidth = 6.6;

    /// <summary>Creates the heat map; <paramref name="counts"/> is row-major, <c>labels.Count</c>² entries.</summary>
    /// <param name="labels">Class names (user data, escaped).</param>
    /// <param name="counts">Row-major counts: row = true class, column = predicted class; none negative.</param>
    /// <param name="rowTitle">Title of the rows (default <c>true</c>).</param>
    /// <param name="columnTitle">Title of the columns (default <c>predicted</c>).</param>
    /// <param name="id">Optional <c>id</c> of the <c>&lt;svg&gt;</c> element.</param>
    /// <exception cref="ArgumentException">The counts are not labels² long, or one is negative.</exception>
    public HeatMap(IReadOnlyList<string> labels, IReadOnlyList<long> counts, string rowTitle = "true", string columnTitle = "predicted", string? id = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(counts);
        int n = labels.Count;
        if (n == 0) throw new ArgumentException("a confusion matrix needs at least one class", nameof(labels));
        if (counts.Count != n * n)
            throw new ArgumentException($"a confusion matrix of {n} classes needs {n * n} counts, got {counts.Count}", nameof(counts));
        if (counts.Any(c => c < 0)) throw new ArgumentException("confusion counts cannot be negative", nameof(counts));
        Labels = labels;
        Counts = counts;
        RowTitle = rowTitle;
        ColumnTitle = columnTitle;
        Id = id;

        CellSize = n <= 10 ? 46 : Math.Max(20, Math.Floor(460.0 / n));
        double longest = labels.Max(l => Math.Min(l.Length, 24)) * CharWidth;
        RotateColumnLabels = longest > CellSize - 4;
        double rowLabelWidth = Math.Max(longest, 12) + 10;
        double titleWidth = rowTitle.Length * CharWidth + 12;
        GridLeft = Math.Ceiling(titleWidth + rowLabelWidth + 8);
        GridTop = Math.Ceiling(24 + (RotateColumnLabels ? longest * 0.72 + 12 : 20));
        Width = (int)Math.Ceiling(GridLeft + (n + 1) * CellSize + 16);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                if (r == c) _maxDiagonal = Math.Max(_maxDiagonal, Count(r, c));
                else _maxError = Math.Max(_maxError, Count(r, c));
        Height = (int)Math.Ceiling(GridTop + (n + 1) * CellSize + 12);
    }

    private readonly long _maxDiagonal, _maxError;

    /// <summary>Class names.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Row-major counts (row = true, column = predicted).</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>Title of the rows.</summary>
    public string RowTitle { get; }

    /// <summary>Title of the columns.</summary>
    public string ColumnTitle { get; }

    /// <summary>The <c>id</c> of the <c>&lt;svg&gt;</c> element, if any.</summary>
    public string? Id { get; }

    /// <summary>Side of one cell in px.</summary>
    public double CellSize { get; }

    /// <summary>x of the grid's left edge.</summary>
    public double GridLeft { get; }

    /// <summary>y of the grid's top edge.</summary>
    public double GridTop { get; }

    /// <summary>Width in px (= viewBox width).</summary>
    public int Width { get; }

    /// <summary>Height in px (= viewBox height).</summary>
    public int Height { get; }

    /// <summary>Long class names are written at 45° above the columns.</summary>
    public bool RotateColumnLabels { get; }

    /// <summary>The count of (true <paramref name="row"/>, predicted <paramref name="column"/>).</summary>
    public long Count(int row, int column) => Counts[row * Labels.Count + column];

    /// <summary>The top-left corner of a cell in chart pixels.</summary>
    public (double X, double Y) Cell(int row, int column) => (GridLeft + column * CellSize, GridTop + row * CellSize);

    /// <summary>The fill colour of a cell (see the class summary for the two scales).</summary>
    public string Fill(int row, int column)
    {
        long count = Count(row, column);
        if (count == 0) return ZeroFill;
        double t = (double)count / (row == column ? _maxDiagonal : _maxError);
        return row == column ? Mix(DiagonalLight, DiagonalDark, 0.25 + 0.75 * t) : Mix(ErrorLight, ErrorDark, 0.1 + 0.9 * Math.Sqrt(t));
    }

    /// <summary>Text colour readable on <paramref name="fill"/>: white on dark fills, near-black otherwise.</summary>
    public static string TextColor(string fill) => Luminance(fill) < 0.22 ? "#FFFFFF" : "#1A1A1A";

    /// <summary>Recall of a class: its diagonal count over its row total (NaN for an empty row).</summary>
    public double Recall(int row)
    {
        long total = 0;
        for (int c = 0; c < Labels.Count; c++) total += Count(row, c);
        return total == 0 ? double.NaN : (double)Count(row, row) / total;
    }

    /// <summary>Precision of a class: its diagonal count over its column total (NaN for an empty column).</summary>
    public double Precision(int column)
    {
        long total = 0;
        for (int r = 0; r < Labels.Count; r++) total += Count(r, column);
        return total == 0 ? double.NaN : (double)Count(column, column) / total;
    }

    /// <summary>The inline <c>&lt;svg&gt;</c> element (with the SVG namespace when <paramref name="standalone"/>).</summary>
    public string Render(bool standalone = false)
    {
        int n = Labels.Count;
        double s = CellSize;
        double fontSize = Math.Min(12, Math.Round(s * 0.28));
        var sb = new StringBuilder(16384);
        sb.Append("<svg").Append(standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "");
        if (Id is not null) sb.Append(Svg.Attr("id", Id));
        sb.Append(" class=\"heatmap\" width=\"").Append(Width).Append("\" height=\"").Append(Height)
          .Append("\" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height).Append('"')
          .Append(Svg.Attr("font-family", Svg.FontFamily)).Append(" font-size=\"12\" role=\"img\" aria-label=\"confusion matrix\">\n");
        sb.Append("<title>confusion matrix (rows: ").Append(Svg.Escape(RowTitle)).Append(", columns: ").Append(Svg.Escape(ColumnTitle)).Append(")</title>\n");
        sb.Append("<rect width=\"").Append(Width).Append("\" height=\"").Append(Height).Append("\" fill=\"#ffffff\"/>\n");

        // Titles: columns above the grid, rows to the left of the row labels.
        sb.Append("<text class=\"column-title\" x=\"").Append(Svg.Number(GridLeft + n * s / 2)).Append("\" y=\"16\" text-anchor=\"middle\" font-weight=\"600\" fill=\"#333333\">")
          .Append(Svg.Escape(ColumnTitle)).Append(" →</text>\n");
        sb.Append("<text class=\"row-title\" x=\"4\" y=\"").Append(Svg.Number(GridTop + n * s / 2 + 4)).Append("\" font-weight=\"600\" fill=\"#333333\">")
          .Append(Svg.Escape(RowTitle)).Append(" ↓</text>\n");

        sb.Append("<g class=\"labels\" fill=\"#333333\">\n");
        for (int i = 0; i < n; i++)
        {
            string label = Svg.Escape(Labels[i]);
            double cx = GridLeft + (i + 0.5) * s;
            if (RotateColumnLabels)
                sb.Append("<text class=\"column-label\" x=\"").Append(Svg.Number(cx)).Append("\" y=\"").Append(Svg.Number(GridTop - 6))
                  .Append("\" transform=\"rotate(-45 ").Append(Svg.Number(cx)).Append(' ').Append(Svg.Number(GridTop - 6)).Append(")\">").Append(label).Append("</text>\n");
            else
                sb.Append("<text class=\"column-label\" x=\"").Append(Svg.Number(cx)).Append("\" y=\"").Append(Svg.Number(GridTop - 6))
                  .Append("\" text-anchor=\"middle\">").Append(label).Append("</text>\n");
            sb.Append("<text class=\"row-label\" x=\"").Append(Svg.Number(GridLeft - 6)).Append("\" y=\"").Append(Svg.Number(GridTop + (i + 0.5) * s + 4))
              .Append("\" text-anchor=\"end\">").Append(label).Append("</text>\n");
        }
        sb.Append("</g>\n");

        sb.Append("<g class=\"cells\" font-size=\"").Append(Svg.Number(fontSize)).Append("\" text-anchor=\"middle\">\n");
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                var (x, y) = Cell(r, c);
                string fill = Fill(r, c);
                long count = Count(r, c);
                sb.Append("<rect class=\"cell\" data-row=\"").Append(r).Append("\" data-col=\"").Append(c).Append("\" x=\"").Append(Svg.Number(x))
                  .Append("\" y=\"").Append(Svg.Number(y)).Append("\" width=\"").Append(Svg.Number(s)).Append("\" height=\"").Append(Svg.Number(s))
                  .Append("\" fill=\"").Append(fill).Append("\" stroke=\"#ffffff\" stroke-width=\"1\"/>");
                sb.Append("<text class=\"count\" data-row=\"").Append(r).Append("\" data-col=\"").Append(c).Append("\" x=\"").Append(Svg.Number(x + s / 2))
                  .Append("\" y=\"").Append(Svg.Number(y + s / 2 + fontSize * 0.35)).Append("\" fill=\"")
                  .Append(count == 0 ? "#C0C0C0" : TextColor(fill)).Append("\"").Append(r == c ? " font-weight=\"600\"" : "").Append('>')
                  .Append(count.ToString(CultureInfo.InvariantCulture)).Append("</text>\n");
            }
        }
        sb.Append("</g>\n");

        // Recall at the end of each row, precision under each column.
        sb.Append("<g class=\"rates\" font-size=\"").Append(Svg.Number(Math.Min(11, fontSize))).Append("\" fill=\"#555555\" text-anchor=\"middle\">\n");
        double rateX = GridLeft + n * s + s / 2;
        sb.Append("<text class=\"rate-title\" x=\"").Append(Svg.Number(rateX)).Append("\" y=\"").Append(Svg.Number(GridTop - 6)).Append("\">recall</text>\n");
        for (int i = 0; i < n; i++)
        {
            sb.Append("<text class=\"recall\" data-row=\"").Append(i).Append("\" x=\"").Append(Svg.Number(rateX)).Append("\" y=\"")
              .Append(Svg.Number(GridTop + (i + 0.5) * s + 4)).Append("\">").Append(Fmt.Percent(Recall(i), 1)).Append("</text>\n");
            sb.Append("<text class=\"precision\" data-col=\"").Append(i).Append("\" x=\"").Append(Svg.Number(GridLeft + (i + 0.5) * s)).Append("\" y=\"")
              .Append(Svg.Number(GridTop + n * s + s / 2 + 4)).Append("\">").Append(Fmt.Percent(Precision(i), 1)).Append("</text>\n");
        }
        sb.Append("<text class=\"rate-title\" x=\"").Append(Svg.Number(GridLeft - 6)).Append("\" y=\"").Append(Svg.Number(GridTop + n * s + s / 2 + 4))
          .Append("\" text-anchor=\"end\">precision</text>\n");
        sb.Append("</g>\n</svg>");
        return sb.ToString();
    }

    private static string Mix(string from, string to, double t)
    {
        t = Math.Clamp(t, 0, 1);
        var (r0, g0, b0) = Rgb(from);
        var (r1, g1, b1) = Rgb(to);
        int Lerp(int a, int b) => (int)Math.Round(a + (b - a) * t);
        return string.Create(CultureInfo.InvariantCulture, $"#{Lerp(r0, r1):X2}{Lerp(g0, g1):X2}{Lerp(b0, b1):X2}");
    }

    private static (int R, int G, int B) Rgb(string hex) =>
        (Convert.ToInt32(hex.Substring(1, 2), 16), Convert.ToInt32(hex.Substring(3, 2), 16), Convert.ToInt32(hex.Substring(5, 2), 16));

    /// <summary>WCAG relative luminance of a <c>#RRGGBB</c> colour.</summary>
    internal static double Luminance(string hex)
    {
        var (r, g, b) = Rgb(hex);
        static double Linear(int v)
        {
            double c = v / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Linear(r) + 0.7152 * Linear(g) + 0.0722 * Linear(b);
    }
}
