using System.Xml.Linq;

namespace NetForge.Report.Tests;

public class SvgTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("<script>", "&lt;script&gt;")]
    [InlineData("a & b", "a &amp; b")]
    [InlineData("\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;")]
    [InlineData("]]>", "]]&gt;")]
    [InlineData("tab\tnew\nline", "tab\tnew\nline")]
    [InlineData("bell\u0007 nul\0", "bell\uFFFD nul\uFFFD")]
    [InlineData("emoji 🙂 ok", "emoji 🙂 ok")]
    [InlineData("", "")]
    public void Escape_makes_text_safe_for_HTML_and_XML(string input, string expected)
    {
        string escaped = Svg.Escape(input);
        Assert.Equal(expected, escaped);
        // Round trip through an XML attribute and element.
        var e = XElement.Parse("<t a=\"" + escaped + "\">" + escaped + "</t>");
        Assert.Equal(expected.Replace("&lt;", "<").Replace("&gt;", ">").Replace("&quot;", "\"").Replace("&#39;", "'").Replace("&amp;", "&"), e.Value);
    }

    [Fact]
    public void Lone_surrogates_are_replaced_and_pairs_kept()
    {
        Assert.Equal("lone \uFFFD surrogate", Svg.Escape("lone \uD800 surrogate"));
        Assert.Equal("end \uFFFD", Svg.Escape("end \uDC00"));
        Assert.Equal("pair \uD83D\uDE42", Svg.Escape("pair \uD83D\uDE42"));
    }

    [Theory]
    [InlineData(12.0, "12")]
    [InlineData(12.345, "12.35")]
    [InlineData(-0.001, "0")]
    [InlineData(0.1 + 0.2, "0.3")]
    [InlineData(-3.5, "-3.5")]
    public void Numbers_are_invariant_with_two_decimals_at_most(double value, string expected) =>
        Assert.Equal(expected, Svg.Number(value));

    [Theory]
    [InlineData(0.975, "0.975")]
    [InlineData(1e-5, "1e-5")]
    [InlineData(2.5e-7, "2.5e-7")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(3e16, "3e+16")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(0.0, "0")]
    [InlineData(double.NaN, "—")]
    public void Shortest_prints_round_trip_text_with_compact_exponents(double value, string expected) =>
        Assert.Equal(expected, Svg.Shortest(value));

    [Fact]
    public void Formatting_ignores_the_current_culture()
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            string before = HtmlReport.Render(SampleModels.Full(thumbnails: false));
            // InvariantGlobalization is on, so a real de-DE culture is not available; a custom one with a comma is.
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            comma.NumberFormat.NumberGroupSeparator = ".";
            comma.NumberFormat.PercentDecimalSeparator = ",";
            System.Globalization.CultureInfo.CurrentCulture = comma;
            Assert.Equal(before, HtmlReport.Render(SampleModels.Full(thumbnails: false)));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }
}
