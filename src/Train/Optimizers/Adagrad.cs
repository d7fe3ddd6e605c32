using NetForge.Train.Tensors;

namespace NetForge.Train.Optimizers;

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

    protected override void Update(int offset, int length, float lr)
    {
        var p = Param(offset, length);
        var g = Grad(offset, length);
        var s = Slot(0, offset, length);
        for (int i = 0; i < p.Length; i++)
        {
            s[i] += g[i] * g[i];
            p[i] -= lr * g[i] / (MathF.Sqrt(s[i]) + _eps);
        }
    }
}
