using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Optimizers;

/// <summary>
/// torch.optim.RMSprop with alpha = rho: v = ρ·v + (1−ρ)·g²; centered: m = ρ·m + (1−ρ)·g, avg = sqrt(v − m²) + ε,
/// else avg = sqrt(v) + ε; with momentum μ: b = μ·b + g/avg, p −= lr·b; else p −= lr·g/avg.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly float _rho, _oneMinusRho, _momentum, _eps;
    private readonly bool _centered;
    private readonly int _momentumSlot, _gradAvgSlot;   // -1 when the option is off (no state allocated)

    private static IEnumerable<string> StateNamesFor(double momentum, bool centered)
    {
        yield return "square_avg";
        if (momentum > 0) yield return "momentum_buffer";
        if (centered) yield return "grad_avg";
    }

    public RmsProp(ParameterStore store, double rho, double momentum, double epsilon, bool centered)
        : base(store, [.. StateNamesFor(momentum, centered)])
    {
        (_momentumSlot, _gradAvgSlot) = (momentum > 0 ? 1 : -1, centered ? (momentum > 0 ? 2 : 1) : -1);
        (_rho, _oneMinusRho, _momentum, _eps, _centered) = ((float)rho, (float)(1 - rho), (float)momentum, (float)epsilon, centered);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(int offset, int length, float lr)
    {
        var p = Param(offset, length);
        var g = Grad(offset, length);
        var v = Slot(0, offset, length);
        var b = _momentumSlot > 0 ? Slot(_momentumSlot, offset, length) : default;
        var m = _gradAvgSlot > 0 ? Slot(_gradAvgSlot, offset, length) : default;
        int i = Vector.IsHardwareAccelerated ? UpdateVector(p, g, v, b, m, lr) : 0;
        for (; i < p.Length; i++)
        {
            v[i] = _rho * v[i] + _oneMinusRho * g[i] * g[i];
            float avg;
            if (_centered)
            {
                m[i] = _rho * m[i] + _oneMinusRho * g[i];
                avg = MathF.Sqrt(v[i] - m[i] * m[i]) + _eps;
            }
            else
            {
                avg = MathF.Sqrt(v[i]) + _eps;
            }
            if (_momentum > 0)
            {
                b[i] = _momentum * b[i] + g[i] / avg;
                p[i] -= lr * b[i];
            }
            else
            {
                p[i] -= lr * g[i] / avg;
            }
        }
    }

    /// <summary>The loop above on whole vectors, same operations in the same order; returns the elements done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UpdateVector(Span<float> param, ReadOnlySpan<float> grad, Span<float> square, Span<float> buffer, Span<float> gradAvg, float lr)
    {
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float v = ref MemoryMarshal.GetReference(square);
        ref float b = ref MemoryMarshal.GetReference(buffer);
        ref float m = ref MemoryMarshal.GetReference(gradAvg);
        Vector<float> rho = new(_rho), oneMinusRho = new(_oneMinusRho), momentum = new(_momentum), eps = new(_eps), lrV = new(lr);
        bool centered = _centered, useMomentum = _momentum > 0;
        int n = param.Length, w = Vector<float>.Count, i = 0;
        for (; i <= n - w; i += w)
        {
            nuint k = (nuint)i;
            Vector<float> gi = Vector.LoadUnsafe(ref g, k);
            Vector<float> vi = rho * Vector.LoadUnsafe(ref v, k) + oneMinusRho * gi * gi;
            vi.StoreUnsafe(ref v, k);
            Vector<float> avg;
            if (centered)
            {
                Vector<float> mi = rho * Vector.LoadUnsafe(ref m, k) + oneMinusRho * gi;
                mi.StoreUnsafe(ref m, k);
                avg = Vector.SquareRoot(vi - mi * mi) + eps;
            }
            else
            {
                avg = Vector.SquareRoot(vi) + eps;
            }
            Vector<float> pi = Vector.LoadUnsafe(ref p, k);
            if (useMomentum)
            {
                Vector<float> bi = momentum * Vector.LoadUnsafe(ref b, k) + gi / avg;
                bi.StoreUnsafe(ref b, k);
                (pi - lrV * bi).StoreUnsafe(ref p, k);
            }
            else
            {
                (pi - lrV * gi / avg).StoreUnsafe(ref p, k);
            }
        }
        return i;
    }
}
