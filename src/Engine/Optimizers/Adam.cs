using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Optimizers;

/// <summary>
/// torch.optim.Adam / AdamW (weight decay &gt; 0 is AdamW's decoupled decay: p −= lr·wd·p first).
/// m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; amsgrad: v̂ = max(v̂, v) replaces v;
/// p −= lr/(1−β1ᵗ) · m / (sqrt(v)/sqrt(1−β2ᵗ) + ε). Keras puts ε inside the bias correction
/// (ε̂ = ε·sqrt(1−β2ᵗ)); with ε = 1e-7 the two agree to ~1e-7.
/// </summary>
public sealed class Adam : Optimizer
{
    // torch forms 1 − β in double and rounds once; doing it in float differs by ~1e-5 relative.
    private readonly float _beta1, _beta2, _oneMinusBeta1, _oneMinusBeta2, _eps;
    private readonly double _beta1d, _beta2d, _weightDecay;
    private readonly bool _amsgrad;

    public Adam(ParameterStore store, double beta1, double beta2, double epsilon, bool amsgrad, double weightDecay)
        : base(store, amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"])
    {
        (_beta1d, _beta2d) = (beta1, beta2);
        (_beta1, _beta2, _eps, _amsgrad, _weightDecay) = ((float)beta1, (float)beta2, (float)epsilon, amsgrad, weightDecay);
        (_oneMinusBeta1, _oneMinusBeta2) = ((float)(1 - beta1), (float)(1 - beta2));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(int offset, int length, float lr)
    {
        var p = Param(offset, length);
        var g = Grad(offset, length);
        var m = Slot(0, offset, length);
        var v = Slot(1, offset, length);
        var vMax = _amsgrad ? Slot(2, offset, length) : default;
        float stepSize = (float)(lr / (1 - Math.Pow(_beta1d, StepCount)));
        float bc2Sqrt = (float)Math.Sqrt(1 - Math.Pow(_beta2d, StepCount));
        float decay = (float)(1 - lr * _weightDecay);
        int i = Vector.IsHardwareAccelerated ? UpdateVector(p, g, m, v, vMax, stepSize, bc2Sqrt, decay) : 0;
        for (; i < p.Length; i++)
        {
            if (_weightDecay != 0) p[i] *= decay;
            m[i] = _beta1 * m[i] + _oneMinusBeta1 * g[i];
            v[i] = _beta2 * v[i] + _oneMinusBeta2 * g[i] * g[i];
            float second = v[i];
            if (_amsgrad) second = vMax[i] = MathF.Max(vMax[i], v[i]);
            p[i] -= stepSize * (m[i] / (MathF.Sqrt(second) / bc2Sqrt + _eps));
        }
    }

    /// <summary>The loop above on whole vectors, same operations in the same order; returns the elements done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int UpdateVector(Span<float> param, ReadOnlySpan<float> grad, Span<float> avg, Span<float> avgSq, Span<float> maxAvgSq,
        float stepSize, float bc2Sqrt, float decay)
    {
        ref float p = ref MemoryMarshal.GetReference(param);
        ref float g = ref MemoryMarshal.GetReference(grad);
        ref float m = ref MemoryMarshal.GetReference(avg);
        ref float v = ref MemoryMarshal.GetReference(avgSq);
        ref float vMax = ref MemoryMarshal.GetReference(maxAvgSq);
        Vector<float> beta1 = new(_beta1), beta2 = new(_beta2), oneMinusBeta1 = new(_oneMinusBeta1), oneMinusBeta2 = new(_oneMinusBeta2);
        Vector<float> eps = new(_eps), step = new(stepSize), bc2 = new(bc2Sqrt), decayV = new(decay);
        bool weightDecay = _weightDecay != 0, amsgrad = _amsgrad;
        int n = param.Length, w = Vector<float>.Count, i = 0;
        for (; i <= n - w; i += w)
        {
            nuint k = (nuint)i;
            Vector<float> gi = Vector.LoadUnsafe(ref g, k);
            Vector<float> pi = Vector.LoadUnsafe(ref p, k);
            if (weightDecay) pi *= decayV;
            Vector<float> mi = beta1 * Vector.LoadUnsafe(ref m, k) + oneMinusBeta1 * gi;
            mi.StoreUnsafe(ref m, k);
            Vector<float> vi = beta2 * Vector.LoadUnsafe(ref v, k) + oneMinusBeta2 * gi * gi;
            vi.StoreUnsafe(ref v, k);
            Vector<float> second = vi;
            if (amsgrad)
            {
                second = Vector.Max(Vector.LoadUnsafe(ref vMax, k), vi);
                second.StoreUnsafe(ref vMax, k);
            }
            (pi - step * (mi / (Vector.SquareRoot(second) / bc2 + eps))).StoreUnsafe(ref p, k);
        }
        return i;
    }
}
