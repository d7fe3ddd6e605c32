using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Optimizers;

/// <summary>
/// torch.optim.Adadelta: v = ρ·v + (1−ρ)·g²; d = sqrt(u + ε)/sqrt(v + ε)·g; u = ρ·u + (1−ρ)·d²; p −= lr·d.
/// </summary>
public sealed class Adadelta : Optimizer
{
    private readonly float _rho, _oneMinusRho, _eps;

    public Adadelta(ParameterStore store, double rho, double epsilon)
        : base(store, ["square_avg", "acc_delta"])
    {
        (_rho, _oneMinusRho, _eps) = ((float)rho, (float)(1 - rho), (float)epsilon);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(int offset, int length, float lr)
    {
        var p = Param(offset, length);
        var g = Grad(offset, length);
        var v = Slot(0, offset, length);
        var u = Slot(1, offset, length);
        int i = Vector.IsHardwareAccelerated ? UpdateVector(p, g, v, u, lr) : 0;
        for (; i < p.Length; i++)
        {
            v[i] = _rho * v[i] + _oneMinusRho * g[i] * g[i];
            float d = MathF.Sqrt(u[i] + _eps) / MathF.Sqrt(v[i] + _eps) * g[i];
            u[i] = _rho * u[i] + _oneMinusRho * d * d;
            p[i] -= lr * d;
        }
    }

    /// <summary>The loop above on whole vectors, same operations in the same order; returns the elements done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UpdateVector(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> deltaAvg, float lr)
    {
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float v = ref MemoryMarshal.GetReference(squareAvg);
        ref float u = ref MemoryMarshal.GetReference(deltaAvg);
        Vector<float> rho = new(_rho), oneMinusRho = new(_oneMinusRho), eps = new(_eps), lrV = new(lr);
        int n = param.Length, w = Vector<float>.Count, i = 0;
        for (; i <= n - w; i += w)
        {
            nuint k = (nuint)i;
            Vector<float> gi = Vector.LoadUnsafe(ref g, k);
            Vector<float> vi = rho * Vector.LoadUnsafe(ref v, k) + oneMinusRho * gi * gi;
            vi.StoreUnsafe(ref v, k);
            Vector<float> ui = Vector.LoadUnsafe(ref u, k);
            Vector<float> d = Vector.SquareRoot(ui + eps) / Vector.SquareRoot(vi + eps) * gi;
            (rho * ui + oneMinusRho * d * d).StoreUnsafe(ref u, k);
            (Vector.LoadUnsafe(ref p, k) - lrV * d).StoreUnsafe(ref p, k);
        }
        return i;
    }
}
