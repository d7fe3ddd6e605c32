using System.Numerics.Tensors;
using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

/// <summary>The fused dense-layer ends and exact elementwise passes give the unfused kernels' bits on any thread count.</summary>
public class DenseKernelsTests
{
    /// <summary>Special values every relu/bias rule must treat exactly as <c>TensorPrimitives</c> does.</summary>
    private static readonly float[] Specials =
    [
        0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue,
        float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-38f, -1e-38f, 3.5f, -2.25f, 7e-45f, -7e-45f,
    ];

    private static float[] WithSpecials(int n, int seed)
    {
        var a = TestData.Uniform(n, seed, -3f, 3f);
        for (int i = 0; i < n; i += 7) a[i] = Specials[(i / 7) % Specials.Length];
        return a;
    }

    [Theory]
    [InlineData(128, 512, true, true, 2)]
    [InlineData(128, 512, true, true, 1)]
    [InlineData(37, 10, false, true, 2)]    // linear head: bias only, scalar column tail
    [InlineData(64, 33, true, false, 3)]    // relu without bias, odd width
    [InlineData(200, 130, true, true, 2)]
    public void Forward_matches_TensorPrimitives_add_then_max(int batch, int units, bool relu, bool bias, int threads)
    {
        var y = WithSpecials(batch * units, 1);
        var b = bias ? WithSpecials(units, 2) : [];
        var expected = (float[])y.Clone();
        for (int r = 0; r < batch; r++)
        {
            var row = expected.AsSpan(r * units, units);
            if (bias) TensorPrimitives.Add(row, b, row);
            if (relu) TensorPrimitives.Max(row, 0f, row);
        }
        DenseKernels.BiasActivationForward(y, b, relu ? Activation.Relu : Activation.Linear, batch, units, threads);
        TestData.AssertBitIdentical(expected, y, "fused bias + relu");
    }

    [Theory]
    [InlineData(128, 512, true, true, 2)]
    [InlineData(128, 512, true, true, 1)]
    [InlineData(128, 10, false, true, 2)]
    [InlineData(100, 70, true, false, 3)]
    [InlineData(256, 300, true, true, 2)]
    public void Backward_matches_unfused_relu_backward_and_batch_ordered_bias_sum(int batch, int units, bool relu, bool bias, int threads)
    {
        int n = batch * units;
        var dY = WithSpecials(n, 3);
        var y = WithSpecials(n, 4);
        var dBiasStart = TestData.Uniform(units, 5);
        var kind = relu ? Activation.Relu : Activation.Linear;

        var expectedDz = new float[n];
        Activations.Backward(expectedDz, dY, y, kind, batch, units);
        var expectedDb = (float[])dBiasStart.Clone();
        for (int r = 0; r < batch; r++) TensorPrimitives.Add(expectedDb, expectedDz.AsSpan(r * units, units), expectedDb);

        var dZ = relu ? new float[n] : [];
        var dBias = bias ? (float[])dBiasStart.Clone() : [];
        DenseKernels.ActivationBackwardBiasGrad(dZ, dY, y, dBias, kind, batch, units, threads);
        if (relu) TestData.AssertBitIdentical(expectedDz, dZ, "relu backward");
        if (bias) TestData.AssertBitIdentical(expectedDb, dBias, "bias gradient");
    }

