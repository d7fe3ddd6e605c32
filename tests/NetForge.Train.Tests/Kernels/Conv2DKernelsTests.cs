using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

public class Conv2DKernelsTests
{
    /// <summary>float32 GEMM/im2col vs the double-accumulating reference: a few ulps per reduction of ≤ 300 terms.</summary>
    private const double Rel = 1e-5, Abs = 1e-5;

    // B, C, H, W, F, kh, kw, sh, sw, pt, pl, pb, pr
    public static TheoryData<int[]> Shapes => new()
    {
        new[] { 1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 0, 0 },       // valid 3x3
        new[] { 2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1 },       // same, symmetric
        new[] { 3, 2, 9, 8, 5, 3, 3, 2, 2, 1, 0, 1, 1 },       // stride 2, TF same (extra bottom/right)
        new[] { 2, 1, 6, 7, 3, 2, 3, 1, 2, 0, 1, 1, 1 },       // rectangular kernel, mixed strides
        new[] { 1, 4, 5, 5, 2, 1, 1, 1, 1, 0, 0, 0, 0 },       // 1x1
        new[] { 2, 2, 4, 9, 3, 5, 2, 3, 1, 2, 0, 2, 1 },       // tall kernel, stride 3
        new[] { 5, 3, 11, 13, 7, 3, 3, 2, 2, 0, 0, 0, 0 },     // odd everything
        new[] { 19, 2, 6, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1 },  // batch > WeightGradientGroups, uneven groups
        new[] { 11, 1, 8, 7, 16, 3, 3, 1, 1, 1, 1, 1, 1 }, // first-layer shape: dWᵀ partials (C·kh·kw = 9 < F = 16)
        new[] { 1, 1, 3, 3, 2, 3, 3, 1, 1, 2, 2, 2, 2 },       // pads larger than needed (windows mostly padding)
        new[] { 3, 3, 8, 7, 4, 5, 5, 1, 1, 2, 2, 2, 2 },       // 5x5 same: shifted-plane im2col/col2im fast path
        new[] { 2, 2, 6, 6, 3, 3, 3, 1, 1, 0, 1, 2, 1 },       // asymmetric pads with OutW = W: fast path, uneven borders
        new[] { 7, 2, 28, 28, 4, 3, 3, 1, 1, 1, 1, 1, 1 },     // 784-column planes: im2col groups of 2 (2, 2, 2, 1)
        new[] { 6, 2, 20, 30, 5, 3, 3, 1, 1, 0, 0, 0, 0 },     // valid, 504 columns: groups 4, 2 (strided col rows, general path)
        new[] { 3, 1, 48, 48, 3, 3, 3, 1, 1, 1, 1, 1, 1 },     // plane > target width: one sample per group
    };

