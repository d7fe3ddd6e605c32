using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

public class PoolingTests
{
    private const double Rel = 1e-6, Abs = 1e-6;

    // B, C, H, W, ph, pw, sh, sw, pt, pl, pb, pr
    public static TheoryData<int[]> Shapes => new()
    {
        new[] { 1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0 },
        new[] { 2, 3, 7, 5, 2, 2, 2, 2, 0, 0, 1, 1 },   // TF same with odd sizes: extra row/column at the end
        new[] { 2, 2, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1 },   // same, stride 1
        new[] { 3, 1, 9, 8, 3, 2, 2, 3, 1, 0, 1, 1 },   // rectangular window, mixed strides
        new[] { 1, 4, 5, 7, 3, 3, 2, 2, 0, 0, 0, 0 },   // overlapping windows, valid
        new[] { 3, 3, 8, 6, 2, 2, 2, 2, 0, 0, 0, 0 },   // 2x2 stride 2 fast path
        new[] { 2, 2, 7, 9, 2, 2, 2, 2, 0, 0, 0, 0 },   // fast path, odd sizes (last row/column unused)
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Max_and_avg_match_reference(int[] s)
    {
        int b = s[0], c = s[1];
        var g = new ConvGeometry(s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11]);
        // Values quantised to a few levels so ties occur often: the reference defines the first-max rule.
        var x = TestData.Uniform(b * g.InputSize, 21).Select(v => MathF.Round(v * 2f)).ToArray();
        int n = b * c * g.OutPlane;
        var yRef = new float[n]; var iRef = new int[n];
        var y = new float[n]; var idx = new int[n];
        Pooling.MaxForwardReference(yRef, iRef, x, b, g);
        Pooling.MaxForward(y, idx, x, b, g);
        Assert.Equal(yRef, y);
        Assert.Equal(iRef, idx);

        var dy = TestData.Uniform(n, 22);
        var dx = TestData.Uniform(b * g.InputSize, 23); // overwritten
        Pooling.MaxBackward(dx, dy, idx, b, g);
        var dxRef = new float[b * g.InputSize];
        Pooling.MaxBackwardReference(dxRef, dy, iRef, b, g);
        TestData.AssertClose(dxRef, dx, Rel, Abs, "max pool dInput");

        Pooling.AvgForwardReference(yRef, x, b, g);
        Pooling.AvgForward(y, x, b, g);
        TestData.AssertClose(yRef, y, Rel, Abs, "avg pool forward");
        Pooling.AvgBackwardReference(dxRef, dy, b, g);
        Pooling.AvgBackward(dx, dy, b, g);
        TestData.AssertClose(dxRef, dx, Rel, Abs, "avg pool dInput");

        // Split over the batch: any thread count gives the same bits.
        var y3 = new float[n]; var idx3 = new int[n]; var dx3 = new float[b * g.InputSize];
        Pooling.AvgForward(y3, x, b, g, threads: 3);
        TestData.AssertBitIdentical(y, y3, "avg forward threads 1 vs 3");
        Pooling.AvgBackward(dx3, dy, b, g, threads: 3);
        TestData.AssertBitIdentical(dx, dx3, "avg backward threads 1 vs 3");
        Pooling.MaxForward(y3, idx3, x, b, g, threads: 3);
        Assert.Equal(idx, idx3);
        Pooling.MaxBackward(dx3, dy, idx3, b, g, threads: 3);
        Pooling.MaxBackward(dx, dy, idx, b, g);
        TestData.AssertBitIdentical(dx, dx3, "max backward threads 1 vs 3");
    }

    [Fact]
    public void Max_pool_ties_go_to_the_first_element_in_row_major_order()
    {
        // Trap: a 2x2 window of equal values. PyTorch (and we) pick index 0 of the window, so the whole
        // gradient lands on the top-left element, none on the others.
        var g = new ConvGeometry(1, 2, 4, 2, 2, 2, 2, 0, 0, 0, 0);
        float[] x = [3, 3, 1, 5, 3, 3, 5, 5];
        var y = new float[2]; var idx = new int[2];
        Pooling.MaxForward(y, idx, x, 1, g);
        Assert.Equal([3f, 5f], y);
        Assert.Equal([0, 3], idx);
        var dx = new float[8];
        Pooling.MaxBackward(dx, [1f, 2f], idx, 1, g);
        Assert.Equal([1f, 0, 0, 2f, 0, 0, 0, 0], dx);
    }

    [Fact]
    public void Max_pool_2x2_fast_path_keeps_the_nan_and_first_max_rules()
    {
        // The unrolled 2x2 path must pick what the general loop picks: a NaN (the last one) beats numbers,
        // equal maxima keep the first index.
        var fast = new ConvGeometry(1, 2, 8, 2, 2, 2, 2, 0, 0, 0, 0);
        float[] x = [1, float.NaN, 2, 2, -1, -1, float.NaN, 0, 5, 3, 2, 1, -1, -1, 1, float.NaN];
        var y = new float[4]; var idx = new int[4];
        Pooling.MaxForward(y, idx, x, 1, fast);
        Assert.Equal([1, 2, 4, 15], idx);
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[3]));
        Assert.Equal(2f, y[1]);
        Assert.Equal(-1f, y[2]);
    }

    [Fact]
    public void Avg_pool_does_not_count_padding()
    {
        // 3x3 input, 2x2 window, stride 2, TF same pads (0 top/left, 1 bottom/right).
        var g = new ConvGeometry(1, 3, 3, 2, 2, 2, 2, 0, 0, 1, 1);
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var y = new float[4];
        Pooling.AvgForward(y, x, 1, g);
        // windows: {1,2,4,5}/4, {3,6}/2, {7,8}/2, {9}/1
        Assert.Equal([3f, 4.5f, 7.5f, 9f], y);
        var dx = new float[9];
        Pooling.AvgBackward(dx, [4f, 2f, 2f, 1f], 1, g);
        Assert.Equal([1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f], dx);
    }

    [Fact]
    public void Padding_as_large_as_the_window_is_rejected()
    {
        var g = new ConvGeometry(1, 3, 3, 2, 2, 1, 1, 2, 0, 0, 0);
        Assert.Throws<ArgumentException>(() => Pooling.AvgForward(new float[16], new float[9], 1, g));
    }
}
