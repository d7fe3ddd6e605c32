using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

/// <summary>
/// The vectorised 2×2 stride-2 max pool (8 or 4 windows per step, overlapping last step) against the scalar rule it
/// replaced: start with the window's first element, then for the other three in row-major order take v when
/// v &gt; max or v is NaN, max = MathF.Max(max, v); output the winner element itself and its index.
/// </summary>
public class PoolingVectorTests
{
    // Values with ties, both zeros and NaNs with distinct payloads (which NaN wins is visible in the bits).
    private static readonly float[] Palette =
    [
        -1f, 0f, -0f, 1f, 2f, 2f, float.NegativeInfinity, float.PositiveInfinity,
        BitConverter.Int32BitsToSingle(0x7FC00001), BitConverter.Int32BitsToSingle(0x7FC00002), BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00003)),
    ];

    [Theory]
    [InlineData(28, 28)]   // cnn pool 1: 14 windows a row (8 + overlapping 8)
    [InlineData(14, 14)]   // cnn pool 2: 7 windows a row (4 + overlapping 4)
    [InlineData(24, 24)]   // cnn_keras: 12 windows a row
    [InlineData(9, 11)]    // odd sizes: 5 windows a row, last column unused
    [InlineData(6, 16)]    // exactly 8 windows
    [InlineData(4, 34)]    // 17 windows: 8, 8, overlapping 8
    [InlineData(5, 6)]     // 3 windows: scalar only
    public void Vector_path_matches_the_scalar_rule_bit_for_bit(int height, int width)
    {
        const int batch = 3, channels = 2;
        var g = new ConvGeometry(channels, height, width, 2, 2, 2, 2, 0, 0, 0, 0);
        var rng = new System.Random(height * 100 + width);
        var x = new float[batch * g.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(3) == 0 ? Palette[rng.Next(Palette.Length)] : (float)rng.Next(-4, 5);
        int outN = batch * channels * g.OutPlane;
        var expected = new float[outN];
        var expectedIndex = new int[outN];
        ScalarRule(expected, expectedIndex, x, batch, g);
        foreach (int threads in new[] { 1, 3 })
        {
            var y = new float[outN];
            var idx = new int[outN];
            Pooling.MaxForward(y, idx, x, batch, g, threads);
            TestData.AssertBitIdentical(expected, y, $"{height}x{width} threads {threads}");
            Assert.Equal(expectedIndex, idx);
        }
    }

    [Theory]
    [InlineData(28, 28)]   // cnn pool 1: 8-window steps
    [InlineData(14, 14)]   // cnn pool 2: 4-window steps, overlapping
    [InlineData(24, 24)]
    [InlineData(8, 10)]    // 5 windows a row: 4 + overlapping 4
    [InlineData(4, 34)]    // 17 windows a row
    [InlineData(9, 11)]    // windows do not tile the input: general path
    [InlineData(6, 6)]     // 3 windows a row: general path
    public void Backward_matches_the_scatter_add_reference_bit_for_bit(int height, int width)
    {
        const int batch = 3, channels = 2;
        var g = new ConvGeometry(channels, height, width, 2, 2, 2, 2, 0, 0, 0, 0);
        var rng = new System.Random(height * 1000 + width);
        var x = new float[batch * g.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(3) == 0 ? Palette[rng.Next(Palette.Length)] : (float)rng.Next(-4, 5);
        int outN = batch * channels * g.OutPlane;
        var y = new float[outN];
        var idx = new int[outN];
        Pooling.MaxForward(y, idx, x, batch, g);
        // Gradients with -0 (the scatter onto +0 turns it into +0), NaN payloads and infinities.
        var dy = new float[outN];
        for (int i = 0; i < outN; i++) dy[i] = rng.Next(3) == 0 ? Palette[rng.Next(Palette.Length)] : (float)(rng.NextDouble() - 0.5);
        dy[0] = -0f;
        var expected = new float[x.Length];
        Pooling.MaxBackwardReference(expected, dy, idx, batch, g);
        foreach (int threads in new[] { 1, 3 })
        {
            var dx = new float[x.Length];
            Array.Fill(dx, 7f); // stale values must be overwritten everywhere
            Pooling.MaxBackward(dx, dy, idx, batch, g, threads);
            TestData.AssertBitIdentical(expected, dx, $"{height}x{width} threads {threads}");
        }
    }

    private static void ScalarRule(float[] output, int[] argmax, float[] input, int batch, ConvGeometry g)
    {
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < g.Channels; c++)
                for (int y = 0; y < g.OutH; y++)
                    for (int q = 0; q < g.OutW; q++)
                    {
                        int i0 = c * g.InPlane + 2 * y * g.Width + 2 * q, baseX = b * g.InputSize;
                        int best = i0;
                        float max = input[baseX + i0];
                        foreach (int i in new[] { i0 + 1, i0 + g.Width, i0 + g.Width + 1 })
                        {
                            float v = input[baseX + i];
                            if (v > max || float.IsNaN(v)) best = i;
                            max = MathF.Max(max, v);
                        }
                        int o = ((b * g.Channels + c) * g.OutH + y) * g.OutW + q;
                        output[o] = input[baseX + best];
                        argmax[o] = best;
                    }
    }
}
