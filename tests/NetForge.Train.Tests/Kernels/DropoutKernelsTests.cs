using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

public class DropoutKernelsTests
{
    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.3f)]   // rate·2²⁴ not an integer: the vector path's ceil threshold
    [InlineData(0.5f)]
    [InlineData(0.8f)]
    public void Keeps_about_one_minus_rate_scaled_by_its_inverse(float rate)
    {
        const int n = 20000;
        var x = Enumerable.Repeat(1f, n).ToArray();
        var y = new float[n];
        var mask = new float[n];
        DropoutKernels.Forward(y, mask, x, rate, 12345, n);
        int kept = y.Count(v => v != 0f);
        // Binomial(n, 1 − rate): 5σ ≤ 5·√(n·0.25) ≈ 354.
        Assert.InRange(kept, n * (1 - rate) - 360, n * (1 - rate) + 360);
        Assert.All(y.Where(v => v != 0f), v => Assert.Equal(1f / (1f - rate), v));
        var yRef = new float[n];
        DropoutKernels.ForwardReference(yRef, x, rate, 12345, n);
        TestData.AssertBitIdentical(yRef, y, "dropout vs reference");
        var dx = new float[n];
        DropoutKernels.Backward(dx, x, mask, n);
        TestData.AssertBitIdentical(y, dx, "dropout backward multiplies by the same mask");
    }

    [Fact]
    public void Equal_keys_give_equal_masks_and_different_keys_differ()
    {
        const int n = 1000;
        var x = TestData.Uniform(n, 41);
        float[] a = new float[n], b = new float[n], c = new float[n], m = new float[n];
        DropoutKernels.Forward(a, m, x, 0.5f, 7, n);
        DropoutKernels.Forward(b, m, x, 0.5f, 7, n);
        DropoutKernels.Forward(c, m, x, 0.5f, 8, n);
        TestData.AssertBitIdentical(a, b, "same key");
        Assert.True(Enumerable.Range(0, n).Count(i => a[i] != c[i]) > n / 4, "different keys should drop different elements");
    }

    [Fact]
    public void Any_thread_count_gives_the_reference_mask()
    {
        const int n = 200_003; // above the parallel threshold, odd so the chunks are uneven
        var x = TestData.Uniform(n, 43);
        var yRef = new float[n];
        DropoutKernels.ForwardReference(yRef, x, 0.25f, 99, n);
        float[] y1 = new float[n], m1 = new float[n];
        DropoutKernels.Forward(y1, m1, x, 0.25f, 99, n, threads: 1);
        TestData.AssertClose(yRef, y1, 0, 0, "dropout vs reference"); // the kernel's dropped negatives are -0
        foreach (int threads in new[] { 2, 3 })
        {
            float[] y = new float[n], m = new float[n];
            DropoutKernels.Forward(y, m, x, 0.25f, 99, n, threads);
            TestData.AssertBitIdentical(y1, y, $"dropout threads {threads}");
            TestData.AssertBitIdentical(m1, m, $"dropout mask threads {threads}");
        }
    }

    [Fact]
    public void Rate_outside_zero_to_one_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DropoutKernels.Forward(new float[1], new float[1], new float[1], 1f, 0, 1));
    }
}
