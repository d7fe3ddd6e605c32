using System.Globalization;
using System.Text;

namespace NetForge.Report;

/// <summary>
/// Small helpers shared by the SVG and HTML writers: escaping (one function serves HTML text, HTML attributes and
/// XML, so every fragment also parses as XML) and invariant number formatting.
/// </summary>
public static class Svg
{
    /// <summary>The font stack of every chart and of the page: the system UI font, no downloads.</summary>
    public const string FontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

    /// <summary>
    /// Escapes <paramref name="text"/> for HTML/XML text and quoted attributes: <c>&amp; &lt; &gt; " '</c> become
    /// entities, and characters XML forbids (C0 controls other than tab/newline/CR, lone surrogates, U+FFFE/U+FFFF)
    /// become U+FFFD, so hostile input can neither close an element nor make an SVG fragment unparseable.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string? replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            };
            if (replacement is null)
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb?.Append(c).Append(text[i + 1]);
                    i++;
                    continue;
                }
                bool forbidden = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || char.IsSurrogate(c) || c == '\uFFFE' || c == '\uFFFF';
                if (!forbidden)
                {
                    sb?.Append(c);
                    continue;
                }
                replacement = "\uFFFD";
            }
            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(replacement);
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>A coordinate for an SVG attribute: invariant, at most 2 decimals, never <c>-0</c> (e.g. <c>12.5</c>).</summary>
    public static string Number(double value)
    {
        double rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);
        if (rounded == 0) rounded = 0; // drops the sign of -0
        return rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The shortest invariant text that reads back as <paramref name="value"/>, with a compact exponent for very small
    /// or large magnitudes (<c>0.975</c>, <c>1e-5</c>, <c>2.5e+7</c>). NaN and infinities print as <c>—</c>.
    /// </summary>
    public static string Shortest(double value)
    {
        if (!double.IsFinite(value)) return "—";
        if (value == 0) return "0";
        double abs = Math.Abs(value);
        string text = abs is >= 1e-4 and < 1e15
            ? value.ToString("R", CultureInfo.InvariantCulture)
            : value.ToString("0.###############E+0", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E');
        if (e < 0) return text;
        string mantissa = text[..e];
        int exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return mantissa + "e" + (exponent > 0 ? "+" : "") + exponent.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>An attribute <c> name="value"</c> with the value escaped.</summary>
    internal static string Attr(string name, string value) => " " + name + "=\"" + Escape(value) + "\"";
}

/// <summary>Invariant formats of the report's figures; NaN prints as an em dash.</summary>
internal static class Fmt
{
    public const string Missing = "—";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Percent(double fraction, int decimals = 2) =>
        double.IsFinite(fraction) ? (fraction * 100).ToString("F" + decimals, Inv) + "%" : Missing;

    public static string Fixed(double value, int decimals) => double.IsFinite(value) ? value.ToString("F" + decimals, Inv) : Missing;

    public static string Count(long value) => value.ToString("N0", Inv);

    public static string Int(int value) => value.ToString(Inv);

    /// <summary>Three significant digits with a compact exponent when small: <c>3.2e-7</c>, <c>0.0123</c>, <c>1234</c>.</summary>
    public static string Small(double value)
    {
        if (!double.IsFinite(value)) return Missing;
        if (value == 0) return "0";
        double abs = Math.Abs(value);
        if (abs >= 1000) return value.ToString("F0", Inv);
        double rounded = double.Parse(value.ToString("E2", Inv), Inv);
        return Svg.Shortest(rounded);
    }

    /// <summary>A rate such as samples/s: no decimals from 100 up, one below.</summary>
    public static string Rate(double value) =>
        !double.IsFinite(value) ? Missing : Math.Abs(value) >= 100 ? value.ToString("N0", Inv) : value.ToString("F1", Inv);

    /// <summary>Seconds: <c>12.3 s</c>, <c>1 min 05 s</c>.</summary>
    public static string Seconds(double seconds)
    {
        if (!double.IsFinite(seconds)) return Missing;
        if (seconds < 60) return seconds.ToString(seconds < 10 ? "F2" : "F1", Inv) + " s";
        var minutes = (long)(seconds / 60);
        return minutes.ToString(Inv) + " min " + ((long)Math.Round(seconds - minutes * 60)).ToString("00", Inv) + " s";
    }

    /// <summary>The median of the finite values, NaN when there is none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
