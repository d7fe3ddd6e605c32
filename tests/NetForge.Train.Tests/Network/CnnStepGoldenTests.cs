using System.Security.Cryptography;
using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Engine.Optimizers;
using NetForge.Train.Tests.Training;

namespace NetForge.Train.Tests.Networks;

/// <summary>
/// Pins the exact bits of CNN training steps to hashes recorded from the code before the CNN/MLP speed work of
/// docs/performance-cnn.md ("Bit-exact speed work"): conv, pooling, GEMM and pool changes must not change a single
/// result bit, on 1 or 2 threads.
/// </summary>
public class CnnStepGoldenTests
{
    /// <summary>SHA-256 (first 16 hex digits) of losses + gradients + weights + optimizer state after the steps below.</summary>
    [Theory]
    [InlineData("cnn", "BA5CFD574A959E0F")]
    [InlineData("cnn_keras", "5CBCBF6537B5A3F6")]
    public void Seed_spec_steps_match_the_recorded_bits_on_one_and_two_threads(string spec, string expected)
    {
        var graph = SpecCompiler.Load(Path.Combine(RepoPaths.Root, "specs", spec + ".yaml"));
        // The hashes were recorded with these resolved optimizers and seed: a change there is not a kernel change.
        OptimizerSpec recorded = spec == "cnn" ? new AdamSpec(0.001, 0.9, 0.999, 1e-7, false) : new AdadeltaSpec(1.0, 0.95, 1e-7);
        Assert.Equal(recorded, graph.Train.Optimizer);
        Assert.Equal(7, graph.Train.Seed);
        string one = RunSpec(graph, threads: 1);
        string two = RunSpec(graph, threads: 2);
        Assert.Equal(one, two);
        Assert.Equal(expected, one);
    }

    /// <summary>Two full batches and one partial batch (57 samples: odd im2col groups); a third of the pixels are 0 (max-pool ties, relu zeros).</summary>
    private static string RunSpec(ModelGraph graph, int threads) =>
        GoldenSteps.Hash(graph, threads, graph.Train.BatchSize, [graph.Train.BatchSize, graph.Train.BatchSize, 57], zeroOneIn: 3);
}
