namespace NetForge.Report;

/// <summary>
/// An axis range with "nice" tick values (steps of 1, 2 or 5 × 10ⁿ), e.g. data 0.9712..0.9923 →
/// 0.97, 0.975, ..., 0.995. Tick values are computed as integer ÷ power of ten, so they are the doubles nearest the
/// decimal values and print without noise (never <c>0.30000000000000004</c>).
/// </summary>
public sealed record NiceScale
{
    /// <summary>Lower end of the axis (data units; for a log scale the value, not its logarithm).</summary>
    public double Min { get; }

    /// <summary>Upper end of the axis.</summary>
    public double Max { get; }

    /// <summary>Distance between ticks on a linear scale; on a log scale the number of decades per major tick.</summary>
    public double Step { get; }

    /// <summary>Tick values, ascending, all within [<see cref="Min"/>, <see cref="Max"/>].</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>True for a base-10 logarithmic scale.</summary>
    public bool IsLog { get; }

    private NiceScale(double min, double max, double step, IReadOnlyList<double> ticks, bool isLog)
    {
        Min = min;
        Max = max;
        Step = step;
        Ticks = ticks;
        IsLog = isLog;
    }

    /// <summary>
    /// A linear scale covering [<paramref name="dataMin"/>, <paramref name="dataMax"/>] whose ends are ticks: the step
    /// is the 1-2-5 value nearest span / (<paramref name="maxTicks"/> − 1), made larger while that gives more than
    /// <paramref name="maxTicks"/> + 2 ticks. A constant (degenerate) range is padded
    /// by 10% of its value (±1 around zero); non-finite input gives 0..1.
    /// </summary>
    public static NiceScale Linear(double dataMin, double dataMax, int maxTicks = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTicks, 2);
        if (!double.IsFinite(dataMin) || !double.IsFinite(dataMax)) (dataMin, dataMax) = (0, 1);
        if (dataMin > dataMax) (dataMin, dataMax) = (dataMax, dataMin);
        double magnitude = Math.Max(Math.Abs(dataMin), Math.Abs(dataMax));
        if (dataMax - dataMin <= magnitude * 1e-12)
        {
            double pad = magnitude == 0 ? 1 : magnitude * 0.1;
            (dataMin, dataMax) = (dataMin - pad, dataMax + pad);
        }
        var (mantissa, exponent) = NiceStep((dataMax - dataMin) / (maxTicks - 1));
        long first, last;
        while (true)
        {
            double candidate = Value(mantissa, exponent);
            first = (long)Math.Floor(dataMin / candidate + 1e-9);
            last = (long)Math.Ceiling(dataMax / candidate - 1e-9);
            if (last - first + 1 <= maxTicks + 2) break;
            (mantissa, exponent) = Next(mantissa, exponent);
        }
        double step = Value(mantissa, exponent);
        var ticks = new List<double>();
        for (long k = first; k <= last; k++) ticks.Add(Value(k * mantissa, exponent));
        return new NiceScale(ticks[0], ticks[^1], step, ticks, isLog: false);
    }

    /// <summary>
    /// An integer axis (epochs): ticks are whole numbers in steps of 1, 2, 5, 10, ... (at most
    /// <paramref name="maxTicks"/> + 2) within the data range, and the axis extends half a unit beyond the data on both
    /// sides so the first and last points sit inside the plot.
    /// </summary>
    public static NiceScale Integer(double dataMin, double dataMax, int maxTicks = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTicks, 2);
        if (!double.IsFinite(dataMin) || !double.IsFinite(dataMax)) (dataMin, dataMax) = (1, 1);
        if (dataMin > dataMax) (dataMin, dataMax) = (dataMax, dataMin);
        double lo = Math.Ceiling(dataMin), hi = Math.Floor(dataMax);
        var ticks = new List<double>();
        if (hi >= lo)
        {
            var (mantissa, exponent) = NiceStep(Math.Max(1, (hi - lo) / (maxTicks - 1))); // raw ≥ 1, so exponent ≥ 0
            while (Math.Floor(hi / Value(mantissa, exponent)) - Math.Ceiling(lo / Value(mantissa, exponent)) + 1 > maxTicks + 2)
                (mantissa, exponent) = Next(mantissa, exponent);
            long step = Math.Max(1, (long)Value(mantissa, exponent));
            for (long k = (long)Math.Ceiling(lo / step); k * step <= hi; k++) ticks.Add(k * step);
            if (ticks.Count == 0) ticks.Add(lo);
            return new NiceScale(dataMin - 0.5, dataMax + 0.5, step, ticks, isLog: false);
        }
        return new NiceScale(dataMin - 0.5, dataMax + 0.5, 1, ticks, isLog: false);
    }

    /// <summary>
    /// A base-10 log scale from the decade at or below <paramref name="dataMin"/> to the decade at or above
    /// <paramref name="dataMax"/> (both must be positive; otherwise 0.1..1 is used). Ticks are the decades, plus the
    /// 2× and 5× values when the range spans at most three decades; with more than eight decades only every n-th
    /// decade is ticked.
    /// </summary>
    public static NiceScale Log(double dataMin, double dataMax)
    {
        if (!(dataMin > 0) || !(dataMax > 0) || !double.IsFinite(dataMin) || !double.IsFinite(dataMax)) (dataMin, dataMax) = (0.1, 1);
        if (dataMin > dataMax) (dataMin, dataMax) = (dataMax, dataMin);
        int lo = (int)Math.Floor(Math.Log10(dataMin) + 1e-12);
        int hi = (int)Math.Ceiling(Math.Log10(dataMax) - 1e-12);
        if (hi == lo) { lo--; hi++; }
        int decades = hi - lo;
        int every = decades <= 8 ? 1 : (int)Math.Ceiling(decades / 8.0);
        var ticks = new List<double>();
        for (int e = lo; e <= hi; e++)
        {
            if ((e - lo) % every == 0) ticks.Add(Value(1, e));
            if (decades <= 3 && e < hi)
            {
                ticks.Add(Value(2, e));
                ticks.Add(Value(5, e));
            }
        }
        return new NiceScale(Value(1, lo), Value(1, hi), every, ticks, isLog: true);
    }

    /// <summary>Where <paramref name="value"/> falls on the axis: 0 at <see cref="Min"/>, 1 at <see cref="Max"/>.</summary>
    public double Fraction(double value) => IsLog
        ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
        : (value - Min) / (Max - Min);

    /// <summary>The label of a tick: the shortest text of its value (<c>0.975</c>, <c>1e-5</c>, <c>-0.5</c>).</summary>
    public static string Label(double tick) => Svg.Shortest(tick);

    /// <summary>
    /// The 1, 2, 5 × 10^exponent nearest <paramref name="raw"/> (Heckbert's "nice numbers": below 1.5 → 1, below 3 → 2,
    /// below 7 → 5, else 10), as (mantissa, exponent). The callers step up with <see cref="Next"/> while there are too many ticks.
    /// </summary>
    private static (long Mantissa, int Exponent) NiceStep(double raw)
    {
        int exponent = (int)Math.Floor(Math.Log10(raw));
        double fraction = raw / Math.Pow(10, exponent);
        long mantissa = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        return mantissa == 10 ? (1, exponent + 1) : (mantissa, exponent);
    }

    /// <summary>The next larger nice step: 1 → 2 → 5 → 10.</summary>
    private static (long Mantissa, int Exponent) Next(long mantissa, int exponent) =>
        mantissa switch { 1 => (2, exponent), 2 => (5, exponent), _ => (1, exponent + 1) };

    /// <summary><paramref name="mantissa"/> × 10^<paramref name="exponent"/>, correctly rounded while 10^|exponent| is exact (|exponent| ≤ 22).</summary>
    private static double Value(long mantissa, int exponent) =>
        exponent >= 0 ? mantissa * Pow10(exponent) : mantissa / Pow10(-exponent);

    private static double Pow10(int n) => n < Powers.Length ? Powers[n] : Math.Pow(10, n);

    private static readonly double[] Powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
}
