using NetForge.Spec.Graph;

namespace NetForge.Train.Tests.Layers;

/// <summary>
/// Declarative checks in the spirit of Keras' run_layer_test: one line per layer configuration giving the
/// input shape, the expected per-sample output size and parameter count; the engine must agree with the IR.
/// </summary>
public class LayerShapeTests
{
    private static readonly Dictionary<string, (Func<GraphBuilder, GraphBuilder> Add, int OutputSize, int Parameters)> Table = new()
    {
        // name, layer under test (appended to a [3, 9, 8] input), expected output size, expected parameter count
        ["conv same"] = (b => b.Conv(5, 3, 3, 1, 1, Padding.Same), 5 * 9 * 8, 5 * 3 * 9 + 5),
        ["conv valid stride 2"] = (b => b.Conv(4, 3, 3, 2, 2), 4 * 4 * 3, 4 * 3 * 9 + 4),
        ["conv same stride 2 no bias"] = (b => b.Conv(2, 2, 3, 2, 2, Padding.Same, useBias: false), 2 * 5 * 4, 2 * 3 * 6),
        ["maxpool 2x2"] = (b => b.Pool(PoolKind.Max, 2, 2, 2, 2), 3 * 4 * 4, 0),
        ["avgpool 3x3 same stride 2"] = (b => b.Pool(PoolKind.Average, 3, 3, 2, 2, Padding.Same), 3 * 5 * 4, 0),
        ["batchnorm"] = (b => b.BatchNorm(), 3 * 9 * 8, 4 * 3),
        ["batchnorm without gamma/beta"] = (b => b.BatchNorm(center: false, scale: false), 3 * 9 * 8, 2 * 3),
        ["flatten"] = (b => b.Flatten(), 216, 0),
        ["dropout"] = (b => b.Dropout(0.3), 216, 0),
        ["activation"] = (b => b.Act(Activation.Tanh), 216, 0),
        ["flatten + dense"] = (b => b.Flatten().Dense(7, Activation.Relu), 7, 216 * 7 + 7),
    };

    public static TheoryData<string> Cases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var name in Table.Keys) data.Add(name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Engine_layer_agrees_with_the_IR(string name)
    {
        var (add, outputSize, parameters) = Table[name];
        var graph = add(new GraphBuilder(1.0, 3, 9, 8)).Build(name);
        var net = new Engine.Network(graph, maxBatch: 2, threads: 1);
        var last = net.Layers[^1];
        Assert.Equal(outputSize, last.OutputSize);
        Assert.Equal(outputSize, (int)graph.Layers[^1].OutputShape.Size);
        Assert.Equal(parameters, net.Parameters.Count);
        // A forward pass fills exactly batch × output size values.
        var input = Kernels.TestData.Uniform(2 * 216, 3, 0f, 255f);
        net.Predict(input, 2, new float[2 * net.NumClasses], new float[2 * net.NumClasses]);
        Assert.Equal(2 * outputSize, net.LayerOutput(graph.Layers.Count - 1).Length);
    }
}
