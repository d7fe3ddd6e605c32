using System.Diagnostics;
using System.Globalization;
using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Engine;
using NetForge.Train.Initializers;

namespace NetForge.Bench;

/// <summary>
/// <c>NetForge.Bench conv [--threads N] [--steps N]</c>: forward and backward time of each convolution layer (conv +
/// its activation) of the two CNN seed specs inside real training steps at the spec's batch size, through the
/// engine's per-layer profiling hook; medians over the steps after 5 warm-up steps. bench/peer/conv_layers.py measures
/// PyTorch's (oneDNN) layers the same way; compare.sh prints both side by side. One line per layer:
/// <c>conv &lt;spec&gt; &lt;in&gt;-&gt;&lt;out&gt; &lt;k&gt;x&lt;k&gt;: forward &lt;ms&gt; ms, backward &lt;ms&gt; ms</c>.
/// </summary>
internal static class ConvLayers
{
    public static int Run(string[] args)
    {
        int threads = BenchArgs.Int(args, "--threads", 2);
        int steps = BenchArgs.Int(args, "--steps", 30);
        var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)).ToList();
        if (names.Count == 0) names = ["cnn", "cnn_keras"];
        foreach (string name in names)
        {
            var graph = SpecCompiler.Load(BenchArgs.SeedSpec(name));
            int batch = graph.Train.BatchSize;
            var network = new Network(graph, batch, threads);
            network.Parameters.Initialize((ulong)graph.Train.Seed);
            var random = new Random(0);
            var x = new float[batch * network.InputSize];
            var y = new int[batch];
            for (int i = 0; i < x.Length; i++) x[i] = random.Next(256);
            for (int i = 0; i < y.Length; i++) y[i] = random.Next(network.NumClasses);

            int layers = graph.Layers.Count;
            var forward = Enumerable.Range(0, layers).Select(_ => new List<double>()).ToArray();
            var backward = Enumerable.Range(0, layers).Select(_ => new List<double>()).ToArray();
            bool record = false;
            network.Profile = (layer, isBackward, ticks) =>
            {
                if (record) (isBackward ? backward : forward)[layer].Add(ticks * 1000.0 / Stopwatch.Frequency);
            };
            for (int step = 0; step < steps + 5; step++)
            {
                record = step >= 5;
                network.Parameters.ZeroGrad();
                network.TrainStep(x, y, batch, (ulong)step);
            }

            foreach (var node in graph.Layers.OfType<Conv2DNode>())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"conv {name} {node.InputShape[0]}->{node.Filters} {node.KernelH}x{node.KernelW}: forward {Median(forward[node.Index]):F2} ms, backward {Median(backward[node.Index]):F2} ms"));
            }
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : values[values.Count / 2];
    }
}
