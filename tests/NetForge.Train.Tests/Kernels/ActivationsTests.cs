using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

public class ActivationsTests
{
    /// <summary>TensorPrimitives' Exp/Tanh/Sigmoid are within a few ulps of the double-precision reference.</summary>
    private const double Rel = 1e-5, Abs = 1e-6;

    public static TheoryData<Activation> Kinds => new() { Activation.Linear, Activation.Relu, Activation.Sigmoid, Activation.Tanh, Activation.Softmax };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Forward_and_backward_match_reference_at_every_length_and_in_place(Activation kind)
    {
        // Lengths 0..70 cross every SIMD tail (Vector512 holds 16 floats); softmax uses rows of 7.
        for (int n = 0; n <= 70; n++)
        {
            int rows = kind == Activation.Softmax ? n / 7 : 1, cols = kind == Activation.Softmax ? 7 : n;
            int len = rows * cols;
            var x = TestData.Uniform(len, 100 + n, -4f, 4f);
            var expected = new float[len];
            var actual = new float[len];
            Activations.ForwardReference(expected, x, kind, rows, cols);
            Activations.Forward(actual, x, kind, rows, cols);
            TestData.AssertClose(expected, actual, Rel, Abs, $"{kind} forward n={n}");
            var inPlace = (float[])x.Clone();
            Activations.Forward(inPlace, inPlace, kind, rows, cols);
            TestData.AssertBitIdentical(actual, inPlace, $"{kind} forward in place n={n}");

            var dy = TestData.Uniform(len, 200 + n);
            var dxRef = new float[len];
            var dx = new float[len];
            Activations.BackwardReference(dxRef, dy, actual, kind, rows, cols);
            Activations.Backward(dx, dy, actual, kind, rows, cols);
            TestData.AssertClose(dxRef, dx, Rel, Abs, $"{kind} backward n={n}");
            if (kind != Activation.Softmax)
            {
                Activations.Backward(dy, dy, actual, kind, rows, cols);
                TestData.AssertBitIdentical(dx, dy, $"{kind} backward in place n={n}");
            }
        }
    }

    [Fact]
    public void Relu_gradient_at_zero_is_zero()
    {
        // Trap: relu'(0) is taken as 0 (PyTorch), and backward reads the output y, so y = 0 blocks the gradient.
        float[] x = [-1f, 0f, 2f];
        var y = new float[3];
        Activations.Forward(y, x, Activation.Relu, 1, 3);
        var dx = new float[3];
        Activations.Backward(dx, [5f, 5f, 5f], y, Activation.Relu, 1, 3);
        Assert.Equal([0f, 0f, 2f], y);
        Assert.Equal([0f, 0f, 5f], dx);
    }

    [Fact]
    public void Softmax_is_max_subtracted_and_sums_to_one()
    {
        // Without subtracting the max, exp(1000) overflows to +inf and the row becomes NaN.
        float[] x = [1000f, 1001f, 1002f, -5f, 0f, 5f];
        var y = new float[6];
        Activations.Softmax(y, x, 2, 3);
        // softmax(0, 1, 2) = e^k / (1 + e + e^2)
        double z = 1 + Math.E + Math.E * Math.E;
        Assert.Equal(1 / z, y[0], 6);
        Assert.Equal(Math.E * Math.E / z, y[2], 6);
        Assert.Equal(1.0, y[3] + y[4] + y[5], 6);
    }

    [Fact]
    public void Sigmoid_and_tanh_derivatives_come_from_the_output()
    {
        // sigmoid(0) = 0.5 → σ' = 0.25; tanh(0) = 0 → tanh' = 1.
        var y = new float[1];
        var dx = new float[1];
        Activations.Forward(y, [0f], Activation.Sigmoid, 1, 1);
        Activations.Backward(dx, [1f], y, Activation.Sigmoid, 1, 1);
        Assert.Equal(0.25f, dx[0]);
        Activations.Forward(y, [0f], Activation.Tanh, 1, 1);
        Activations.Backward(dx, [1f], y, Activation.Tanh, 1, 1);
        Assert.Equal(1f, dx[0]);
    }

    [Fact]
    public void Too_short_destination_throws_naming_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => Activations.Forward(new float[2], new float[3], Activation.Relu, 1, 3));
        Assert.Equal("output", ex.ParamName);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Threaded_passes_are_bit_identical_to_one_thread(Activation kind)
    {
        const int rows = 97, cols = 1031; // 100K elements: above the parallel threshold; uneven chunks
        var x = TestData.Uniform(rows * cols, 7, -4f, 4f);
        var dy = TestData.Uniform(rows * cols, 8, -1f, 1f);
        float[] y1 = new float[x.Length], dx1 = new float[x.Length];
        Activations.Forward(y1, x, kind, rows, cols, threads: 1);
        Activations.Backward(dx1, dy, y1, kind, rows, cols, threads: 1);
        var yRef = new float[x.Length];
        Activations.Forward(yRef, x, kind, rows, cols);
        TestData.AssertBitIdentical(yRef, y1, $"{kind} forward threads 1 vs plain");
        foreach (int threads in new[] { 2, 3 })
        {
            float[] y = new float[x.Length], dx = new float[x.Length];
            Activations.Forward(y, x, kind, rows, cols, threads);
            Activations.Backward(dx, dy, y, kind, rows, cols, threads);
            TestData.AssertBitIdentical(y1, y, $"{kind} forward threads {threads}");
            TestData.AssertBitIdentical(dx1, dx, $"{kind} backward threads {threads}");
        }
    }
}
