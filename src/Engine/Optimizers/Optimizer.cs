using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NetForge.Spec.Graph;
using NetForge.Engine.Kernels.Parallel;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Optimizers;

/// <summary>
/// Base of every optimizer: the parameter store, the step counter and the state, one contiguous
/// buffer allocated once and made of <see cref="StateNames"/>.Count sections, each with the layout of
/// <see cref="ParameterStore.Values"/> (so section <c>s</c> of parameter slice <c>p</c> is
/// <c>State[s·Count + p.Offset ..]</c>). <see cref="Step"/> is one flat loop over the trainable slices;
/// non-trainable slices (batchnorm moving statistics) are skipped. Update rules follow torch.optim
/// (1.13) exactly — verified against PyTorch trajectories (tools/fixtures/optimizers.py) — computed in
/// float32 with torch's scalar rounding; hyper-parameters come resolved from the spec (Keras 2 defaults).
/// Not supported (the spec has no keys for them): SGD dampening and L2 weight decay, Adagrad lr_decay,
/// <c>maximize</c>; AdamW's decay is the only weight decay.
/// </summary>
/// <remarks>
/// Every rule is elementwise, so the updates are vectorised (<see cref="System.Numerics.Vector{T}"/>, with the scalar
/// code's exact operation order: separate multiply and add, never a fused multiply-add, so the vector lanes and the
/// scalar tail give the same bits) and large slices are split over the <see cref="WorkerPool"/> when the store belongs to
/// an optimizer created for more than one thread: each element is computed the same way whatever the split.
/// </remarks>
public abstract class Optimizer
{
    /// <summary>Slices at least this long are split over the pool (below, waking a worker costs more than it saves).</summary>
    private const int ParallelMinElements = 1 << 15;
    /// <summary>Elements per work item of a parallel update (a multiple of every vector width).</summary>
    private const int ParallelBlock = 4096;

    private readonly float[] _state;

    protected Optimizer(ParameterStore store, params string[] stateNames)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        StateNames = stateNames;
        _state = new float[(long)stateNames.Length * store.Count];
    }

    public ParameterStore Store { get; }

    /// <summary>Steps taken so far (torch's <c>state['step']</c>); restored from checkpoints.</summary>
    public long StepCount { get; set; }

    /// <summary>Names of the state sections, e.g. <c>exp_avg</c>, <c>exp_avg_sq</c>; checkpoint tensor names are <c>optimizer.{name}</c>.</summary>
    public IReadOnlyList<string> StateNames { get; }

    /// <summary>The whole state buffer (sections back to back).</summary>
    public Span<float> State => _state;

    /// <summary>Section <paramref name="index"/> of the state, <see cref="ParameterStore.Count"/> floats.</summary>
    public Span<float> StateSection(int index) => _state.AsSpan(index * Store.Count, Store.Count);

    /// <summary>Section <paramref name="index"/> as memory, for checkpoints to write without a copy.</summary>
    public ReadOnlyMemory<float> StateMemory(int index) => _state.AsMemory(index * Store.Count, Store.Count);

    /// <summary>Threads large slices are split over (1..64); the result does not depend on it.</summary>
    public int Threads
    {
        get => _threads;
        set => _threads = value is >= 1 and <= 64 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "threads must be in 1..64");
    }

    private int _threads = 1;

    /// <summary>Applies one update with learning rate <paramref name="learningRate"/> to every trainable slice.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(float learningRate)
    {
        StepCount++;
        int threads = _threads;
        var slices = Store.Slices;
        for (int k = 0; k < slices.Count; k++)   // indexed: foreach over IReadOnlyList boxes an enumerator per step
        {
            var slice = slices[k];
            if (!slice.Trainable) continue;
            if (threads > 1 && slice.Length >= ParallelMinElements)
                WorkerPool.For(threads, (slice.Length + ParallelBlock - 1) / ParallelBlock, new UpdateBody(this, slice.Offset, slice.Length, learningRate));
            else
                Update(slice.Offset, slice.Length, learningRate);
        }
    }

    /// <summary>A range of <see cref="ParallelBlock"/>-element blocks of one slice.</summary>
    private readonly struct UpdateBody(Optimizer optimizer, int offset, int length, float lr) : IParallelBody
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int start, int end)
        {
            int first = start * ParallelBlock;
            int last = Math.Min(end * ParallelBlock, length);
            optimizer.Update(offset + first, last - first, lr);
        }
    }

    /// <summary>Updates parameters [offset, offset+length) from their gradients and state.</summary>
    protected abstract void Update(int offset, int length, float lr);

    protected Span<float> Param(int offset, int length) => Store.Values.AsSpan(offset, length);
    protected ReadOnlySpan<float> Grad(int offset, int length) => Store.Grads.AsSpan(offset, length);
    protected Span<float> Slot(int section, int offset, int length) => _state.AsSpan(section * Store.Count + offset, length);

    /// <summary>Builds the optimizer a resolved <see cref="OptimizerSpec"/> describes, splitting large updates over <paramref name="threads"/>.</summary>
    public static Optimizer Create(OptimizerSpec spec, ParameterStore store, int threads = 1)
    {
        var optimizer = Create(spec, store);
        optimizer.Threads = threads;
        return optimizer;
    }

    private static Optimizer Create(OptimizerSpec spec, ParameterStore store) => spec switch
    {
        SgdSpec s => new Sgd(store, s.Momentum, s.Nesterov),
        RmsPropSpec s => new RmsProp(store, s.Rho, s.Momentum, s.Epsilon, s.Centered),
        AdamSpec s => new Adam(store, s.Beta1, s.Beta2, s.Epsilon, s.Amsgrad, weightDecay: 0),
        AdamWSpec s => new Adam(store, s.Beta1, s.Beta2, s.Epsilon, s.Amsgrad, s.WeightDecay),
        AdadeltaSpec s => new Adadelta(store, s.Rho, s.Epsilon),
        AdagradSpec s => new Adagrad(store, s.InitialAccumulatorValue, s.Epsilon),
        null => throw new ArgumentNullException(nameof(spec)),
        _ => throw new NotSupportedException($"optimizer '{spec.Type}' is not supported"),
    };

    /// <summary>
    /// Global L2 norm clipping of the trainable gradients, like <c>torch.nn.utils.clip_grad_norm_</c>:
    /// if the norm exceeds <paramref name="maxNorm"/>, every gradient is scaled by maxNorm/(norm + 1e-6).
    /// Returns the norm before clipping.
    /// </summary>
    public static double ClipGradNorm(ParameterStore store, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(store);
        double sumSquares = 0;
        var slices = store.Slices;
        for (int k = 0; k < slices.Count; k++)
        {
            if (!slices[k].Trainable) continue;
            double n = TensorPrimitives.Norm((ReadOnlySpan<float>)store.Grad(slices[k]));
            sumSquares += n * n;
        }
        double norm = Math.Sqrt(sumSquares);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1)
        {
            for (int k = 0; k < slices.Count; k++)
            {
                if (slices[k].Trainable) TensorPrimitives.Multiply(store.Grad(slices[k]), (float)coef, store.Grad(slices[k]));
            }
        }
        return norm;
    }
}
