using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Optimizers;

/// <summary>
/// torch.optim.SGD (dampening 0, no weight decay): b = μ·b + g; d = nesterov ? g + μ·b : b; p −= lr·d.
/// With μ = 0 there is no state: p −= lr·g. Keras writes momentum as v = μ·v − lr·g, which is the same
/// while the learning rate is constant.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float _momentum;
    private readonly bool _nesterov;

    public Sgd(ParameterStore store, double momentum, bool nesterov)
        : base(store, momentum != 0 ? ["momentum_buffer"] : [])
    {
        if (nesterov && momentum <= 0) throw new ArgumentException("nesterov needs momentum > 0", nameof(nesterov));
        _momentum = (float)momentum;
        _nesterov = nesterov;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(int offset, int length, float lr)
    {
        var p = Param(offset, length);
        var g = Grad(offset, length);
        if (_momentum == 0)
        {
            for (int j = Vector.IsHardwareAccelerated ? UpdateVector(p, g, default, lr) : 0; j < p.Length; j++) p[j] -= lr * g[j];
            return;
        }
        var b = Slot(0, offset, length);
        int i = Vector.IsHardwareAccelerated ? UpdateVector(p, g, b, lr) : 0;
        for (; i < p.Length; i++)
        {
            b[i] = _momentum * b[i] + g[i];
            float d = _nesterov ? g[i] + _momentum * b[i] : b[i];
            p[i] -= lr * d;
        }
    }

    /// <summary>The loops above on whole vectors, same operations in the same order; returns the elements done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UpdateVector(Span<float> param, ReadOnlySpan<float> grad, Span<float> buffer, float lr)
    {
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float b = ref MemoryMarshal.GetReference(buffer);
        Vector<float> momentum = new(_momentum), lrV = new(lr);
        bool plain = _momentum == 0, nesterov = _nesterov;
        int n = param.Length, w = Vector<float>.Count, i = 0;
        for (; i <= n - w; i += w)
        {
            nuint k = (nuint)i;
            Vector<float> gi = Vector.LoadUnsafe(ref g, k);
            Vector<float> d = gi;
            if (!plain)
            {
                Vector<float> bi = momentum * Vector.LoadUnsafe(ref b, k) + gi;
                bi.StoreUnsafe(ref b, k);
                d = nesterov ? gi + momentum * bi : bi;
            }
            (Vector.LoadUnsafe(ref p, k) - lrV * d).StoreUnsafe(ref p, k);
        }
        return i;
    }
}
