using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

/// <summary>
/// <see cref="Gemm.Multiply"/> against <see cref="Gemm.MultiplyReference"/>: every transposition case, every MR/NR tail,
/// the Kc block boundary, accumulate on/off, 1–3 threads, each micro-kernel family; determinism, bounds, allocations.
/// </summary>
public sealed class GemmTests
{
    /// <summary>
    /// Unit roundoff of float (2⁻²⁴). A k-term dot product summed in any order (with or without FMA) is within
    /// γ_k·Σ|aₚbₚ| ≈ k·u·Σ|aₚbₚ| of the exact value (Higham, Accuracy and Stability, §3.1); the fast and reference
    /// results may each be that far off, plus one rounding for the accumulate add, hence
    /// |fast − ref| ≤ (2k + 2)·u·(Σ|aₚbₚ| + |c₀|). Relative to the magnitude of the terms, scaled by k.
    /// </summary>
    private const double UnitRoundoff = 1.0 / (1 << 24);

    private static readonly bool[] Bools = [false, true];

    public static TheoryData<bool, bool> TransCases()
    {
        var data = new TheoryData<bool, bool>();
        foreach (bool ta in Bools) foreach (bool tb in Bools) data.Add(ta, tb);
        return data;
    }

    [Theory]
    [MemberData(nameof(TransCases))]
    public void EveryTileTail_MatchesReference(bool transA, bool transB)
    {
        // All m in 1..2·MR+1 and n in 1..2·NR+1 of the widest family (full tiles, every partial tile, two tiles + 1)
        // for short k; across the Kc block boundary on the tail sizes only.
        int mr = Gemm.MrOf(Gemm.Detected), nr = Gemm.NrOf(Gemm.Detected);
        int seed = 0;
        foreach (int k in (int[])[1, 17])
        {
            for (int m = 1; m <= 2 * mr + 1; m++)
            {
                for (int n = 1; n <= 2 * nr + 1; n++)
                {
                    CheckAgainstReference(m, n, k, transA, transB, accumulate: (m + n) % 2 == 0, threads: 1, seed++);
                }
            }
        }
        int[] mTails = [1, mr - 1, mr, mr + 1, 2 * mr + 1], nTails = [1, nr - 1, nr, nr + 1, 2 * nr + 1];
        foreach (int m in mTails)
        {
            foreach (int n in nTails)
            {
                CheckAgainstReference(m, n, Gemm.Kc + 3, transA, transB, accumulate: n % 2 == 0, threads: 1, seed++);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TransCases))]
    public void LargeAndOddShapes_MatchReference(bool transA, bool transB)
    {
        (int M, int N, int K)[] shapes =
        [
            (1, 1, 1), (1, 1, 1000), (1, 300, 5), (300, 1, 5), (37, 29, 3 * Gemm.Kc + 5),
            (Gemm.Mc + 7, 45, 70), (13, Gemm.Nc + 33, 9), (3, 5, 9216),
            (16, 784, 25), (36, 196, 400), (128, 10, 512),
        ];
        int seed = 1000;
        foreach (var (m, n, k) in shapes)
        {
            foreach (bool accumulate in Bools)
            {
                CheckAgainstReference(m, n, k, transA, transB, accumulate, threads: 1, seed++);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Threads_MatchReference(int threads)
    {
        // Above the parallel threshold; one split by columns (n has more tiles), one by rows (m has more).
        Assert.True(Math.Min(40L * 333 * 170, 301L * 20 * 400) >= Gemm.ParallelThreshold);
        int seed = 2000;
        foreach (bool ta in Bools)
        {
            foreach (bool tb in Bools)
            {
                if (ta == tb) CheckAgainstReference(40, 333, 170, ta, tb, accumulate: tb, threads, seed++);
                else CheckAgainstReference(301, 20, 400, ta, tb, accumulate: !tb, threads, seed++);
            }
        }
    }

    [Fact]
    public void ThreadCount_DoesNotChangeABit()
    {
        // Above the parallel threshold, so 2 and 3 threads really split (by columns, by rows, narrow kernel).
        foreach (var (m, n, k, ta, tb) in new[] { (200, 128, 1764, false, true), (512, 784, 128, true, false), (500, 10, 512, false, true) })
        {
            var (a, b, c0) = RandomInputs(m, n, k, seed: m + n + k);
            float[] one = (float[])c0.Clone(), two = (float[])c0.Clone(), three = (float[])c0.Clone();
            Gemm.Multiply(one, a, b, m, n, k, ta, tb, accumulate: true, threads: 1);
            Gemm.Multiply(two, a, b, m, n, k, ta, tb, accumulate: true, threads: 2);
            Gemm.Multiply(three, a, b, m, n, k, ta, tb, accumulate: true, threads: 3);
            AssertBitIdentical(one, two, $"{m}x{n}x{k} threads 1 vs 2");
            AssertBitIdentical(one, three, $"{m}x{n}x{k} threads 1 vs 3");
        }
    }

    public static TheoryData<int> SupportedIsas()
    {
        var data = new TheoryData<int>();
        for (var isa = Gemm.Isa.Scalar; isa <= Gemm.Detected; isa++) data.Add((int)isa);
        return data;
    }

    [Theory]
    [MemberData(nameof(SupportedIsas))]
    public void EachMicroKernelFamily_MatchesReference_AndTheWidestBitForBit(int isaValue)
    {
        var isa = (Gemm.Isa)isaValue;
        int mr = Gemm.MrOf(isa), nr = Gemm.NrOf(isa);
        (int M, int N, int K)[] shapes = [(mr, nr, 5), (2 * mr + 1, 2 * nr + 1, Gemm.Kc + 1), (mr - 1, nr + 3, 40), (70, 90, 340)];
        int seed = 3000;
        foreach (var (m, n, k) in shapes)
        {
            foreach (bool ta in Bools)
            {
                foreach (bool tb in Bools)
                {
                    var (a, b, c0) = RandomInputs(m, n, k, seed++);
                    float[] forced = (float[])c0.Clone(), widest = (float[])c0.Clone();
                    Gemm.ForcedIsa = isa;
                    try { Gemm.Multiply(forced, a, b, m, n, k, ta, tb, accumulate: true, threads: 2); }
                    finally { Gemm.ForcedIsa = null; }
                    Gemm.Multiply(widest, a, b, m, n, k, ta, tb, accumulate: true, threads: 1);
                    // Same blocking and one FMA per step in every family: the bits agree, not just the values.
                    AssertBitIdentical(widest, forced, $"{isa} {m}x{n}x{k} ta={ta} tb={tb}");
                    float[] expected = (float[])c0.Clone();
                    Gemm.MultiplyReference(expected, a, b, m, n, k, ta, tb, accumulate: true);
                    AssertClose(expected, forced, a, b, c0, m, n, k, ta, tb, accumulate: true, $"{isa}");
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EmptySizes(bool accumulate)
    {
        float[] c = [1f, 2f, 3f, 4f];
        Gemm.Multiply(c, [], [], 2, 2, 0, false, false, accumulate);
        Assert.Equal(accumulate ? [1f, 2f, 3f, 4f] : new float[4], c);

        float[] untouched = [5f];
        Gemm.Multiply(untouched, new float[3], [], 0, 0, 3, false, false, accumulate: false);
        Gemm.Multiply(untouched, [], new float[3], 0, 1, 3, true, true, accumulate: false);
        Gemm.Multiply(untouched, new float[3], [], 1, 0, 3, false, true, accumulate: false);
        Assert.Equal([5f], untouched);
    }

    [Fact]
    public void TooShortSpans_ThrowNamingTheParameter()
    {
        float[] a = new float[6], b = new float[12], c = new float[8];
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => Gemm.Multiply(c.AsSpan(0, 7), a, b, 2, 4, 3, false, false, false)).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => Gemm.Multiply(c, a.AsSpan(0, 5), b, 2, 4, 3, false, false, false)).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => Gemm.Multiply(c, a, b.AsSpan(0, 11), 2, 4, 3, false, true, false)).ParamName);
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(c, a, b, -1, 4, 3, false, false, false)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(c, a, b, 2, 4, -3, false, false, false)).ParamName);
    }

    [Fact]
    public void LongerSpans_OnlyTheLeadingMatrixIsUsed()
    {
        var (a, b, _) = RandomInputs(3, 4, 5, seed: 7);
        float[] c = Enumerable.Repeat(9f, 20).ToArray();
        Gemm.Multiply(c, [.. a, 1e30f], [.. b, 1e30f], 3, 4, 5, false, false, accumulate: false);
        float[] expected = new float[12];
        Gemm.MultiplyReference(expected, a, b, 3, 4, 5, false, false, accumulate: false);
        AssertClose(expected, c[..12], a, b, new float[12], 3, 4, 5, false, false, accumulate: false, "long spans");
        Assert.All(c[12..], v => Assert.Equal(9f, v));
    }

    [Fact]
    public void AfterWarmUp_ACallAllocatesNothing()
    {
        var (a, b, c) = RandomInputs(150, 300, 600, seed: 11);
        foreach (int threads in (int[])[1, 2])
        {
            Assert.Equal(0, NetForge.Tests.Shared.Allocations.SteadyState(i => Gemm.Multiply(c, a, b, 150, 300, 600, i % 2 == 0, true, false, threads), calls: 3));
        }
    }

    private static void CheckAgainstReference(int m, int n, int k, bool ta, bool tb, bool accumulate, int threads, int seed)
    {
        var (a, b, c0) = RandomInputs(m, n, k, seed);
        float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
        Gemm.MultiplyReference(expected, a, b, m, n, k, ta, tb, accumulate);
        Gemm.Multiply(actual, a, b, m, n, k, ta, tb, accumulate, threads);
        AssertClose(expected, actual, a, b, c0, m, n, k, ta, tb, accumulate, $"threads={threads}");
    }

    private static (float[] A, float[] B, float[] C) RandomInputs(int m, int n, int k, int seed)
    {
        var rng = new System.Random(42 + seed);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < c.Length; i++) c[i] = (float)(rng.NextDouble() * 4 - 2);
        return (a, b, c);
    }

    private static void AssertClose(
        float[] expected, float[] actual, float[] a, float[] b, float[] c0,
        int m, int n, int k, bool ta, bool tb, bool accumulate, string context)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double magnitude = accumulate ? Math.Abs(c0[i * n + j]) : 0;
                for (int p = 0; p < k; p++)
                {
                    magnitude += Math.Abs((double)(ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]));
                }
                double bound = (2.0 * k + 2) * UnitRoundoff * magnitude;
                double diff = Math.Abs((double)expected[i * n + j] - actual[i * n + j]);
                if (!(diff <= bound))
                {
                    Assert.Fail($"{m}x{n}x{k} ta={ta} tb={tb} acc={accumulate} {context}: first mismatch at ({i},{j}): " +
                        $"expected {expected[i * n + j]}, got {actual[i * n + j]}, |diff| {diff:G3} > bound {bound:G3}");
                }
            }
        }
    }

    private static void AssertBitIdentical(float[] expected, float[] actual, string context)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{context}: first difference at {i}: {expected[i]:R} vs {actual[i]:R}");
            }
        }
    }
}
