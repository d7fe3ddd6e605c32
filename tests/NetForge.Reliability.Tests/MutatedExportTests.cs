using NetForge.Export;
using NetForge.Parity;
using NetForge.Runtime;
using NetForge.Spec;
using NetForge.Engine;
using Xunit.Abstractions;

namespace NetForge.Reliability.Tests;

/// <summary>
/// Byte-mutated copies of a real NetForge export (conv + batchnorm + pool + dense) through the parity checker and
/// ONNX Runtime: never a crash, only <see cref="ParityException"/>, <see cref="ModelException"/> or
/// <see cref="ArgumentException"/>.
/// </summary>
public sealed class MutatedExportTests(ITestOutputHelper output)
{
    private const string Spec = """
        name: small_cnn
        input:
          shape: [1, 28, 28]
          scale: 0.00392156862745098
        layers:
          - conv2d: {filters: 4, kernel: 3, padding: same, activation: relu}
          - batchnorm: {}
          - maxpool2d: {pool: 2}
          - flatten
          - dense: {units: 16, activation: relu}
          - dropout: {rate: 0.5}
          - dense: {units: 10, activation: softmax}
        train:
          dataset: mnist
          optimizer: adam
          batch_size: 32
          epochs: 1
          seed: 5
        """;

    [Fact]
    public void Mutated_exports_through_parity_and_runtime_fail_only_with_documented_exceptions()
    {
        int copies = Environment.GetEnvironmentVariable("NETFORGE_LONG_TESTS") == "1" ? 5000 : 500;
        var graph = SpecCompiler.Compile(Spec, "small_cnn.yaml");
        var network = new Network(graph, 4, threads: 1);
        network.Parameters.Initialize(5);
        byte[] good = Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.Export(graph, ParityChecker.Weights(network), new ExportOptions()));
        var pixels = new byte[4 * 784];
        new System.Random(3).NextBytes(pixels);
        var options = new ParityOptions { BatchSizes = [1, 4], EngineThreads = 1 };

        // The unmutated export passes both steps: the harness itself is sound.
        Assert.Equal("passed", Attempt(network, good, pixels, options));

        var rng = new System.Random(20261123);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < copies; c++)
        {
            byte[] bytes = (byte[])good.Clone();
            int changes = 1 + rng.Next(8);
            for (int k = 0; k < changes; k++)
            {
                // Half the changes land in the structure (the graph and metadata follow the weights in our exports).
                int at = rng.Next(2) == 0 ? rng.Next(bytes.Length) : bytes.Length - 1 - rng.Next(Math.Min(2000, bytes.Length));
                bytes[at] = (byte)rng.Next(256);
            }
            string outcome = Attempt(network, bytes, pixels, options);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine($"{copies} mutated copies: " + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
        Assert.Equal(copies, outcomes.Values.Sum());
    }

    /// <summary>Parity check, then a plain ONNX Runtime run of one image; "passed", "failed parity" or the documented exception's type name.</summary>
    private static string Attempt(Network network, byte[] model, byte[] pixels, ParityOptions options)
    {
        try
        {
            var certificate = ParityChecker.Check(network, model, pixels, 4, "random pixels", options);
            using var opened = NetForgeModel.Open(model, name: "mutated.onnx");
            _ = opened.Predict(new byte[opened.Contract.SampleSize], 1);
            return certificate.Passed ? "passed" : "failed parity";
        }
        catch (Exception e) when (e is ParityException or ModelException)
        {
            return e.GetType().Name;
        }
    }
}
