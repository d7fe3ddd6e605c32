using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

/// <summary>
/// The masked AVX-512 im2col and col2im of shifted-plane ("same" width, stride 1) convolutions must give the bits of
/// the general ones: forward outputs and all fused-backward gradients compared bit for bit, on 1 and 2 threads.
/// </summary>
public class Conv2DMaskedIm2ColTests
{
    // C, H, W, kh, kw, pt, pl, pb, pr (stride 1, OutW = W)
    [Theory]
    [InlineData(16, 14, 14, 5, 5, 2, 2, 2, 2)]  // cnn conv2
    [InlineData(1, 28, 28, 5, 5, 2, 2, 2, 2)]   // cnn conv1: plane 784, general path only (masks for planes ≤ 256)
    [InlineData(1, 14, 14, 5, 5, 2, 2, 2, 2)]   // one channel: loads before the array start fall back to scalar
    [InlineData(3, 6, 7, 3, 3, 1, 1, 1, 1)]     // plane 42: overlapping last vector
    [InlineData(2, 5, 4, 3, 3, 0, 1, 2, 1)]     // asymmetric pads, plane 20
    [InlineData(2, 4, 4, 1, 5, 0, 2, 0, 2)]     // 1x5 kernel, plane 16
    [InlineData(2, 3, 5, 3, 3, 1, 1, 1, 1)]     // plane 15: general path only
    public void Masked_im2col_gives_the_general_paths_bits(int c, int h, int w, int kh, int kw, int pt, int pl, int pb, int pr)
    {
        var g = new ConvGeometry(c, h, w, kh, kw, 1, 1, pt, pl, pb, pr);
        Assert.Equal(w, g.OutW);
        const int batch = 7, filters = 6;
        var rng = new System.Random(c * 1000 + h * 10 + w);
        float R() => rng.Next(5) == 0 ? 0f : (float)(rng.NextDouble() * 2 - 1);
        var x = new float[batch * g.InputSize];
        var wt = new float[filters * g.ColRows];
        var bias = new float[filters];
        var dy = new float[batch * filters * g.OutPlane];
        for (int i = 0; i < x.Length; i++) x[i] = R();
        for (int i = 0; i < wt.Length; i++) wt[i] = R();
        for (int i = 0; i < bias.Length; i++) bias[i] = R();
        for (int i = 0; i < dy.Length; i++) dy[i] = R();
        foreach (int threads in new[] { 1, 2 })
        {
            float[][] general = Run(false), masked = Run(true);
            for (int k = 0; k < general.Length; k++) TestData.AssertBitIdentical(general[k], masked[k], $"output {k}, threads {threads}");

            float[][] Run(bool useMasked)
            {
                Conv2DKernels.MaskedIm2Col = useMasked;
                try
                {
                    var col = new float[Conv2DKernels.WorkspaceSize(g, filters, batch, threads)];
                    var part = new float[Conv2DKernels.PartialsSize(filters, g, batch)];
                    var y = new float[dy.Length];
                    Conv2DKernels.Forward(y, x, wt, bias, batch, filters, g, Activation.Relu, col, threads);
                    var dx = new float[x.Length];
                    var dw = new float[wt.Length];
                    var db = new float[filters];
                    Conv2DKernels.BackwardFused(dx, dw, db, dy, y, x, wt, batch, filters, g, Activation.Relu, true, col, part, threads);
                    return [y, dx, dw, db];
                }
                finally { Conv2DKernels.MaskedIm2Col = true; }
            }
        }
    }
}
