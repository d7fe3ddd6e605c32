using NetForge.Spec.Graph;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetForge.Torch;

/// <summary>
/// The spec's optimizer as a <c>torch.optim</c> optimizer over the trainable parameters (graph order), plus its state in
/// NetForge's checkpoint layout: one section per state name (<c>exp_avg</c>, ...) with the flat parameter layout
/// (frozen parameters hold zeros). The keras2 dialect's optimizers are already torch's update rules (the own engine
/// implements torch 1.13's, proven against PyTorch fixtures), so the mapping is one to one: SGD (momentum, nesterov),
/// RMSprop (alpha = rho, momentum, centered), Adam/AdamW (amsgrad; AdamW's decoupled decay), Adadelta, Adagrad
/// (initial accumulator).
/// </summary>
internal sealed class TorchOptimizer : IDisposable
{
    private readonly OptimizerHelper _optimizer;
    private readonly IReadOnlyList<(ParamSpec Spec, int Offset, Parameter Parameter)> _trainable;
    private readonly int _count;
    private readonly double _initialAccumulator;

    public TorchOptimizer(OptimizerSpec spec, IReadOnlyList<(ParamSpec Spec, int Offset, Parameter Parameter)> trainable, int count)
    {
        _trainable = trainable;
        _count = count;
        var ps = trainable.Select(t => t.Parameter).ToList();
        (_optimizer, StateNames) = spec switch
        {
            SgdSpec s => ((OptimizerHelper)optim.SGD(ps, s.LearningRate, s.Momentum, nesterov: s.Nesterov), s.Momentum != 0 ? ["momentum_buffer"] : Array.Empty<string>()),
            RmsPropSpec s => (optim.RMSProp(ps, s.LearningRate, s.Rho, s.Epsilon, momentum: s.Momentum, centered: s.Centered),
                [.. new[] { "square_avg" }, .. s.Momentum > 0 ? ["momentum_buffer"] : Array.Empty<string>(), .. s.Centered ? ["grad_avg"] : Array.Empty<string>()]),
            AdamSpec s => (optim.Adam(ps, s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, amsgrad: s.Amsgrad), AdamNames(s.Amsgrad)),
            AdamWSpec s => (optim.AdamW(ps, s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, s.WeightDecay, s.Amsgrad), AdamNames(s.Amsgrad)),
            AdadeltaSpec s => (optim.Adadelta(ps, s.LearningRate, s.Rho, s.Epsilon), ["square_avg", "acc_delta"]),
            AdagradSpec s => (optim.Adagrad(ps, s.LearningRate, initial_accumulator_value: s.InitialAccumulatorValue, eps: s.Epsilon), ["sum"]),
            null => throw new ArgumentNullException(nameof(spec)),
            _ => throw new NotSupportedException($"optimizer '{spec.Type}' is not supported by the TorchSharp engine"),
        };
        _initialAccumulator = spec is AdagradSpec a ? a.InitialAccumulatorValue : 0;
    }

    private static string[] AdamNames(bool amsgrad) => amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"];

    public IReadOnlyList<string> StateNames { get; }

    /// <summary>Steps taken (every parameter's <c>state.step</c>).</summary>
    public long Steps { get; private set; }

    public void Step(double learningRate)
    {
        foreach (var g in _optimizer.ParamGroups) g.LearningRate = learningRate;
        _optimizer.step();
        Steps++;
    }

    /// <summary>Sets the step counter of every parameter's state (bias corrections depend on it).</summary>
    public void SetSteps(long steps)
    {
        foreach (var s in States()) SetStep(s, steps);
        Steps = steps;
    }

    /// <summary>Section <paramref name="index"/> of the state in the flat layout (zeros where torch has no tensor yet).</summary>
    public float[] ReadSection(int index)
    {
        var flat = new float[_count];
        string name = StateNames[index];
        var states = States();
        for (int i = 0; i < _trainable.Count; i++)
        {
            var tensor = Field(states[i], name);
            var destination = flat.AsSpan(_trainable[i].Offset, (int)_trainable[i].Spec.Size);
            if (tensor is null)
            {
                if (name == "sum") destination.Fill((float)_initialAccumulator);
                continue;
            }
            using var values = tensor.contiguous();
            values.data<float>().CopyTo(destination);
        }
        return flat;
    }