    private static ConvGeometry G(int c, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr) =>
        new(c, h, w, kh, kw, sh, sw, pt, pl, pb, pr);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_reference_for_every_activation_and_thread_count(int[] s)
    {
        var (b, c, h, w, f, g) = (s[0], s[1], s[2], s[3], s[4], G(s[1], s[2], s[3], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12]));
        _ = h; _ = w;
        var x = TestData.Uniform(b * g.InputSize, 1);
        var wt = TestData.Uniform(f * g.ColRows, 2);
        var bias = TestData.Uniform(f, 3);
        int outN = b * f * g.OutPlane;
        foreach (var act in new[] { Activation.Linear, Activation.Relu, Activation.Sigmoid, Activation.Tanh })
        {
            var expected = new float[outN];
            Conv2DKernels.ForwardReference(expected, x, wt, bias, b, f, g, act);
            float[]? first = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var actual = new float[outN];
                var col = new float[Conv2DKernels.WorkspaceSize(g, b, threads)];
                Conv2DKernels.Forward(actual, x, wt, bias, b, f, g, act, col, threads);
                TestData.AssertClose(expected, actual, Rel, Abs, $"conv forward {act} threads {threads}");
                if (first is null) first = actual;
                else TestData.AssertBitIdentical(first, actual, $"conv forward threads 1 vs {threads}");
            }
        }
        // No bias: empty span.
        var noBiasExpected = new float[outN];
        var noBias = new float[outN];
        Conv2DKernels.ForwardReference(noBiasExpected, x, wt, default, b, f, g, Activation.Linear);
        Conv2DKernels.Forward(noBias, x, wt, default, b, f, g, Activation.Linear, new float[Conv2DKernels.WorkspaceSize(g, b, 1)], 1);
        TestData.AssertClose(noBiasExpected, noBias, Rel, Abs, "conv forward without bias");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_matches_reference_and_is_thread_count_independent(int[] s)
    {
        var (b, c, h, w, f, g) = (s[0], s[1], s[2], s[3], s[4], G(s[1], s[2], s[3], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12]));
        _ = h; _ = w;
        var x = TestData.Uniform(b * g.InputSize, 4);
        var wt = TestData.Uniform(f * g.ColRows, 5);
        var dy = TestData.Uniform(b * f * g.OutPlane, 6);
        var dxRef = new float[b * g.InputSize];
        Conv2DKernels.BackwardInputReference(dxRef, dy, wt, b, f, g);
        var dwRef = TestData.Uniform(f * g.ColRows, 7); // accumulates into existing values
        var dbRef = TestData.Uniform(f, 8);
        var dw0 = (float[])dwRef.Clone();
        var db0 = (float[])dbRef.Clone();
        Conv2DKernels.BackwardWeightReference(dwRef, dbRef, dy, x, b, f, g);
        float[]? firstDx = null, firstDw = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var col = new float[Conv2DKernels.WorkspaceSize(g, b, threads)];
            var dx = TestData.Uniform(b * g.InputSize, 9); // overwritten
            Conv2DKernels.BackwardInput(dx, dy, wt, b, f, g, col, threads);
            var dw = (float[])dw0.Clone();
            var db = (float[])db0.Clone();
            Conv2DKernels.BackwardWeight(dw, db, dy, x, b, f, g, col, new float[Conv2DKernels.PartialsSize(f, g, b)], threads);
            TestData.AssertClose(dxRef, dx, Rel, Abs, "conv dInput");
            TestData.AssertClose(dwRef, dw, Rel, Abs * 10, "conv dWeight");
            TestData.AssertClose(dbRef, db, Rel, Abs * 10, "conv dBias");
            if (firstDx is null) { firstDx = dx; firstDw = dw; }
            else
            {
                TestData.AssertBitIdentical(firstDx, dx, $"conv dInput threads 1 vs {threads}");
                TestData.AssertBitIdentical(firstDw!, dw, $"conv dWeight threads 1 vs {threads}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Col2Im_is_the_adjoint_of_Im2Col(int[] s)
    {
        // <im2col(x), y> = <x, col2im(y)> for every x, y: the defining property of the backward scatter.
        var g = G(s[1], s[2], s[3], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12]);
        var x = TestData.Uniform(g.InputSize, 10);
        var y = TestData.Uniform(g.ColRows * g.OutPlane, 11);
        var col = new float[y.Length];
        var back = new float[x.Length];
        Conv2DKernels.Im2Col(col, x, g);
        Conv2DKernels.Col2Im(back, y, g);
        double lhs = 0, rhs = 0;
        for (int i = 0; i < y.Length; i++) lhs += (double)col[i] * y[i];
        for (int i = 0; i < x.Length; i++) rhs += (double)x[i] * back[i];
        Assert.Equal(lhs, rhs, 1e-4);
    }

    [Fact]
    public void Hand_checked_3x3_same_convolution()
    {
        // x = 1..9 in a 3x3 plane, weight all ones, pads 1: each output is the sum of its 3x3 neighbourhood.
        var g = G(1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var wt = Enumerable.Repeat(1f, 9).ToArray();
        var y = new float[9];
        Conv2DKernels.Forward(y, x, wt, [0.5f], 1, 1, g, Activation.Linear, new float[81], 1);
        Assert.Equal([12.5f, 21.5f, 16.5f, 27.5f, 45.5f, 33.5f, 24.5f, 39.5f, 28.5f], y);
    }

    [Fact]
    public void Too_small_buffers_throw_naming_the_parameter()
    {
        var g = G(1, 4, 4, 3, 3, 1, 1, 0, 0, 0, 0);
        var ex = Assert.Throws<ArgumentException>(() => Conv2DKernels.Forward(new float[3], new float[16], new float[9], default, 1, 1, g, Activation.Linear, new float[36], 1));
        Assert.Equal("output", ex.ParamName);
        ex = Assert.Throws<ArgumentException>(() => Conv2DKernels.Forward(new float[4], new float[16], new float[9], default, 1, 1, g, Activation.Linear, new float[35], 1));
        Assert.Equal("col", ex.ParamName);
        Assert.Throws<NotSupportedException>(() => Conv2DKernels.Forward(new float[4], new float[16], new float[9], default, 1, 1, g, Activation.Softmax, new float[36], 1));
    }

    [Fact]
    public void Group_size_depends_on_shapes_and_batch_only_and_sizes_the_workspace()
    {
        var g = G(16, 14, 14, 5, 5, 1, 1, 2, 2, 2, 2); // cnn.yaml's second conv: 400 col rows, 196 columns per sample
        int group = Conv2DKernels.GroupSize(g, 200);
        Assert.InRange(group, 2, 200);
        Assert.True(group * g.OutPlane <= 2048, $"group {group} is wider than the target");
        Assert.True((long)g.ColRows * group * g.OutPlane <= 1 << 20, "col workspace over 4 MB");
        Assert.Equal(3, Conv2DKernels.GroupSize(g, 3));   // never more than the batch
        Assert.Equal(1, Conv2DKernels.GroupSize(G(1, 80, 80, 3, 3, 1, 1, 1, 1, 1, 1), 50)); // a plane wider than the target
        int groups = (200 + group - 1) / group;
        foreach (int threads in new[] { 1, 2, 3, 8 }) // one col slot per worker chunk of groups
            Assert.Equal(Math.Min(threads, groups) * g.ColRows * group * g.OutPlane, Conv2DKernels.WorkspaceSize(g, 200, threads));
        Assert.Equal(2 * (g.ColRows + 36) * group * g.OutPlane, Conv2DKernels.WorkspaceSize(g, 36, 200, 2));
        Assert.Equal(g.ColRows * 3 * g.OutPlane, Conv2DKernels.WorkspaceSize(g, 3, 8)); // batch 3: one group, one slot
    }

    [Fact]
    public void Workspace_with_staging_gives_the_same_bits_as_the_col_only_workspace()
    {
        // The 4-argument WorkspaceSize stages the [F, G·HW] GEMM output in the workspace tail; the 3-argument one
        // uses a per-thread buffer. Same arithmetic either way; several groups and an uneven last group.
        var g = G(3, 20, 20, 3, 3, 1, 1, 1, 1, 1, 1);
        int b = 13, f = 6, threads = 2;
        Assert.True(Conv2DKernels.GroupSize(g, b) < b);
        var x = TestData.Uniform(b * g.InputSize, 21);
        var wt = TestData.Uniform(f * g.ColRows, 22);
        var bias = TestData.Uniform(f, 23);
        var dy = TestData.Uniform(b * f * g.OutPlane, 24);
        float[][] Run(float[] col)
        {
            var y = new float[b * f * g.OutPlane];
            Conv2DKernels.Forward(y, x, wt, bias, b, f, g, Activation.Relu, col, threads);
            var dx = new float[b * g.InputSize];
            Conv2DKernels.BackwardInput(dx, dy, wt, b, f, g, col, threads);
            var dw = new float[f * g.ColRows];
            var db = new float[f];
            Conv2DKernels.BackwardWeight(dw, db, dy, x, b, f, g, col, new float[Conv2DKernels.PartialsSize(f, g, b)], threads);
            return [y, dx, dw, db];
        }
        var small = Run(new float[Conv2DKernels.WorkspaceSize(g, b, threads)]);
        var staged = Run(new float[Conv2DKernels.WorkspaceSize(g, f, b, threads)]);
        for (int i = 0; i < small.Length; i++) TestData.AssertBitIdentical(small[i], staged[i], $"result {i}");
        var expected = new float[b * f * g.OutPlane];
        Conv2DKernels.ForwardReference(expected, x, wt, bias, b, f, g, Activation.Relu);
        TestData.AssertClose(expected, staged[0], Rel, Abs, "grouped forward vs reference");
    }
}

