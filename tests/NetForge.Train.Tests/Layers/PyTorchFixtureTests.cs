using System.Text.Json;
using NetForge.Spec.Graph;
using NetForge.Train.Tests.Kernels;

namespace NetForge.Train.Tests.Layers;

/// <summary>
/// Compares one training step with PyTorch (float64) on fixed weights and a fixed raw batch: logits,
/// probabilities, loss, dInput, every parameter gradient, batchnorm running statistics after the step
/// and eval-mode logits. Fixtures: Fixtures/layers/*.json, made by tools/fixtures/layers.py.
/// </summary>
public class PyTorchFixtureTests
{
    /// <summary>Relative tolerance against the float64 reference (the engine runs in float32).</summary>
    private const double Rel = 1e-5;
    /// <summary>Absolute floor for values near zero, relative to the tensor's largest magnitude (float32 cancellation).</summary>
    private const double AbsFloorOfMax = 1e-5;

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    [InlineData("cnn_stride")]
    [InlineData("cnn_gap")]
    public void One_training_step_matches_pytorch(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixturePath(name)));
        var root = doc.RootElement;
        var graph = BuildGraph(root, name);
        int batch = root.GetProperty("batch").GetInt32();
        foreach (int threads in new[] { 1, 2 })
        {
            var net = new Network(graph, batch, threads) { ComputeInputGradient = true };
            foreach (var p in root.GetProperty("params").EnumerateObject())
                Floats(p.Value).CopyTo(net.Parameters.Value(p.Name));
            var input = Floats(root.GetProperty("input"));
            var labels = root.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray();

            net.Parameters.ZeroGrad();
            var result = net.TrainStep(input, labels, batch, dropoutKey: 0);
            Assert.Equal(root.GetProperty("loss").GetDouble(), result.Loss, 1e-5);
            Check(root.GetProperty("logits"), net.Logits, $"{name} logits");
            Check(root.GetProperty("probabilities"), net.LayerOutput(graph.Layers.Count - 1), $"{name} probabilities");
            var dInput = new float[input.Length];
            net.CopyInputGradient(dInput);
            Check(root.GetProperty("d_input"), dInput, $"{name} dInput");
            foreach (var g in root.GetProperty("grads").EnumerateObject())
                Check(g.Value, net.Parameters.Grad(g.Name), $"{name} grad {g.Name}");
            foreach (var m in root.GetProperty("moving_after").EnumerateObject())
                Check(m.Value, net.Parameters.Value(m.Name), $"{name} {m.Name} after the step");

            var logits = new float[batch * net.NumClasses];
            var probs = new float[logits.Length];
            net.Predict(input, batch, logits, probs);
            Check(root.GetProperty("eval_logits"), logits, $"{name} eval logits");
        }
    }

    private static void Check(JsonElement expected, ReadOnlySpan<float> actual, string what)
    {
        var e = expected.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        double max = e.Length == 0 ? 0 : e.Max(Math.Abs);
        Assert.Equal(e.Length, actual.Length);
        TestData.AssertClose(e, actual, Rel, AbsFloorOfMax * max + 1e-7, what);
    }

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();

    private static ModelGraph BuildGraph(JsonElement root, string name)
    {
        var shape = root.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var b = new GraphBuilder(root.GetProperty("scale").GetDouble(), shape);
        foreach (var l in root.GetProperty("layers").EnumerateArray())
        {
            int[] Pair(string key) => l.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Padding Pad() => l.GetProperty("padding").GetString() == "same" ? Padding.Same : Padding.Valid;
            Activation Act() => Enum.Parse<Activation>(l.GetProperty("activation").GetString()!, ignoreCase: true);
            switch (l.GetProperty("type").GetString())
            {
                case "dense": b.Dense(l.GetProperty("units").GetInt32(), Act()); break;
                case "conv2d":
                    {
                        int[] k = Pair("kernel"), s = Pair("stride");
                        b.Conv(l.GetProperty("filters").GetInt32(), k[0], k[1], s[0], s[1], Pad(), Act());
                        break;
                    }
                case "maxpool2d" or "avgpool2d":
                    {
                        int[] k = Pair("kernel"), s = Pair("stride");
                        var kind = l.GetProperty("type").GetString() == "maxpool2d" ? PoolKind.Max : PoolKind.Average;
                        b.Pool(kind, k[0], k[1], s[0], s[1], Pad());
                        break;
                    }
                case "flatten": b.Flatten(); break;
                case "globalavgpool2d": b.GlobalAvgPool(); break;
                case "activation": b.Act(Act()); break;
                case "batchnorm": b.BatchNorm(l.GetProperty("momentum").GetDouble(), l.GetProperty("epsilon").GetDouble()); break;
                default: throw new InvalidOperationException($"fixture layer type {l.GetProperty("type")}");
            }
        }
        var graph = b.Build(name);
        // The builder resolves pads itself; they must be the ones PyTorch used.
        var pads = root.GetProperty("layers").EnumerateArray().ToArray();
        for (int i = 0; i < graph.Layers.Count; i++)
        {
            if (!pads[i].TryGetProperty("pads", out var p)) continue;
            int[] expected = p.EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int[] actual = graph.Layers[i] switch
            {
                Conv2DNode c => [c.PadTop, c.PadLeft, c.PadBottom, c.PadRight],
                Pool2DNode q => [q.PadTop, q.PadLeft, q.PadBottom, q.PadRight],
                _ => [],
            };
            Assert.Equal(expected, actual);
        }
        return graph;
    }

    /// <summary>Fixtures are read from the source tree: walk up from the test binaries to the folder holding NetForge.sln.</summary>
    internal static string FixturePath(string name) => NetForge.Tests.Shared.RepoRoot.Combine("tests", "NetForge.Train.Tests", "Fixtures", "layers", name + ".json");
}
