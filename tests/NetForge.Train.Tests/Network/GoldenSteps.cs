using System.Security.Cryptography;
using NetForge.Spec.Graph;
using NetForge.Engine.Optimizers;

namespace NetForge.Train.Tests.Networks;

/// <summary>
/// The golden-hash harness of the MLP and CNN step tests: a few training steps of a spec on seeded pseudo-pixels with
/// its own optimizer and seed, hashed (SHA-256, first 16 hex digits) over every loss, correct count, the final
/// gradients, weights and optimizer state. A hash recorded from earlier code pins every result bit.
/// </summary>
internal static class GoldenSteps
{
    /// <param name="graph">The spec.</param>
    /// <param name="threads">Engine threads (the hash must not depend on it).</param>
    /// <param name="maxBatch">The network's batch capacity.</param>
    /// <param name="batches">The batch size of each step.</param>
    /// <param name="zeroOneIn">One pixel in this many is exactly 0 (ties for max pooling, zeros for relu).</param>
    public static string Hash(ModelGraph graph, int threads, int maxBatch, int[] batches, int zeroOneIn)
    {
        var net = new Engine.Network(graph, maxBatch, threads);
        var store = net.Parameters;
        store.Initialize((ulong)graph.Train.Seed);
        var optimizer = Optimizer.Create(graph.Train.Optimizer, store);
        var rng = new System.Random(graph.Train.Seed);
        var x = new float[maxBatch * net.InputSize];
        var y = new int[maxBatch];
        using var sha = SHA256.Create();
        for (int step = 0; step < batches.Length; step++)
        {
            int b = batches[step];
            for (int i = 0; i < b * net.InputSize; i++) x[i] = rng.Next(zeroOneIn) == 0 ? 0f : rng.Next(256);
            for (int i = 0; i < b; i++) y[i] = rng.Next(net.NumClasses);
            store.ZeroGrad();
            var r = net.TrainStep(x.AsSpan(0, b * net.InputSize), y.AsSpan(0, b), b, Random.CounterRng.Stream(99, (ulong)step, 0));
            sha.TransformBlock(BitConverter.GetBytes(r.Loss), 0, 8, null, 0);
            sha.TransformBlock(BitConverter.GetBytes(r.Correct), 0, 4, null, 0);
            optimizer.Step((float)graph.Train.Optimizer.LearningRate);
        }
        Append(sha, store.Grads);
        Append(sha, store.Values);
        Append(sha, optimizer.State);
        sha.TransformFinalBlock([], 0, 0);
        return Convert.ToHexString(sha.Hash!)[..16];
    }

    internal static void Append(SHA256 sha, ReadOnlySpan<float> values)
    {
        byte[] bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray();
        sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
    }
}
