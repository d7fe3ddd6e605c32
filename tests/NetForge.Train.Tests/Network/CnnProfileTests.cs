using System.Diagnostics;
using NetForge.Spec;
using NetForge.Train.Tests.Training;
using Xunit.Abstractions;

namespace NetForge.Train.Tests.Networks;

/// <summary>
/// Per-layer Forward/Backward timings of the CNN specs inside a TrainStep-shaped loop (docs/performance-cnn.md).
/// A measurement, not a check: runs only with NETFORGE_PROFILE=1 (otherwise it returns at once).
/// </summary>
public class CnnProfileTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("cnn.yaml", 200)]
    [InlineData("cnn_keras.yaml", 128)]
    public void PerLayerTimes(string spec, int batch)
    {
        if (Environment.GetEnvironmentVariable("NETFORGE_PROFILE") != "1") return;
        int threads = int.TryParse(Environment.GetEnvironmentVariable("NETFORGE_PROFILE_THREADS"), out int t) ? t : 2;
        var graph = SpecCompiler.Load(Path.Combine(RepoPaths.Root, "specs", spec));
        var net = new NetForge.Engine.Network(graph, batch, threads);
        net.Parameters.Initialize(7);
        var rng = new System.Random(1);
        var x = new float[batch * net.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(4) == 0 ? rng.Next(256) : 0;
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.Next(10);
        var layers = net.Layers;
        int n = layers.Count;
        var fwd = new double[n];
        var bwd = new double[n];
        const int Steps = 12, Warm = 2;
        var total = Stopwatch.StartNew();
        for (int s = 0; s < Steps; s++)
        {
            if (s == Warm) total.Restart();
            net.Profile = (layer, backward, ticks) => { if (s >= Warm) (backward ? bwd : fwd)[layer] += ticks; };
            net.TrainStep(x, labels, batch, (ulong)s);
        }
        double steps = Steps - Warm, ms = 1000.0 / Stopwatch.Frequency;
        output.WriteLine($"{spec} batch {batch} threads {threads}: {total.Elapsed.TotalMilliseconds / steps:F1} ms/step, {batch * steps / total.Elapsed.TotalSeconds:F0} samples/s");
        for (int i = 0; i < n; i++)
            output.WriteLine($"  {i,2} {layers[i].Node.Type,-10} fwd {fwd[i] * ms / steps,7:F2} ms  bwd {bwd[i] * ms / steps,7:F2} ms");
        net.Profile = null;
    }
}

/// <summary>Throwaway kernel split timings (NETFORGE_PROFILE=1 only).</summary>
public class ConvSplitProfileTests(ITestOutputHelper output)
{
    [Fact]
    public void Split()
    {
        if (Environment.GetEnvironmentVariable("NETFORGE_PROFILE") != "1") return;
        var g = new NetForge.Engine.Kernels.ConvGeometry(16, 14, 14, 5, 5, 1, 1, 2, 2, 2, 2);
        int B = 200, F = 36, threads = 1;
        var x = new float[B * g.InputSize]; var y = new float[B * F * g.OutPlane]; var w = new float[F * g.ColRows];
        var rng = new System.Random(1);
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        for (int i = 0; i < y.Length; i++) y[i] = (float)rng.NextDouble();
        for (int i = 0; i < w.Length; i++) w[i] = (float)rng.NextDouble();
        var col = new float[NetForge.Engine.Kernels.Conv2DKernels.WorkspaceSize(g, B, 2) * 16];
        var part = new float[NetForge.Engine.Kernels.Conv2DKernels.PartialsSize(F, g, B)];
        var dw = new float[w.Length]; var db = new float[F]; var dx = new float[x.Length];
        void T(string name, Action a) { a(); var sw = Stopwatch.StartNew(); for (int i = 0; i < 3; i++) a(); output.WriteLine($"{name}: {sw.Elapsed.TotalMilliseconds / 3:F2} ms"); }
        T("fwd", () => NetForge.Engine.Kernels.Conv2DKernels.Forward(y, x, w, default, B, F, g, NetForge.Spec.Graph.Activation.Relu, col, threads));
        T("fwd linear", () => NetForge.Engine.Kernels.Conv2DKernels.Forward(y, x, w, default, B, F, g, NetForge.Spec.Graph.Activation.Linear, col, threads));
        T("fwd", () => NetForge.Engine.Kernels.Conv2DKernels.Forward(y, x, w, default, B, F, g, NetForge.Spec.Graph.Activation.Relu, col, threads));
        T("relu", () => NetForge.Engine.Kernels.Activations.Forward(y, y, NetForge.Spec.Graph.Activation.Relu, 1, y.Length));
        T("bwdW", () => NetForge.Engine.Kernels.Conv2DKernels.BackwardWeight(dw, db, y, x, B, F, g, col, part, threads));
        T("bwdX", () => NetForge.Engine.Kernels.Conv2DKernels.BackwardInput(dx, y, w, B, F, g, col, threads));
        T("im2col", () => { for (int b = 0; b < B; b++) NetForge.Engine.Kernels.Conv2DKernels.Im2Col(col, x.AsSpan(b * g.InputSize, g.InputSize), g); });
        T("col2im", () => { for (int b = 0; b < B; b++) NetForge.Engine.Kernels.Conv2DKernels.Col2Im(dx.AsSpan(b * g.InputSize, g.InputSize), col, g); });
        int P = g.OutPlane, R = g.ColRows;
        T("gemm fwd per-sample", () => { for (int b = 0; b < B; b++) NetForge.Engine.Kernels.Gemm.Multiply(y.AsSpan(b * F * P), w, col, F, P, R, false, false, false, 1); });
        T("gemm fwd 8-sample", () => { for (int b = 0; b < B; b += 8) NetForge.Engine.Kernels.Gemm.Multiply(y.AsSpan(b * F * P), w, col, F, P * 8, R, false, false, false, 1); });
        T("gemm dW per-sample", () => { for (int b = 0; b < B; b++) NetForge.Engine.Kernels.Gemm.Multiply(dw, y.AsSpan(b * F * P), col, F, R, P, false, true, true, 1); });
        T("gemm dW 8-sample", () => { for (int b = 0; b < B; b += 8) NetForge.Engine.Kernels.Gemm.Multiply(dw, y.AsSpan(b * F * P), col, F, R, P * 8, false, true, true, 1); });
        T("gemm dX per-sample", () => { for (int b = 0; b < B; b++) NetForge.Engine.Kernels.Gemm.Multiply(col, w, y.AsSpan(b * F * P), R, P, F, true, false, false, 1); });
        T("gemm dX 8-sample", () => { for (int b = 0; b < B; b += 8) NetForge.Engine.Kernels.Gemm.Multiply(col, w, y.AsSpan(b * F * P), R, P * 8, F, true, false, false, 1); });
    }
}
