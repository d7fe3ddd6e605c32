using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

/// <summary>
/// <see cref="Conv2DKernels.BackwardFused"/> (relu' gathered per group, dW, db and dX in one pass) must give the bits
/// of the unfused sequence it replaced in the layer: activation backward, BackwardWeight, BackwardInput.
/// </summary>
public class Conv2DFusedBackwardTests
{
    // C, H, W, kh, kw, sh, sw, pt, pl, pb, pr, batch, filters
    [Theory]
    [InlineData(16, 14, 14, 5, 5, 1, 1, 2, 2, 2, 2, 23, 36)]   // cnn conv2 shape, odd batch (partial group)
    [InlineData(1, 28, 28, 3, 3, 1, 1, 0, 0, 0, 0, 9, 32)]     // cnn_keras conv1 (valid; transposed dW partials)
    [InlineData(3, 9, 8, 3, 2, 2, 3, 1, 0, 1, 1, 13, 5)]       // strides and asymmetric pads
    public void Fused_backward_matches_the_unfused_sequence_bit_for_bit(int c, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, int batch, int filters)
    {
        var g = new ConvGeometry(c, h, w, kh, kw, sh, sw, pt, pl, pb, pr);
        var rng = new System.Random(h * 100 + batch);
        float R() => rng.Next(6) == 0 ? 0f : (float)(rng.NextDouble() * 2 - 1);
        var x = new float[batch * g.InputSize];
        var wt = new float[filters * g.ColRows];
        var y = new float[batch * filters * g.OutPlane];
        var dy = new float[y.Length];
        for (int i = 0; i < x.Length; i++) x[i] = R();
        for (int i = 0; i < wt.Length; i++) wt[i] = R();
        for (int i = 0; i < y.Length; i++) { y[i] = R(); dy[i] = R(); }
        y[0] = -0f; y[1] = float.NaN; // relu' is 0 for both
        foreach (var activation in new[] { Activation.Relu, Activation.Linear })
            foreach (bool needInput in new[] { true, false })
                foreach (int threads in new[] { 1, 3 })
                {
                    var col = new float[Conv2DKernels.WorkspaceSize(g, filters, batch, threads)];
                    var part = new float[Conv2DKernels.PartialsSize(filters, g, batch)];
                    // Unfused: dZ = f'(y)·dY, then dW/db, then dX; gradients start non-zero (they accumulate).
                    var dz = (float[])dy.Clone();
                    if (activation == Activation.Relu) Activations.Backward(dz, dy, y, activation, batch, filters * g.OutPlane, threads);
                    float[] dwA = Filled(wt.Length, 0.25f), dbA = Filled(filters, -0.5f), dxA = Filled(x.Length, 9f);
                    Conv2DKernels.BackwardWeight(dwA, dbA, dz, x, batch, filters, g, col, part, threads);
                    if (needInput) Conv2DKernels.BackwardInput(dxA, dz, wt, batch, filters, g, col, threads);
                    float[] dwB = Filled(wt.Length, 0.25f), dbB = Filled(filters, -0.5f), dxB = Filled(x.Length, 9f);
                    Conv2DKernels.BackwardFused(dxB, dwB, dbB, dy, y, x, wt, batch, filters, g, activation, needInput, col, part, threads);
                    string what = $"{activation} needInput={needInput} threads={threads}";
                    TestData.AssertBitIdentical(dwA, dwB, "dW " + what);
                    TestData.AssertBitIdentical(dbA, dbB, "db " + what);
                    TestData.AssertBitIdentical(dxA, dxB, "dX " + what);
                }
    }

    private static float[] Filled(int n, float v)
    {
        var a = new float[n];
        Array.Fill(a, v);
        return a;
    }
}
