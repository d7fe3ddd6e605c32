using System.Diagnostics;
using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;
using Xunit.Abstractions;

namespace NetForge.Train.Tests.Kernels;

/// <summary>
/// cnn's two convolutions (batch 200): forward and fused backward with the masked im2col on and off, interleaved,
/// best of 7 (docs/performance-cnn.md). A measurement, not a check: runs only with NETFORGE_PROFILE=1.
/// </summary>
public class ConvIm2ColProfileTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 28, 16)]
    [InlineData(16, 14, 36)]
    public void MaskedIm2Col_on_and_off(int channels, int size, int filters)
    {
        if (Environment.GetEnvironmentVariable("NETFORGE_PROFILE") != "1") return;
        int threads = int.TryParse(Environment.GetEnvironmentVariable("NETFORGE_PROFILE_THREADS"), out int t) ? t : 1;
        var g = new ConvGeometry(channels, size, size, 5, 5, 1, 1, 2, 2, 2, 2);
        const int B = 200;
        var rng = new System.Random(1);
        var x = new float[B * g.InputSize]; var y = new float[B * filters * g.OutPlane]; var dy = new float[y.Length]; var w = new float[filters * g.ColRows];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        for (int i = 0; i < dy.Length; i++) dy[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextDouble() - 0.5f;
        var col = new float[Conv2DKernels.WorkspaceSize(g, filters, B, threads)];
        var part = new float[Conv2DKernels.PartialsSize(filters, g, B)];
        var dw = new float[w.Length]; var db = new float[filters]; var dx = new float[x.Length];
        var best = new double[4];
        Array.Fill(best, double.MaxValue);
        for (int round = 0; round < 7; round++)
            foreach (bool on in new[] { false, true })
            {
                Conv2DKernels.MaskedIm2Col = on;
                Conv2DKernels.Forward(y, x, w, default, B, filters, g, Activation.Relu, col, threads);
                var sw = Stopwatch.StartNew();
                Conv2DKernels.Forward(y, x, w, default, B, filters, g, Activation.Relu, col, threads);
                double f = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                Conv2DKernels.BackwardFused(dx, dw, db, dy, y, x, w, B, filters, g, Activation.Relu, channels > 1, col, part, threads);
                double b = sw.Elapsed.TotalMilliseconds;
                int k = on ? 2 : 0;
                best[k] = Math.Min(best[k], f);
                best[k + 1] = Math.Min(best[k + 1], b);
            }
        Conv2DKernels.MaskedIm2Col = true;
        output.WriteLine($"conv {channels}->{filters} at {size}x{size}, threads {threads}: general im2col fwd {best[0]:F2} bwd {best[1]:F2} ms; masked fwd {best[2]:F2} bwd {best[3]:F2} ms");
    }
}
