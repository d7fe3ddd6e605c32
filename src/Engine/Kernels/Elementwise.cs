using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetForge.Engine.Kernels;

/// <summary>
/// Exact elementwise passes (one IEEE operation per element, so any vector width or split gives the same bits as
/// <c>TensorPrimitives</c>' Multiply, Add and Max(·, 0)), compiled fully optimised on first call: the training step
/// calls them a few times per step, too few for tiered compilation to promote a generic library method early
/// (docs/performance.md, "MLP training step").
/// </summary>
internal static class Elementwise
{
    /// <summary>destination[i] = x[i] · scalar.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> x, float scalar, Span<float> destination)
    {
        int n = x.Length;
        if (destination.Length < n) throw new ArgumentException($"destination holds {destination.Length} elements, needs {n}", nameof(destination));
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> s = new(scalar);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                (Vector.LoadUnsafe(ref xs, (nuint)i) * s).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref xs, i) * scalar;
    }

    /// <summary>destination[i] = x[i] · y[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        int n = x.Length;
        if (y.Length < n) throw new ArgumentException($"y holds {y.Length} elements, needs {n}", nameof(y));
        if (destination.Length < n) throw new ArgumentException($"destination holds {destination.Length} elements, needs {n}", nameof(destination));
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float d = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                (Vector.LoadUnsafe(ref xs, (nuint)i) * Vector.LoadUnsafe(ref ys, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref d, i) = Unsafe.Add(ref xs, i) * Unsafe.Add(ref ys, i);
    }

    /// <summary>
    /// The index of the largest value, exactly as <c>TensorPrimitives.IndexOfMax</c>: the first NaN if there is one,
    /// else the first maximum, with +0 greater than −0; −1 for an empty span.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfMax(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty) return -1;
        int arg = 0;
        float max = x[0];
        if (float.IsNaN(max)) return 0;
        for (int i = 1; i < x.Length; i++)
        {
            float v = x[i];
            if (float.IsNaN(v)) return i;
            if (v > max || (v == max && float.IsNegative(max) && !float.IsNegative(v)))
            {
                max = v;
                arg = i;
            }
        }
        return arg;
    }

    /// <summary>
    /// row[i] = relu(row[i] + bias[i]) (or row[i] + bias[i] without <paramref name="relu"/>; no add when
    /// <paramref name="bias"/> is empty). relu(x) is <c>TensorPrimitives.Max(x, 0)</c> exactly: x when x &gt; 0 or x is
    /// NaN, else +0 (so −0 becomes +0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BiasRelu(Span<float> row, ReadOnlySpan<float> bias, bool relu)
    {
        int n = row.Length;
        bool hasBias = !bias.IsEmpty;
        if (hasBias && bias.Length < n) throw new ArgumentException($"bias holds {bias.Length} elements, needs {n}", nameof(bias));
        ref float r = ref MemoryMarshal.GetReference(row);
        ref float b = ref MemoryMarshal.GetReference(bias);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> x = Vector.LoadUnsafe(ref r, (nuint)i);
                if (hasBias) x += Vector.LoadUnsafe(ref b, (nuint)i);
                if (relu)
                {
                    Vector<int> keep = Vector.GreaterThan(x, Vector<float>.Zero) | ~Vector.Equals(x, x);
                    x = Vector.ConditionalSelect(keep, x, Vector<float>.Zero);
                }
                x.StoreUnsafe(ref r, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float x = Unsafe.Add(ref r, i);
            if (hasBias) x += Unsafe.Add(ref b, i);
            if (relu && !(x > 0f || float.IsNaN(x))) x = 0f;
            Unsafe.Add(ref r, i) = x;
        }
    }
}
