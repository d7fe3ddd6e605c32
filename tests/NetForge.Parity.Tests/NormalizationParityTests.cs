using NetForge.Export;
using NetForge.Spec;
using NetForge.Spec.Graph;

namespace NetForge.Parity.Tests;

/// <summary>
/// input.normalize inside the exported graph: the own engine and ONNX Runtime agree per channel (images, float32 and
/// uint8 inputs) and per feature (tables, float samples), and the normalisation really changes the answers.
/// </summary>
public class NormalizationParityTests
{
    private const string ImageSpec =
        "name: n\ninput: {shape: [3, 6, 5], scale: 0.00392156862745098NORM}\nlayers:\n  - conv2d: {filters: 4, kernel: 3, padding: same, activation: relu}\n" +
        "  - flatten\n  - dense: {units: 4, activation: softmax}\ntrain:\n  dataset: {idx: pictures}\n";

    private static ModelGraph Graph(string spec, string norm) => SpecCompiler.Compile(spec.Replace("NORM", norm, StringComparison.Ordinal), "n.yaml");

    [Fact]
    public void Per_channel_normalisation_matches_onnx_runtime_for_float_and_uint8_inputs()
    {
        var graph = Graph(ImageSpec, ", normalize: {mean: [0.2, 0.5, 0.8], std: [0.25, 0.1, 0.4]}");
        Assert.Equal([0.2f, 0.5f, 0.8f], graph.Input.Normalize!.Mean);
        var network = ParityFixture.Initialised(graph, seed: 3);
        var rng = new Random(4);
        var pixels = new byte[64 * 90];
        rng.NextBytes(pixels);
        foreach (var dtype in new[] { InputDType.Float32, InputDType.UInt8 })
        {
            byte[] model = ParityFixture.Export(network, new ExportOptions { InputDType = dtype });
            var certificate = ParityChecker.Check(network, model, pixels, 64, "random pictures");
            Assert.True(certificate.Passed, $"{dtype}: {certificate.MaxAbsDiffProbabilities}");
            Assert.InRange(certificate.MaxAbsDiffProbabilities, 0, 1e-6);
            Assert.StartsWith("x·0.00392156862745098; (x − mean) / std per channel, mean [0.2,0.5,0.8]", certificate.Preprocessing, StringComparison.Ordinal);
        }

        // Without the normalisation the same weights answer differently: the test would notice a graph that drops it.
        var plain = ParityFixture.Initialised(Graph(ImageSpec, ""), seed: 3);
        var withNorm = Probabilities(network, pixels, 8);
        var without = Probabilities(plain, pixels, 8);
        Assert.True(withNorm.Zip(without).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        var c = ParityChecker.Check(plain, ParityFixture.Export(network), pixels, 64, "random pictures");
        Assert.False(c.Passed);
    }

    [Fact]
    public void Per_feature_normalisation_matches_onnx_runtime_on_float_samples()
    {
        var graph = SpecCompiler.Compile(
            "name: t\ninput: {shape: [5], normalize: {mean: [100, -3, 0.5, 1e4, 7], std: [20, 0.5, 0.01, 3000, 1]}}\nlayers:\n" +
            "  - dense: {units: 6, activation: tanh}\n  - dense: {units: 3, activation: softmax}\ntrain:\n  dataset: {csv: {train: t.csv, test_split: 0.2, label: y}}\n", "t.yaml");
        var network = ParityFixture.Initialised(graph, seed: 9);
        var rng = new Random(2);
        float[] mean = [100, -3, 0.5f, 1e4f, 7], std = [20, 0.5f, 0.01f, 3000, 1];
        var samples = new float[200 * 5];
        for (int i = 0; i < samples.Length; i++) samples[i] = mean[i % 5] + std[i % 5] * (float)(rng.NextDouble() * 4 - 2);
        var certificate = ParityChecker.Check(network, ParityFixture.Export(network), samples, 200, "random rows");
        Assert.True(certificate.Passed);
        Assert.InRange(certificate.MaxAbsDiffProbabilities, 0, 1e-6);
        Assert.Equal(0, certificate.ArgmaxDisagreements);
        Assert.DoesNotContain(LayerLocator.Compare(network, samples, 16), d => d.MaxAbsDiff > 1e-5);
        // Normalised inputs are O(1): the tanh layer is not saturated everywhere, as it would be on the raw values.
        Assert.Contains(Probabilities(network, samples, 200), p => p is > 0.05f and < 0.95f);
    }

    private static float[] Probabilities<T>(NetForge.Engine.Network network, T[] samples, int count)
        where T : unmanaged
    {
        var x = new float[count * network.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = Convert.ToSingle(samples[i], System.Globalization.CultureInfo.InvariantCulture);
        var logits = new float[count * network.NumClasses];
        var probs = new float[count * network.NumClasses];
        network.Predict(x, count, logits, probs);
        return probs;
    }
}
