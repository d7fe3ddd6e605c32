using NetForge.Spec.Graph;
using NetForge.Train.Random;

namespace NetForge.Train.Initializers;

/// <summary>
/// Fills every parameter from its <see cref="Initializer"/> with Keras 2 semantics.
/// Fans follow Keras for our layouts: dense weight [units, in] → (in, units); conv weight
/// [filters, in_ch, kh, kw] → (in_ch·kh·kw, filters·kh·kw); a 1-D tensor → (n, n).
/// Variance scaling (Keras ≥ 2.3 <c>VarianceScaling</c>):
/// <list type="bullet">
/// <item>uniform: U(−limit, limit), limit = sqrt(3·scale/n) — glorot_uniform sqrt(6/(fan_in+fan_out)),
/// he_uniform sqrt(6/fan_in), lecun_uniform sqrt(3/fan_in);</item>
/// <item>normal: truncated normal, resampled beyond ±2σ, σ = sqrt(scale/n) / 0.87962566103423978 — the
/// Keras ≥ 2.3 correction that makes the variance after truncation equal scale/n. he_normal: scale 2,
/// n = fan_in; glorot_normal: scale 1, n = (fan_in+fan_out)/2; lecun_normal: scale 1, n = fan_in.</item>
/// </list>
/// <c>normal</c> (RandomNormal) is not truncated. Randomness is counter-based: parameter slot k
/// (its index in <see cref="ModelGraph.Parameters"/>) uses key <c>Stream(seed, InitStream, k)</c>;
/// element i uses counter i, and truncation retries use counters i + a·length (attempt a), so the
/// result is a pure function of (seed, k, i).
/// </summary>
public static class Initializers
{
    /// <summary>Keras's stddev of a standard normal truncated to ±2σ, divided out of the truncated draw.</summary>
    public const double TruncatedNormalStddev = 0.87962566103423978;

    /// <summary>
    /// Initialises the parameters <paramref name="specs"/> (in graph order) deterministically from <paramref name="seed"/>
    /// into the flat view <paramref name="flat"/>: parameter k occupies the <c>specs[k].Size</c> floats after those before it.
    /// Every engine initialises through here, so a seed gives the same bits in all of them.
    /// </summary>
    public static void Apply(IEnumerable<ParamSpec> specs, Span<float> flat, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(specs);
        int k = 0, offset = 0;
        foreach (var spec in specs)
        {
            int n = checked((int)spec.Size);
            Fill(flat.Slice(offset, n), spec.Shape, spec.Initializer, CounterRng.Stream(seed, CounterRng.InitStream, (ulong)k));
            offset += n;
            k++;
        }
        if (offset != flat.Length) throw new ArgumentException($"the parameters hold {offset} values, the buffer {flat.Length}", nameof(flat));
    }

    /// <summary>(fan_in, fan_out) of a tensor in NetForge layout (see the class summary).</summary>
    public static (double FanIn, double FanOut) Fans(Shape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Rank == 0) return (1, 1);
        if (shape.Rank == 1) return (shape[0], shape[0]);
        double receptive = 1;
        for (int i = 2; i < shape.Rank; i++) receptive *= shape[i];
        return (shape[1] * receptive, shape[0] * receptive);
    }

    /// <summary>Fills <paramref name="destination"/> (a tensor of <paramref name="shape"/>) from stream <paramref name="key"/>.</summary>
    public static void Fill(Span<float> destination, Shape shape, Initializer init, ulong key)
    {
        ArgumentNullException.ThrowIfNull(init);
        var (fanIn, fanOut) = Fans(shape);
        double fanAvg = (fanIn + fanOut) / 2;
        switch (init.Kind)
        {
            case InitializerKind.Zeros: destination.Clear(); break;
            case InitializerKind.Ones: destination.Fill(1f); break;
            case InitializerKind.Constant: destination.Fill((float)init.Value); break;
            case InitializerKind.Uniform: FillUniform(destination, init.MinVal, init.MaxVal, key); break;
            case InitializerKind.Normal: FillNormal(destination, init.Mean, init.Stddev, key); break;
            case InitializerKind.GlorotUniform: FillScaledUniform(destination, 1, fanAvg, key); break;
            case InitializerKind.HeUniform: FillScaledUniform(destination, 2, fanIn, key); break;
            case InitializerKind.LecunUniform: FillScaledUniform(destination, 1, fanIn, key); break;
            case InitializerKind.GlorotNormal: FillTruncatedNormal(destination, Math.Sqrt(1 / fanAvg) / TruncatedNormalStddev, key); break;
            case InitializerKind.HeNormal: FillTruncatedNormal(destination, Math.Sqrt(2 / fanIn) / TruncatedNormalStddev, key); break;
            case InitializerKind.LecunNormal: FillTruncatedNormal(destination, Math.Sqrt(1 / fanIn) / TruncatedNormalStddev, key); break;
            default: throw new NotSupportedException($"initializer {init.Kind} is not supported");
        }
    }

    private static void FillScaledUniform(Span<float> destination, double scale, double n, ulong key)
    {
        double limit = Math.Sqrt(3 * scale / n);
        FillUniform(destination, -limit, limit, key);
    }

    private static void FillUniform(Span<float> destination, double min, double max, ulong key)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)(min + (max - min) * CounterRng.UniformDouble(key, (ulong)i));
    }

    private static void FillNormal(Span<float> destination, double mean, double stddev, ulong key)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)(mean + stddev * CounterRng.Normal(key, (ulong)i));
    }

    private static void FillTruncatedNormal(Span<float> destination, double stddev, ulong key)
    {
        ulong length = (ulong)destination.Length;
        for (int i = 0; i < destination.Length; i++)
        {
            double z;
            ulong counter = (ulong)i;
            while (Math.Abs(z = CounterRng.Normal(key, counter)) > 2.0) counter += length;
            destination[i] = (float)(stddev * z);
        }
    }
}
