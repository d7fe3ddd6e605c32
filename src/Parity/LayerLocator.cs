using Google.Protobuf;
using NetForge.Export;
using Microsoft.ML.OnnxRuntime;
using NetForge.Runtime;
using NetForge.Spec.Graph;
using NetForge.Engine;

namespace NetForge.Parity;

/// <summary>One layer's output compared between engine and ONNX Runtime.</summary>
public sealed record LayerDifference(LayerNode Layer, double MaxAbsDiff, double MaxAbs)
{
    /// <summary>"dense_1 (dense, specs/mlp.yaml:12:5): max abs diff 3.1e-02".</summary>
    public override string ToString() =>
        $"{Layer.Name} ({Layer.Type}, {Layer.Location}): max abs diff {MaxAbsDiff:G3} (values up to {MaxAbs:G3})";
}

/// <summary>
/// Localises a parity failure: exports every layer's output as an extra graph output, runs both sides on a few
/// samples and reports the first layer (in spec order) whose output diverges.
/// </summary>
public static class LayerLocator
{
    /// <summary>A layer diverges when max |engine − ORT| exceeds this times max(1, max |value|).</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>Every layer's difference on the first <paramref name="count"/> samples (at most the network's batch).</summary>
    public static IReadOnlyList<LayerDifference> Compare(Network network, ReadOnlySpan<byte> pixels, int count) => Compare<byte>(network, pixels, count);

    /// <summary><see cref="Compare(Network, ReadOnlySpan{byte}, int)"/> on float samples (CSV feature values).</summary>
    public static IReadOnlyList<LayerDifference> Compare(Network network, ReadOnlySpan<float> samples, int count) => Compare<float>(network, samples, count);

    private static IReadOnlyList<LayerDifference> Compare<T>(Network network, ReadOnlySpan<T> pixels, int count)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(network);
        count = Math.Min(count, network.MaxBatch);
        ModelGraph graph = network.Graph;
        int inputSize = network.InputSize, classes = network.NumClasses;

        var input = new float[count * inputSize];
        ParityChecker.ToFloats(pixels[..input.Length], input);
        var logits = new float[count * classes];
        var probs = new float[count * classes];
        network.Predict(input, count, logits, probs);

        var shape = new long[1 + graph.Input.Shape.Rank];
        shape[0] = count;
        for (int d = 0; d < graph.Input.Shape.Rank; d++) shape[d + 1] = graph.Input.Shape[d];
        // Every layer's output as an extra graph output: beyond the classifier contract, so ORT's own API runs it.
        using NetForgeModel model = ParityChecker.OpenModel(model: OnnxExporter.Export(graph, ParityChecker.Weights(network), new ExportOptions { LayerOutputs = true }).ToByteArray(), threads: 1);
        var layers = graph.Layers.Where(l => model.Session.OutputMetadata.ContainsKey(OnnxExporter.LayerOutputName(l))).ToList();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = model.Session.Run(runOptions, [OnnxExporter.InputName], [inputValue], [.. layers.Select(OnnxExporter.LayerOutputName)]);
        var result = new List<LayerDifference>();
        for (int i = 0; i < layers.Count; i++)
        {
            ReadOnlySpan<float> ort = outputs[i].GetTensorDataAsSpan<float>();
            ReadOnlySpan<float> engine = network.LayerOutput(layers[i].Index);
            int n = Math.Min(ort.Length, engine.Length);
            double maxDiff = ort.Length == engine.Length ? 0 : double.PositiveInfinity, maxAbs = 0;
            for (int j = 0; j < n; j++)
            {
                double d = Math.Abs((double)engine[j] - ort[j]);
                maxDiff = Math.Max(maxDiff, double.IsNaN(d) ? double.PositiveInfinity : d);
                maxAbs = Math.Max(maxAbs, Math.Max(Math.Abs(engine[j]), Math.Abs(ort[j])));
            }

            result.Add(new LayerDifference(layers[i], maxDiff, maxAbs));
        }

        return result;
    }

    /// <summary>The first diverging layer, or null when every layer agrees.</summary>
    public static LayerDifference? FirstDivergent(Network network, ReadOnlySpan<byte> pixels, int count) => First(Compare(network, pixels, count));

    /// <summary><see cref="FirstDivergent(Network, ReadOnlySpan{byte}, int)"/> on float samples.</summary>
    public static LayerDifference? FirstDivergent(Network network, ReadOnlySpan<float> samples, int count) => First(Compare(network, samples, count));

    private static LayerDifference? First(IReadOnlyList<LayerDifference> differences) =>
        differences.FirstOrDefault(d => d.MaxAbsDiff > RelativeTolerance * Math.Max(1.0, d.MaxAbs));
}
