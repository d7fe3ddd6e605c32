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
        var net = new NetForge.Train.Network(graph, batch, threads);
        NetForge.Train.Initializers.Initializers.Apply(net.Parameters, 7);
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
