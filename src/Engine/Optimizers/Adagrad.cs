using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Optimizers;

/// <summary>
/// torch.optim.Adagrad (lr_decay 0): s = s + g², starting from initial_accumulator_value; p −= lr·g/(sqrt(s) + ε).
/// </summary>
public sealed class Adagrad : Optimizer
{
    private readonly float _initial, _eps;

    public Adagrad(ParameterStore store, double initialAccumulatorValue, double epsilon)
        : base(store, ["sum"])
    {
        (_initial, _eps) = ((float)initialAccumulatorValue, (float)epsilon);
        StateSection(0).Fill(_initial);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(int offset, int length, float lr)
    {
        var p = Param(offset, length);
        var g = Grad(offset, length);
        var s = Slot(0, offset, length);
        int i = Vector.IsHardwareAccelerated ? UpdateVector(p, g, s, lr) : 0;
        for (; i < p.Length; i++)
        {
            s[i] += g[i] * g[i];
            p[i] -= lr * g[i] / (MathF.Sqrt(s[i]) + _eps);
        }
    }

    /// <summary>The loop above on whole vectors, same operations in the same order; returns the elements done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UpdateVector(Span<float> param, ReadOnlySpan<float> grad, Span<float> sum, float lr)
    {
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float s = ref MemoryMarshal.GetReference(sum);
        Vector<float> eps = new(_eps), lrV = new(lr);
        int n = param.Length, w = Vector<float>.Count, i = 0;
        for (; i <= n - w; i += w)
        {
            nuint k = (nuint)i;
            Vector<float> gi = Vector.LoadUnsafe(ref g, k);
            Vector<float> si = Vector.LoadUnsafe(ref s, k) + gi * gi;
            si.StoreUnsafe(ref s, k);
            (Vector.LoadUnsafe(ref p, k) - lrV * gi / (Vector.SquareRoot(si) + eps)).StoreUnsafe(ref p, k);
        }
        return i;
    }
}
