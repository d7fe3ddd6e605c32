using NetForge.Spec.Graph;
using NetForge.Torch.Modules;
using NetForge.Train.Checkpoints;
using NetForge.Train.Engines;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NetForge.Torch;

/// <summary>
/// The TorchSharp engine behind the shared loop's seam: the graph compiled into a <see cref="NetForgeModule"/>
/// (parameters <c>layers.N.weight</c> in NetForge's layouts) and its <c>torch.optim</c> optimizer. Initial weights come
/// from the shared initializers (the same bits as the own engine for a seed), dropout masks from the loop's key, so the
/// two engines train the same model on the same batches; they differ only by float rounding. libtorch runs on
/// <see cref="Threads"/> intra-op threads (set MKL_NUM_THREADS and OMP_NUM_THREADS to the same for its best speed).
/// </summary>
public sealed class TorchSharpEngine : ITrainingEngine
{
    /// <summary>The name run folders record.</summary>
    public const string EngineName = "torchsharp";

    private readonly StepContext _context = new();
    private readonly List<(ParamSpec Spec, int Offset, Tensor Tensor)> _all = [];
    private readonly TorchOptimizer _optimizer;
    private readonly long[] _sampleShape;

    /// <summary>Builds the engine; throws <see cref="TorchSharpUnavailableException"/> where libtorch cannot load.</summary>
    public TorchSharpEngine(ModelGraph graph, int maxBatch, int threads)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        TorchSharpRuntime.EnsureAvailable();
        torch.set_num_threads(threads);
        _ = Libtorch.MkldnnDisabled;   // oneDNN off before the first convolution (its backward is wrong here)
        Graph = graph;
        MaxBatch = maxBatch;
        Threads = threads;
        Module = new NetForgeModule(graph, _context);
        _sampleShape = [.. graph.Input.Shape.Select(d => (long)d)];
        InputSize = (int)graph.Input.Shape.Size;
        NumClasses = graph.NumClasses;

        var named = Module.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(Module.named_buffers().Select(b => (b.name, b.buffer))).ToDictionary(p => p.Item1, p => p.Item2);
        int offset = 0;
        var trainable = new List<(ParamSpec, int, Parameter)>();
        foreach (var spec in graph.Parameters)
        {
            if (!named.Remove(spec.Path, out var tensor))
                throw new InvalidOperationException($"the TorchSharp module has no tensor '{spec.Path}'");
            if (!tensor.shape.SequenceEqual(spec.Shape.Select(d => (long)d)))
                throw new InvalidOperationException($"'{spec.Path}': TorchSharp shape [{string.Join(", ", tensor.shape)}], IR shape {spec.Shape}");
            _all.Add((spec, offset, tensor));
            if (spec.Trainable) trainable.Add((spec, offset, (Parameter)tensor));
            offset += (int)spec.Size;
        }

