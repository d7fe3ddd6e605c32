namespace NetForge.Train.Tests.Kernels;

/// <summary>Seeded inputs and tolerant comparisons that report the worst element (llm.c check_tensor).</summary>
internal static class TestData
{
    public static float[] Uniform(int n, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new System.Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (float)rng.NextDouble() * (hi - lo);
        return a;
    }

    public static int[] Labels(int n, int classes, int seed)
    {
        var rng = new System.Random(seed);
        var a = new int[n];
        for (int i = 0; i < n; i++) a[i] = rng.Next(classes);
        return a;
    }

    /// <summary>Asserts |e − a| ≤ abs + rel·|e| element-wise; on failure names the first bad index and the largest difference.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rel, double abs, string what)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        if (expected.IsEmpty) return;
        int first = -1, worst = 0;
        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(d) || d > abs + rel * Math.Abs(expected[i])) { if (first < 0) first = i; }
            if (double.IsNaN(d) || d > maxDiff) { maxDiff = double.IsNaN(d) ? double.PositiveInfinity : d; worst = i; }
        }
        Assert.True(first < 0,
            $"{what}: first mismatch at [{first}] expected {(first >= 0 ? expected[first] : 0)} got {(first >= 0 ? actual[first] : 0)}; " +
            $"max |diff| {maxDiff:G4} at [{worst}] (expected {expected[worst]}, got {actual[worst]}); tolerance {abs} + {rel}·|e|");
    }

    public static void AssertClose(IReadOnlyList<double> expected, ReadOnlySpan<float> actual, double rel, double abs, string what)
    {
        var e = new float[expected.Count];
        for (int i = 0; i < e.Length; i++) e[i] = (float)expected[i];
        AssertClose(e, actual, rel, abs, what);
    }

    public static void AssertBitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element [{i}] differs: {expected[i]:R} vs {actual[i]:R}");
    }
}
