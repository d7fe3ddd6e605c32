using System.Text.Json;
using NetForge.Spec.Layers;
using NetForge.Tests.Shared;

namespace NetForge.Train.Tests.Layers;

/// <summary>The engine implements every layer kind of the spec language, and each has a PyTorch fixture.</summary>
public class LayerCoverageTests
{
    [Theory]
    [MemberData(nameof(LayerExamples.Kinds), MemberType = typeof(LayerExamples))]
    public void The_engine_builds_trains_and_predicts_every_kind(string type)
    {
        var graph = LayerExamples.Graph(type);
        var net = new Network(graph, maxBatch: 4, threads: 2);
        net.Parameters.Initialize(7);
        var x = Kernels.TestData.Uniform(4 * net.InputSize, 3, 0, 255);
        int[] y = [1, 4, 9, 0];
        net.Parameters.ZeroGrad();
        var r = net.TrainStep(x, y, 4, dropoutKey: 1);
        Assert.True(double.IsFinite(r.Loss));
        Assert.Contains(net.Parameters.Grads, g => g != 0);
        var logits = new float[40];
        var probs = new float[40];
        net.Predict(x, 4, logits, probs);
        Assert.All(Enumerable.Range(0, 4), b => Assert.Equal(1.0, probs.Skip(b * 10).Take(10).Sum(), 4));
    }

    [Fact]
    public void Every_kind_appears_in_a_pytorch_layer_fixture()
    {
        var dir = Path.GetDirectoryName(PyTorchFixtureTests.FixturePath("mlp"))!;
        var used = Directory.GetFiles(dir, "*.json")
            .SelectMany(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("layers").EnumerateArray())
            .Select(l => l.GetProperty("type").GetString()!)
            .ToHashSet();
        var missing = LayerKinds.Names.Where(t => !used.Contains(t) && t != "dropout").ToList();
        // dropout is the identity in the fixture's deterministic step; its masks are pinned by DropoutKernelsTests and the golden steps.
        Assert.True(missing.Count == 0, "no PyTorch fixture in tools/fixtures/layers.py uses: " + string.Join(", ", missing));
    }
}
