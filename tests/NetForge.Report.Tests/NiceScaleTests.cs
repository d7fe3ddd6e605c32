namespace NetForge.Report.Tests;

public class NiceScaleTests
{
    private static string[] Labels(NiceScale scale) => [.. scale.Ticks.Select(NiceScale.Label)];

    [Fact]
    public void Narrow_accuracy_range_gets_half_percent_steps()
    {
        var scale = NiceScale.Linear(0.9712, 0.9923);
        Assert.Equal(["0.97", "0.975", "0.98", "0.985", "0.99", "0.995"], Labels(scale));
        Assert.Equal(0.97, scale.Min);
        Assert.Equal(0.995, scale.Max);
        Assert.Equal(0.005, scale.Step, 15);
    }

    [Theory]
    [InlineData(0.0, 1.0, new[] { "0", "0.2", "0.4", "0.6", "0.8", "1" })]
    [InlineData(0.0213, 0.3101, new[] { "0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35" })]
    [InlineData(-3.2, 7.9, new[] { "-4", "-2", "0", "2", "4", "6", "8" })]
    [InlineData(-0.35, 0.12, new[] { "-0.4", "-0.3", "-0.2", "-0.1", "0", "0.1", "0.2" })]
    [InlineData(12, 987, new[] { "0", "200", "400", "600", "800", "1000" })]
    [InlineData(0.1, 0.7, new[] { "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7" })]
    public void Ticks_are_1_2_5_steps_that_cover_the_data(double min, double max, string[] expected)
    {
        var scale = NiceScale.Linear(min, max);
        Assert.Equal(expected, Labels(scale));
        Assert.True(scale.Min <= min && scale.Max >= max);
        Assert.True(scale.Ticks.Count <= 8);
    }

    [Fact]
    public void Ticks_are_the_doubles_nearest_their_decimal_values()
    {
        // 0.1 * 3 is 0.30000000000000004: ticks are integer ÷ power of ten instead.
        var scale = NiceScale.Linear(0.1, 0.7);
        Assert.Contains(0.3, scale.Ticks);
        Assert.Equal(0.3, scale.Ticks[2]);
        foreach (var (min, max) in new[] { (0.0, 0.9), (0.9712, 0.9923), (1e-7, 9e-7), (-0.07, 0.13), (3.3, 3.9) })
            foreach (double tick in NiceScale.Linear(min, max).Ticks)
            {
                string label = NiceScale.Label(tick);
                Assert.True(label.Length <= 8, $"tick label {label} of range {min}..{max} is noisy");
                Assert.Equal(tick, double.Parse(label, System.Globalization.CultureInfo.InvariantCulture));
            }
    }

    [Fact]
    public void A_span_crossing_zero_has_a_tick_at_exactly_zero_without_a_sign()
    {
        var scale = NiceScale.Linear(-0.013, 0.021);
        Assert.Contains(0.0, scale.Ticks);
        Assert.Contains("0", Labels(scale));
        Assert.DoesNotContain("-0", Labels(scale));
        Assert.Equal(["-0.02", "-0.01", "0", "0.01", "0.02", "0.03"], Labels(scale));
    }

    [Fact]
    public void Tiny_ranges_use_compact_exponents()
    {
        var scale = NiceScale.Linear(1.2e-7, 8.7e-7);
        Assert.Equal(["0", "2e-7", "4e-7", "6e-7", "8e-7", "1e-6"], Labels(scale));
        Assert.Equal(6e-7, scale.Ticks[3]);
    }

    [Fact]
    public void A_tiny_span_far_from_zero_still_gets_distinct_ticks()
    {
        var scale = NiceScale.Linear(0.99001, 0.99004);
        Assert.True(scale.Ticks.Count >= 3);
        Assert.Equal(scale.Ticks.Count, Labels(scale).Distinct().Count());
        Assert.True(scale.Min <= 0.99001 && scale.Max >= 0.99004);
    }

    [Theory]
    [InlineData(0.5, "0.44", "0.56")]
    [InlineData(2.0, "1.8", "2.2")]
    [InlineData(-4.0, "-4.4", "-3.6")]
    [InlineData(0.0, "-1", "1")]
    public void A_constant_series_gets_a_padded_range_around_it(double value, string low, string high)
    {
        var scale = NiceScale.Linear(value, value);
        Assert.True(scale.Min < value && scale.Max > value);
        Assert.Equal(low, NiceScale.Label(scale.Min));
        Assert.Equal(high, NiceScale.Label(scale.Max));
        Assert.InRange(scale.Ticks.Count, 3, 8);
    }

    [Fact]
    public void Non_finite_bounds_fall_back_to_the_unit_range()
    {
        var scale = NiceScale.Linear(double.NaN, double.PositiveInfinity);
        Assert.Equal(0, scale.Min);
        Assert.Equal(1, scale.Max);
    }

    [Theory]
    [InlineData(1, 12, new[] { 1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })]
    [InlineData(1, 1, new[] { 1.0 })]
    [InlineData(1, 30, new[] { 5.0, 10, 15, 20, 25, 30 })]
    [InlineData(1, 15, new[] { 2.0, 4, 6, 8, 10, 12, 14 })]
    [InlineData(3, 200, new[] { 20.0, 40, 60, 80, 100, 120, 140, 160, 180, 200 })]
    [InlineData(1, 13, new[] { 2.0, 4, 6, 8, 10, 12 })]
    public void Epoch_axes_have_integer_ticks_and_half_an_epoch_of_margin(int first, int last, double[] expected)
    {
        var scale = NiceScale.Integer(first, last);
        Assert.Equal(expected, scale.Ticks);
        Assert.All(scale.Ticks, t => Assert.Equal(Math.Round(t), t));
        Assert.Equal(first - 0.5, scale.Min);
        Assert.Equal(last + 0.5, scale.Max);
        Assert.True(scale.Ticks.Count <= 12);
    }

    [Fact]
    public void Log_ticks_are_decades_with_2_and_5_inside_a_narrow_range()
    {
        var narrow = NiceScale.Log(0.0005, 0.001);
        Assert.True(narrow.IsLog);
        Assert.Equal(["0.0001", "0.0002", "0.0005", "0.001"], Labels(narrow));
        Assert.Equal(1e-4, narrow.Min);
        Assert.Equal(1e-3, narrow.Max);

        var wide = NiceScale.Log(3e-6, 0.1);
        Assert.Equal(["1e-6", "1e-5", "0.0001", "0.001", "0.01", "0.1"], Labels(wide));

        var huge = NiceScale.Log(1e-12, 1);
        Assert.True(huge.Ticks.Count <= 9);
        Assert.Equal(1e-12, huge.Ticks[0]);
    }

    [Fact]
    public void Log_scale_of_a_constant_or_exact_decade_spans_two_decades()
    {
        var scale = NiceScale.Log(0.001, 0.001);
        Assert.Equal(1e-4, scale.Min);
        Assert.Equal(1e-2, scale.Max);
        Assert.Equal(0.5, scale.Fraction(0.001), 12);
    }

    [Fact]
    public void Fraction_maps_the_ends_to_0_and_1()
    {
        var linear = NiceScale.Linear(0.9712, 0.9923);
        Assert.Equal(0, linear.Fraction(linear.Min), 12);
        Assert.Equal(1, linear.Fraction(linear.Max), 12);
        Assert.Equal(0.2, linear.Fraction(0.975), 9);
        var log = NiceScale.Log(1e-4, 1e-2);
        Assert.Equal(0.5, log.Fraction(1e-3), 12);
    }
}
