using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NetForge.Train.Random;

namespace NetForge.Train.Kernels;

/// <summary>
/// Inverted dropout. Element i of the batch buffer is dropped when
/// <c>CounterRng.Uniform(key, i) &lt; rate</c>, otherwise scaled by 1/(1 − rate); the mask is kept as
/// those factors (0 or 1/(1 − rate)) because backward is dInput = dOutput ⊙ mask. The mask is a pure
/// function of (key, i): equal keys give equal masks on any thread count.
/// </summary>
public static class DropoutKernels
{
    /// <summary>Fills <paramref name="mask"/> and writes output = input ⊙ mask over <paramref name="count"/> elements.</summary>
    public static void Forward(Span<float> output, Span<float> mask, ReadOnlySpan<float> input, float rate, ulong key, int count)
    {
        if (rate < 0f || rate >= 1f) throw new ArgumentOutOfRangeException(nameof(rate), $"rate {rate} must be in [0, 1)");
        if (output.Length < count) throw new ArgumentException($"output holds {output.Length} elements, needs {count}", nameof(output));
        if (mask.Length < count) throw new ArgumentException($"mask holds {mask.Length} elements, needs {count}", nameof(mask));
        if (input.Length < count) throw new ArgumentException($"input holds {input.Length} elements, needs {count}", nameof(input));
        float scale = 1f / (1f - rate);
        for (int i = 0; i < count; i++)
        {
            // Branch-free (a random branch mispredicts half the time): factor = scale·(1 − [u < rate]).
            bool drop = CounterRng.Uniform(key, (ulong)i) < rate;
            mask[i] = scale * (1 - Unsafe.As<bool, byte>(ref drop));
        }
        TensorPrimitives.Multiply(input[..count], mask[..count], output[..count]);
    }

    /// <summary>dInput = dOutput ⊙ mask.</summary>
    public static void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> mask, int count) =>
        TensorPrimitives.Multiply(dOutput[..count], mask[..count], dInput[..count]);

    /// <summary>Naive reference of <see cref="Forward"/>.</summary>
    public static void ForwardReference(Span<float> output, ReadOnlySpan<float> input, float rate, ulong key, int count)
    {
        for (int i = 0; i < count; i++)
            output[i] = CounterRng.Uniform(key, (ulong)i) < rate ? 0f : input[i] * (1f / (1f - rate));
    }
}
