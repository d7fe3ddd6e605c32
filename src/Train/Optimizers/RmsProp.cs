using NetForge.Train.Tensors;

namespace NetForge.Train.Optimizers;

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

    protected override void Update(int offset, int length, float lr)
    {
        var p = Param(offset, length);
        var g = Grad(offset, length);
        var v = Slot(0, offset, length);
        var b = _momentumSlot > 0 ? Slot(_momentumSlot, offset, length) : default;
        var m = _gradAvgSlot > 0 ? Slot(_gradAvgSlot, offset, length) : default;
        for (int i = 0; i < p.Length; i++)
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
}