        if (named.Count > 0) throw new InvalidOperationException($"the TorchSharp module has tensors the IR does not: {string.Join(", ", named.Keys)}");
        ParameterCount = offset;
        _optimizer = new TorchOptimizer(graph.Train.Optimizer, trainable, offset);
    }

    /// <summary>The factory the loop and the CLI use.</summary>
    public static ITrainingEngineFactory Factory { get; } = new TorchSharpEngineFactory();

    /// <summary>The TorchSharp module (for users who want to keep working with it in TorchSharp).</summary>
    public NetForgeModule Module { get; }

    public string Name => EngineName;
    public ModelGraph Graph { get; }
    public int MaxBatch { get; }
    public int Threads { get; }
    public int InputSize { get; }
    public int NumClasses { get; }
    private int ParameterCount { get; }
    public IReadOnlyList<string> OptimizerStateNames => _optimizer.StateNames;

    public long OptimizerSteps
    {
        get => _optimizer.Steps;
        set => _optimizer.SetSteps(value);
    }

    public void Initialize(ulong seed)
    {
        var flat = new float[ParameterCount];
        Train.Initializers.Initializers.Apply(Graph.Parameters, flat, seed);
        WriteParameters(flat);
    }

    public void ReadParameters(Span<float> destination)
    {
        if (destination.Length < ParameterCount) throw new ArgumentException($"the flat parameter view needs {ParameterCount} values, got {destination.Length}", nameof(destination));
        foreach (var (spec, offset, tensor) in _all) tensor.data<float>().CopyTo(destination.Slice(offset, (int)spec.Size));
    }

    public void WriteParameters(ReadOnlySpan<float> source)
    {
        if (source.Length != ParameterCount) throw new ArgumentException($"the flat parameter view holds {ParameterCount} values, got {source.Length}", nameof(source));
        using var _ = no_grad();
        foreach (var (spec, offset, tensor) in _all)
        {
            using var values = LibtorchCopy(source.Slice(offset, (int)spec.Size), tensor.shape);
            tensor.copy_(values); // through torch, so the tensor's version counter moves
        }
    }

    /// <summary>The gradients in the flat layout (frozen parameters: zeros).</summary>
    public void ReadGradients(Span<float> destination)
    {
        destination[..ParameterCount].Clear();
        foreach (var (spec, offset, tensor) in _all)
        {
            if (!spec.Trainable) continue;
            using var g = tensor.grad;
            g?.data<float>().CopyTo(destination.Slice(offset, (int)spec.Size));
        }
    }

    public IEnumerable<NamedTensor> CheckpointTensors()
    {
        var flat = new float[ParameterCount];
        ReadParameters(flat);
        foreach (var (spec, offset, _) in _all) yield return new NamedTensor(spec.Path, [.. spec.Shape], flat.AsMemory(offset, (int)spec.Size));
        for (int i = 0; i < _optimizer.StateNames.Count; i++)
            yield return new NamedTensor(RunCheckpoints.OptimizerPrefix + _optimizer.StateNames[i], [ParameterCount], _optimizer.ReadSection(i));
    }

    public void LoadCheckpoint(IReadOnlyDictionary<string, CheckpointTensor> tensors, string path, bool optimizer)
    {
        var flat = new float[ParameterCount];
        foreach (var (spec, offset, _) in _all) RunCheckpoints.Copy(path, tensors, spec.Path, [.. spec.Shape], flat.AsSpan(offset, (int)spec.Size));
        WriteParameters(flat);
        if (!optimizer) return;
        for (int i = 0; i < _optimizer.StateNames.Count; i++)
            _optimizer.WriteSection(i, RunCheckpoints.Require(path, tensors, RunCheckpoints.OptimizerPrefix + _optimizer.StateNames[i], [ParameterCount]).Data);
    }

    public void ZeroGrad()
    {
        foreach (var (spec, _, tensor) in _all)
        {
            if (!spec.Trainable) continue;
            using var g = tensor.grad;
            g?.zero_();
        }
    }

    public StepResult TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, ulong dropoutKey)
    {
        using var scope = NewDisposeScope();
        Module.train();
        _context.DropoutKey = dropoutKey;
        var logits = Module.forward(Input(input, batch));
        var y = Labels(labels, batch);
        var loss = F.cross_entropy(logits, y);
        loss.backward();
        return new StepResult(loss.item<float>(), Correct(logits, y));
    }

    public double ClipGradNorm(double maxNorm) =>
        nn.utils.clip_grad_norm_(_all.Where(p => p.Spec.Trainable).Select(p => (Parameter)p.Tensor), maxNorm);

    public void Step(float learningRate) => _optimizer.Step(learningRate);

    public string? FirstNonFinite(bool gradients)
    {
        using var scope = NewDisposeScope();
        foreach (var (spec, _, tensor) in _all)
        {
            var t = gradients ? (spec.Trainable ? tensor.grad : null) : tensor;
            if (t is not null && !t.isfinite().all().item<bool>()) return spec.Path;
        }
        return null;
    }

    public StepResult Evaluate(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, Span<float> probabilities)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Module.eval();
        var logits = Module.forward(Input(input, batch));
        var y = Labels(labels, batch);
        double loss = F.cross_entropy(logits, y).item<float>();
        if (!probabilities.IsEmpty) NetForgeModule.Probabilities(logits).data<float>().CopyTo(probabilities[..(batch * NumClasses)]);
        return new StepResult(loss, Correct(logits, y));
    }

    public void Predict(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> probabilities)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Module.eval();
        var z = Module.forward(Input(input, batch));
        z.data<float>().CopyTo(logits[..(batch * NumClasses)]);
        NetForgeModule.Probabilities(z).data<float>().CopyTo(probabilities[..(batch * NumClasses)]);
    }

    private Tensor Input(ReadOnlySpan<float> input, int batch)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch must be in [1, {MaxBatch}]");
        if (input.Length < batch * InputSize) throw new ArgumentException($"input holds {input.Length} values, a batch of {batch} needs {batch * InputSize}", nameof(input));
        return LibtorchCopy(input[..(batch * InputSize)], [batch, .. _sampleShape]);
    }

    private Tensor Labels(ReadOnlySpan<int> labels, int batch)
    {
        if (labels.Length < batch) throw new ArgumentException($"{labels.Length} labels for a batch of {batch}", nameof(labels));
        var y = new long[batch];
        for (int i = 0; i < batch; i++)
        {
            if ((uint)labels[i] >= (uint)NumClasses) throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"label {i} is outside [0, {NumClasses})");
            y[i] = labels[i];
        }
        var t = torch.empty([batch], ScalarType.Int64);
        t.data<long>().CopyFrom(y);
        return t;
    }

    /// <summary>
    /// A libtorch-owned tensor holding a copy of <paramref name="values"/> (never one that borrows managed memory, as
    /// <c>torch.tensor(float[])</c> does: autograd may keep such a tensor alive past the step).
    /// </summary>
    internal static Tensor LibtorchCopy(ReadOnlySpan<float> values, long[] shape)
    {
        var t = torch.empty(shape, ScalarType.Float32);
        t.data<float>().CopyFrom(values);
        return t;
    }

    // The same argmax as everywhere in NetForge (first on ties), over the logits (softmax keeps the order).
    private int Correct(Tensor logits, Tensor labels)
    {
        var z = logits.detach().data<float>().ToArray();
        var y = labels.data<long>().ToArray();
        int correct = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(z.AsSpan(i * NumClasses, NumClasses)) == y[i]) correct++;
        }
        return correct;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        Module.Dispose();
    }

    /// <summary>
    /// Bytes libtorch will hold for <paramref name="graph"/> at <paramref name="batchSize"/>: autograd keeps about four
    /// batch-sized tensors per layer output (activation, its gradient, the pre-activation, a mask or index), plus five
    /// parameter-sized buffers (values, gradients, up to three optimizer sections). An over-estimate of the dominant terms.
    /// </summary>
    public static long EstimateMemoryBytes(ModelGraph graph, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(graph);
        long perSample = 2 * graph.Input.Shape.Size;
        foreach (var layer in graph.Layers) perSample += 4 * layer.OutputShape.Size;
        return 4L * (perSample * batchSize + 5L * graph.ParameterCount);
    }

    private sealed class TorchSharpEngineFactory : ITrainingEngineFactory
    {
        public string Name => EngineName;
        public long EstimateMemoryBytes(ModelGraph graph, int batchSize) => TorchSharpEngine.EstimateMemoryBytes(graph, batchSize);
        public ITrainingEngine Create(ModelGraph graph, int maxBatch, int threads) => new TorchSharpEngine(graph, maxBatch, threads);
    }
}
