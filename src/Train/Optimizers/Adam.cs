using NetForge.Train.Tensors;

namespace NetForge.Train.Optimizers;

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
        for (int i = 0; i < p.Length; i++)
        {
            if (_weightDecay != 0) p[i] *= decay;
            m[i] = _beta1 * m[i] + _oneMinusBeta1 * g[i];
            v[i] = _beta2 * v[i] + _oneMinusBeta2 * g[i] * g[i];
            float second = v[i];
            if (_amsgrad) second = vMax[i] = MathF.Max(vMax[i], v[i]);
            p[i] -= stepSize * (m[i] / (MathF.Sqrt(second) / bc2Sqrt + _eps));
        }
    }
}
