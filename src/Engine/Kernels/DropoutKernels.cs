using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetForge.Engine.Kernels.Parallel;
using NetForge.Train.Random;

namespace NetForge.Engine.Kernels;

/// <summary>
/// Inverted dropout. Element i of the batch buffer is dropped when
/// <c>CounterRng.Uniform(key, i) &lt; rate</c>, otherwise scaled by 1/(1 − rate); the mask is kept as
/// those factors (0 or 1/(1 − rate)) because backward is dInput = dOutput ⊙ mask. The mask is a pure
/// function of (key, i): equal keys give equal masks on any thread count.
/// </summary>
internal static class DropoutKernels
{
    /// <summary>
    /// Fills <paramref name="mask"/> and writes output = input ⊙ mask over <paramref name="count"/> elements, on up to
    /// <paramref name="threads"/> threads (contiguous element ranges; the mask is a pure function of (key, i), so the
    /// result is the same for any thread count).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // few calls per step: never left at tier 0
        public readonly void Invoke(int start, int end)
        {
            float scale = 1f / (1f - Rate), rate = Rate;
            ulong key = Key;
            float* mask = Mask;
            int i = start;
            if (Vector512.IsHardwareAccelerated && end - start >= 16)
            {
                // Same bits as CounterRng.Uniform(key, i) < rate, 16 elements at a time: with k = Next(key, i) >> 40
                // (24 bits), Uniform = k·2⁻²⁴ exactly, so u < rate ⟺ k < rate·2²⁴ ⟺ k < ceil(rate·2²⁴) (integers).
                var threshold = Vector512.Create((ulong)Math.Ceiling(rate * 16777216.0));
                var golden = Vector512.Create(0x9E3779B97F4A7C15UL);
                var keyV = Vector512.Create(key);
                var lanes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
                var keep = Vector512.Create(scale);
                for (; i + 16 <= end; i += 16)
                {
                    var c0 = Vector512.Create((ulong)i) + lanes;
                    var c1 = c0 + Vector512.Create(8UL);
                    var d0 = Vector512.LessThan(Mix(Mix(keyV + c0 * golden)) >> 40, threshold);
                    var d1 = Vector512.LessThan(Mix(Mix(keyV + c1 * golden)) >> 40, threshold);
                    var drop = Vector512.Narrow(d0, d1).AsSingle(); // all-ones lanes where dropped
                    Vector512.ConditionalSelect(drop, Vector512<float>.Zero, keep).Store(mask + i);
                }
            }
            for (; i < end; i++)
            {
                // Branch-free (a random branch mispredicts half the time): factor = scale·(1 − [u < rate]).
                bool drop = CounterRng.Uniform(key, (ulong)i) < rate;
                mask[i] = scale * (1 - Unsafe.As<bool, byte>(ref drop));
            }
            int n = end - start;
            Elementwise.Multiply(new ReadOnlySpan<float>(Input + start, n), new ReadOnlySpan<float>(Mask + start, n), new Span<float>(Output + start, n));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ulong> Mix(Vector512<ulong> z)
        {
            z = (z ^ (z >> 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
            z = (z ^ (z >> 27)) * Vector512.Create(0x94D049BB133111EBUL);
            return z ^ (z >> 31);
        }
    }

    /// <summary>dInput = dOutput ⊙ mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> mask, int count) =>
        Elementwise.Multiply(dOutput[..count], mask[..count], dInput[..count]);

    /// <summary>dInput = dOutput ⊙ mask on up to <paramref name="threads"/> threads (contiguous ranges; one multiply per element, so any split gives the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> mask, int count, int threads)
    {
        if (threads <= 1 || count < 1 << 16) { Backward(dInput, dOutput, mask, count); return; }
        if (dInput.Length < count) throw new ArgumentException($"dInput holds {dInput.Length} elements, needs {count}", nameof(dInput));
        if (dOutput.Length < count) throw new ArgumentException($"dOutput holds {dOutput.Length} elements, needs {count}", nameof(dOutput));
        if (mask.Length < count) throw new ArgumentException($"mask holds {mask.Length} elements, needs {count}", nameof(mask));
        fixed (float* dx = dInput, dy = dOutput, m = mask)
            WorkerPool.For(threads, (count + 4095) / 4096, new BackwardBody { DInput = dx, DOutput = dy, Mask = m, Count = count });
    }

    private unsafe struct BackwardBody : IParallelBody
    {
        public float* DInput, DOutput, Mask;
        public int Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int start, int end)
        {
            int first = start * 4096, n = Math.Min(end * 4096, Count) - first;
            Elementwise.Multiply(new ReadOnlySpan<float>(DOutput + first, n), new ReadOnlySpan<float>(Mask + first, n), new Span<float>(DInput + first, n));
        }
    }

    /// <summary>Naive reference of <see cref="Forward"/>.</summary>
    public static void ForwardReference(Span<float> output, ReadOnlySpan<float> input, float rate, ulong key, int count)
    {
        for (int i = 0; i < count; i++)
            output[i] = CounterRng.Uniform(key, (ulong)i) < rate ? 0f : input[i] * (1f / (1f - rate));
    }
}
