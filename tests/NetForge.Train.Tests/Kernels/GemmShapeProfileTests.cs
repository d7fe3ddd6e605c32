using System.Diagnostics;
using NetForge.Engine.Kernels;
using Xunit.Abstractions;

namespace NetForge.Train.Tests.Kernels;

/// <summary>
/// Spec GEMM shapes timed with B panels read in place and packed, interleaved, best of several runs
/// (docs/performance.md). A measurement, not a check: runs only with NETFORGE_PROFILE=1.
/// </summary>
public class GemmShapeProfileTests(ITestOutputHelper output)
{
    [Fact]
    public void DirectB_vs_packed_panels()
    {
        if (Environment.GetEnvironmentVariable("NETFORGE_PROFILE") != "1") return;
        int threads = int.TryParse(Environment.GetEnvironmentVariable("NETFORGE_PROFILE_THREADS"), out int t) ? t : 1;
        (string Name, int M, int N, int K, bool TA, bool TB)[] shapes =
        [
            ("cnn conv2 fwd group", 36, 1960, 400, false, false),
            ("cnn conv2 dW group", 36, 400, 1960, false, true),
            ("cnn conv2 dX group", 400, 1960, 36, true, false),
            ("cnn conv2 dW as NN", 36, 400, 1960, false, false),
            ("cnn conv2 dWT NT", 400, 36, 1960, false, true),
            ("cnn conv1 dW group", 16, 25, 1568, false, true),
            ("mlp head fwd", 128, 10, 512, false, true),
            ("mlp head dW", 10, 512, 128, true, false),
            ("cnn conv1 fwd group", 16, 1568, 25, false, false),
            ("mlp fwd", 128, 512, 784, false, true),
            ("mlp dX", 128, 784, 512, false, false),
            ("mlp dW", 512, 784, 128, true, false),
            ("mlp h fwd", 128, 512, 512, false, true),
            ("cnn dense fwd", 200, 128, 1764, false, true),
            ("cnn dense dX", 200, 1764, 128, false, false),
            ("cnn dense dW", 128, 1764, 200, true, false),
        ];
        var rng = new System.Random(1);
        foreach (var (name, m, n, k, ta, tb) in shapes)
        {
            var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
            for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
            for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
            int reps = (int)Math.Max(1, 200_000_000L / ((long)m * n * k));
            double best0 = double.MaxValue, best1 = double.MaxValue;
            for (int round = 0; round < 7; round++)
                foreach (bool on in new[] { false, true })
                {
                    Gemm.DirectB = on;
                    Gemm.Multiply(c, a, b, m, n, k, ta, tb, false, threads);
                    var sw = Stopwatch.StartNew();
                    for (int r = 0; r < reps; r++) Gemm.Multiply(c, a, b, m, n, k, ta, tb, false, threads);
                    double us = sw.Elapsed.TotalMicroseconds / reps;
                    if (on) best1 = Math.Min(best1, us); else best0 = Math.Min(best0, us);
                }
            Gemm.DirectB = true;
            double gf(double us) => 2.0 * m * n * k / us / 1000;
            output.WriteLine($"{name,-22} {m}x{n}x{k} threads {threads}: packed {best0,8:F1} us ({gf(best0),5:F0} GFLOP/s)  direct B {best1,8:F1} us ({gf(best1),5:F0} GFLOP/s)");
        }
    }
}
