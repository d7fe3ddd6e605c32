using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NetForge.Train.Kernels.Parallel;
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
    /// <summary>
    /// Fills <paramref name="mask"/> and writes output = input ⊙ mask over <paramref name="count"/> elements, on up to
    /// <paramref name="threads"/> threads (contiguous element ranges; the mask is a pure function of (key, i), so the
    /// result is the same for any thread count).
    /// </summary>
    public static unsafe void Forward(Span<float> output, Span<float> mask, ReadOnlySpan<float> input, float rate, ulong key, int count, int threads = 1)
    {
        if (rate < 0f || rate >= 1f) throw new ArgumentOutOfRangeException(nameof(rate), $"rate {rate} must be in [0, 1)");
        if (output.Length < count) throw new ArgumentException($"output holds {output.Length} elements, needs {count}", nameof(output));
        if (mask.Length < count) throw new ArgumentException($"mask holds {mask.Length} elements, needs {count}", nameof(mask));
        if (input.Length < count) throw new ArgumentException($"input holds {input.Length} elements, needs {count}", nameof(input));
        // Below ~64K elements waking a pool thread costs more than it saves.
        if (count < 1 << 16) threads = 1;
        fixed (float* o = output, m = mask, x = input)
            WorkerPool.For(threads, count, new ForwardBody { Output = o, Mask = m, Input = x, Rate = rate, Key = key });
    }

    private unsafe struct ForwardBody : IParallelBody
    {
        public float* Output, Mask, Input;
        public float Rate;
        public ulong Key;

        public readonly void Invoke(int start, int end)
        {
            float scale = 1f / (1f - Rate), rate = Rate;
            ulong key = Key;
            float* mask = Mask;
            for (int i = start; i < end; i++)
            {
                // Branch-free (a random branch mispredicts half the time): factor = scale·(1 − [u < rate]).
                bool drop = CounterRng.Uniform(key, (ulong)i) < rate;
                mask[i] = scale * (1 - Unsafe.As<bool, byte>(ref drop));
            }
            int n = end - start;
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(Input + start, n), new ReadOnlySpan<float>(Mask + start, n), new Span<float>(Output + start, n));
        }
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
