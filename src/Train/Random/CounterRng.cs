using System.Runtime.CompilerServices;

namespace NetForge.Train.Random;

/// <summary>
/// Counter-based randomness: every random number is a pure function of (seed, stream, counter), so
/// results never depend on thread count or call order, and a resumed run needs no RNG state beyond
/// the seed and its position (epoch, step). Streams name what the numbers are for.
/// The mixer is SplitMix64's finaliser applied twice over the folded key (statistically sound for
/// dropout masks, shuffles and initialisation; not cryptographic).
/// </summary>
public static class CounterRng
{
    /// <summary>Well-known stream ids; combine with <see cref="Stream(ulong, ulong, ulong)"/>.</summary>
    public const ulong ShuffleStream = 0x5348554646_4C45; // "SHUFFLE"
    public const ulong DropoutStream = 0x44524F504F5554;   // "DROPOUT"
    public const ulong InitStream = 0x494E4954;             // "INIT"

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A derived key: e.g. Stream(seed, DropoutStream, epoch) then Stream(key, step, layer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Stream(ulong key, ulong a, ulong b) =>
        Mix(Mix(key ^ 0x9E3779B97F4A7C15UL) + a * 0xD1B54A32D192ED03UL + Mix(b + 0x632BE59BD9B4E019UL));

    /// <summary>64 random bits for element <paramref name="counter"/> of stream <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Next(ulong key, ulong counter) => Mix(Mix(key + counter * 0x9E3779B97F4A7C15UL));

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Uniform(ulong key, ulong counter) => (Next(key, counter) >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double UniformDouble(ulong key, ulong counter) => (Next(key, counter) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal via Box–Muller from counters 2i and 2i+1.</summary>
    public static double Normal(ulong key, ulong counter)
    {
        double u1 = 1.0 - UniformDouble(key, 2 * counter);     // (0, 1]
        double u2 = UniformDouble(key, 2 * counter + 1);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates permutation of 0..n-1 driven by <paramref name="key"/>; deterministic.</summary>
    public static void Permutation(ulong key, Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = i;
        for (int i = destination.Length - 1; i > 0; i--)
        {
            int j = (int)((Next(key, (ulong)i) >> 11) % (ulong)(i + 1));
            (destination[i], destination[j]) = (destination[j], destination[i]);
        }
    }
}
