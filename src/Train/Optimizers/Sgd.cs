using NetForge.Train.Tensors;

namespace NetForge.Train.Optimizers;

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

    protected override void Update(int offset, int length, float lr)
    {
        var p = Param(offset, length);
        var g = Grad(offset, length);
        if (_momentum == 0)
        {
            for (int i = 0; i < p.Length; i++) p[i] -= lr * g[i];
            return;
        }
        var b = Slot(0, offset, length);
        for (int i = 0; i < p.Length; i++)
        {
            b[i] = _momentum * b[i] + g[i];
            float d = _nesterov ? g[i] + _momentum * b[i] : b[i];
            p[i] -= lr * d;
        }
    }
}
