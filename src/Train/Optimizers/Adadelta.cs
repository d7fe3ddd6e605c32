using NetForge.Train.Tensors;

namespace NetForge.Train.Optimizers;

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

    protected override void Update(int offset, int length, float lr)
    {
        var p = Param(offset, length);
        var g = Grad(offset, length);
        var v = Slot(0, offset, length);
        var u = Slot(1, offset, length);
        for (int i = 0; i < p.Length; i++)
        {
            v[i] = _rho * v[i] + _oneMinusRho * g[i] * g[i];
            float d = MathF.Sqrt(u[i] + _eps) / MathF.Sqrt(v[i] + _eps) * g[i];
            u[i] = _rho * u[i] + _oneMinusRho * d * d;
            p[i] -= lr * d;
        }
    }
}