    /// <summary>Replaces section <paramref name="index"/> from the flat layout.</summary>
    public void WriteSection(int index, ReadOnlySpan<float> flat)
    {
        string name = StateNames[index];
        var states = States();
        using var _ = no_grad();
        for (int i = 0; i < _trainable.Count; i++)
        {
            var (spec, offset, parameter) = _trainable[i];
            SetField(states[i], name, TorchSharpEngine.LibtorchCopy(flat.Slice(offset, (int)spec.Size), parameter.shape));
        }
    }

    private List<OptimizerState> States()
    {
        var states = _optimizer.state_dict().State;
        if (states.Count != _trainable.Count) throw new InvalidOperationException($"torch.optim holds {states.Count} parameter states for {_trainable.Count} trainable parameters");
        return states;
    }

    private static Tensor? Field(OptimizerState state, string name) => state switch
    {
        SGD.State s when name == "momentum_buffer" => s.momentum_buffer,
        RMSProp.State s => name switch { "square_avg" => s.square_avg, "momentum_buffer" => s.momentum_buffer, "grad_avg" => s.grad_avg, _ => Unknown(state, name) },
        Adam.State s => name switch { "exp_avg" => s.exp_avg, "exp_avg_sq" => s.exp_avg_sq, "max_exp_avg_sq" => s.max_exp_avg_sq, _ => Unknown(state, name) },
        AdamW.State s => name switch { "exp_avg" => s.exp_avg, "exp_avg_sq" => s.exp_avg_sq, "max_exp_avg_sq" => s.max_exp_avg_sq, _ => Unknown(state, name) },
        Adadelta.State s => name switch { "square_avg" => s.square_avg, "acc_delta" => s.acc_delta, _ => Unknown(state, name) },
        Adagrad.State s when name == "sum" => s.sum,
        _ => Unknown(state, name),
    };

    private static void SetField(OptimizerState state, string name, Tensor value)
    {
        value = value.DetachFromDisposeScope();
        switch (state)
        {
            case SGD.State s when name == "momentum_buffer": Replace(ref s.momentum_buffer, value); break;
            case RMSProp.State s when name == "square_avg": Replace(ref s.square_avg, value); break;
            case RMSProp.State s when name == "momentum_buffer": Replace(ref s.momentum_buffer, value); break;
            case RMSProp.State s when name == "grad_avg": Replace(ref s.grad_avg, value); break;
            case Adam.State s when name == "exp_avg": Replace(ref s.exp_avg, value); break;
            case Adam.State s when name == "exp_avg_sq": Replace(ref s.exp_avg_sq, value); break;
            case Adam.State s when name == "max_exp_avg_sq": Replace(ref s.max_exp_avg_sq, value); break;
            case AdamW.State s when name == "exp_avg": Replace(ref s.exp_avg, value); break;
            case AdamW.State s when name == "exp_avg_sq": Replace(ref s.exp_avg_sq, value); break;
            case AdamW.State s when name == "max_exp_avg_sq": Replace(ref s.max_exp_avg_sq, value); break;
            case Adadelta.State s when name == "square_avg": Replace(ref s.square_avg, value); break;
            case Adadelta.State s when name == "acc_delta": Replace(ref s.acc_delta, value); break;
            case Adagrad.State s when name == "sum": Replace(ref s.sum, value); break;
            default: Unknown(state, name); break;
        }
    }

    private static void SetStep(OptimizerState state, long steps)
    {
        switch (state)
        {
            case SGD.State: break; // SGD keeps no step
            case RMSProp.State s: s.step = steps; break;
            case Adam.State s: s.step = steps; break;
            case AdamW.State s: s.step = steps; break;
            case Adadelta.State s: s.step = steps; break;
            case Adagrad.State s: s.step = steps; break;
            default: Unknown(state, "step"); break;
        }
    }

    private static void Replace(ref Tensor? field, Tensor value)
    {
        field?.Dispose();
        field = value;
    }

    private static Tensor Unknown(OptimizerState state, string name) =>
        throw new NotSupportedException($"optimizer state {state.GetType().FullName} has no section '{name}'");

    public void Dispose() => _optimizer.Dispose();
}
