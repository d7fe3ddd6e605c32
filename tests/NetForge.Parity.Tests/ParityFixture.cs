using NetForge.Data;
using NetForge.Export;
using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Engine;
using NetForge.Train.Initializers;

namespace NetForge.Parity.Tests;

/// <summary>Shared helpers: the repo root, real MNIST test digits, randomly initialised networks and their exports.</summary>
internal static class ParityFixture
{
    private static readonly Lazy<MnistData> MnistData = new(() => Mnist.Load());

    public static ImageSet TestDigits => MnistData.Value.Test;

    public static string RepoRoot => NetForge.Tests.Shared.RepoRoot.Path;

    public static ModelGraph SeedSpec(string name) => SpecCompiler.Load(Path.Combine(RepoRoot, "specs", name + ".yaml"));

    /// <summary>A network with the spec's initializers applied (no training needed for parity).</summary>
    public static Network Initialised(ModelGraph graph, int maxBatch = 256, ulong seed = 7)
    {
        var network = new Network(graph, maxBatch, threads: 2);
        network.Parameters.Initialize(seed);
        return network;
    }

    public static byte[] Export(Network network, ExportOptions? options = null) =>
        Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.Export(network.Graph, ParityChecker.Weights(network), options ?? new ExportOptions()));

    /// <summary>
    /// Gives every non-trainable statistic (batchnorm moving mean/variance) and bias distinctive values so a
    /// wrong formula cannot hide behind zeros and ones.
    /// </summary>
    public static void Perturb(Network network, ulong seed)
    {
        var rng = new System.Random((int)seed);
        foreach (var slice in network.Parameters.Slices)
        {
            var values = network.Parameters.Value(slice);
            string name = slice.Spec.Name;
            if (name is "bias" or "beta" or "moving_mean")
                for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() - 0.5) * 0.2f;
            else if (name is "gamma" or "moving_variance")
                for (int i = 0; i < values.Length; i++) values[i] = 0.5f + (float)rng.NextDouble();
        }
    }
}