    [Fact]
    public void Unsupported_activations_and_short_buffers_throw()
    {
        Assert.Throws<NotSupportedException>(() => DenseKernels.BiasActivationForward(new float[4], [], Activation.Tanh, 2, 2, 1));
        Assert.Throws<ArgumentException>(() => DenseKernels.BiasActivationForward(new float[3], [], Activation.Relu, 2, 2, 1));
        Assert.Throws<ArgumentException>(() => DenseKernels.BiasActivationForward(new float[4], new float[1], Activation.Relu, 2, 2, 1));
        Assert.Throws<ArgumentException>(() => DenseKernels.ActivationBackwardBiasGrad(new float[4], new float[4], new float[3], [], Activation.Relu, 2, 2, 1));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Threaded_dropout_backward_matches_one_thread(int threads)
    {
        const int n = 128 * 512 + 13;
        var dY = WithSpecials(n, 8);
        var mask = new float[n];
        var output = new float[n];
        DropoutKernels.Forward(output, mask, dY, 0.2f, 77, n);
        var one = new float[n];
        var many = new float[n];
        DropoutKernels.Backward(one, dY, mask, n);
        DropoutKernels.Backward(many, dY, mask, n, threads);
        TestData.AssertBitIdentical(one, many, "dropout backward threads");
    }

    /// <summary>
    /// SoftmaxCrossEntropy.Forward (exact loops, exp once over the batch for rows of ≥ 8 classes) against the per-row
    /// TensorPrimitives code it replaced: same probabilities, loss and hits, bit for bit.
    /// </summary>
    [Theory]
    [InlineData(128, 10)]
    [InlineData(100, 10)]
    [InlineData(37, 3)]
    [InlineData(64, 5)]
    [InlineData(5, 8)]
    [InlineData(9, 17)]
    [InlineData(1, 10)]
    public void Softmax_cross_entropy_forward_matches_the_per_row_TensorPrimitives_code(int rows, int classes)
    {
        var rng = new System.Random(rows * 31 + classes);
        var z = new float[rows * classes];
        var labels = new int[rows];
        var expected = new float[z.Length];
        var actual = new float[z.Length];
        for (int trial = 0; trial < 100; trial++)
        {
            double range = trial % 3 == 0 ? 110 : trial % 3 == 1 ? 5 : 1e-3;
            for (int i = 0; i < z.Length; i++) z[i] = i % 7 == 3 ? 0f : (float)((rng.NextDouble() - 0.5) * range);
            if (trial == 0 && z.Length > 5) { z[0] = -0f; z[1] = -87.5f; z[2] = 88f; z[4] = -103.9f; }
            for (int b = 0; b < rows; b++) labels[b] = rng.Next(classes);
            double expectedLoss = 0;
            int expectedCorrect = 0;
            for (int b = 0; b < rows; b++)
            {
                var zr = z.AsSpan(b * classes, classes);
                var p = expected.AsSpan(b * classes, classes);
                int arg = TensorPrimitives.IndexOfMax<float>(zr);
                float max = zr[arg];
                TensorPrimitives.Subtract(zr, max, p);
                TensorPrimitives.Exp(p, p);
                double sum = TensorPrimitives.Sum<float>(p);
                TensorPrimitives.Multiply(p, (float)(1.0 / sum), p);
                expectedLoss += max + Math.Log(sum) - zr[labels[b]];
                if (arg == labels[b]) expectedCorrect++;
            }
            double loss = SoftmaxCrossEntropy.Forward(actual, z, labels, rows, classes, out int correct);
            TestData.AssertBitIdentical(expected, actual, $"probabilities trial {trial}");
            Assert.Equal(BitConverter.DoubleToInt64Bits(expectedLoss / rows), BitConverter.DoubleToInt64Bits(loss));
            Assert.Equal(expectedCorrect, correct);
        }
    }

    [Fact]
    public void IndexOfMax_matches_TensorPrimitives_on_ties_zeros_and_NaN()
    {
        var rng = new System.Random(11);
        float[] pool = [0f, -0f, 1f, -1f, 2f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, 1e-45f];
        for (int trial = 0; trial < 5000; trial++)
        {
            int n = 1 + rng.Next(20);
            var x = new float[n];
            for (int i = 0; i < n; i++) x[i] = rng.Next(4) == 0 ? (float)rng.NextDouble() : pool[rng.Next(trial % 2 == 0 ? pool.Length : 5)];
            Assert.Equal(TensorPrimitives.IndexOfMax<float>(x), Elementwise.IndexOfMax(x));
        }
        Assert.Equal(-1, Elementwise.IndexOfMax([]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(100_000)]
    public void Elementwise_multiplies_match_TensorPrimitives(int n)
    {
        var x = WithSpecials(n, 6);
        var m = WithSpecials(n, 7);
        var expected = new float[n];
        var actual = new float[n];
        TensorPrimitives.Multiply(x, 0.00392156862745098f, expected);
        Elementwise.Multiply(x, 0.00392156862745098f, actual);
        TestData.AssertBitIdentical(expected, actual, "x · scalar");
        TensorPrimitives.Multiply(x, m, expected);
        Elementwise.Multiply(x, m, actual);
        TestData.AssertBitIdentical(expected, actual, "x · y");
    }
}
