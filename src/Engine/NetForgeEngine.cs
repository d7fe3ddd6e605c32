using NetForge.Engine.Optimizers;
using NetForge.Spec.Graph;
using NetForge.Train.Checkpoints;
using NetForge.Train.Engines;

namespace NetForge.Engine;

/// <summary>
/// NetForge's own engine behind the shared loop's seam: a <see cref="Network"/> (SIMD kernels, bit-identical at any thread
/// count) and its <see cref="Optimizer"/>, both over one <see cref="Tensors.ParameterStore"/> whose flat buffer is the
/// seam's flat parameter view. Checkpoint tensors are slices of that buffer and of the optimizer's state: nothing is copied.
/// </summary>
public sealed class NetForgeEngine : ITrainingEngine
{
    /// <summary>The name run folders record.</summary>
    public const string EngineName = "netforge";

    /// <summary>Builds the engine for <paramref name="graph"/>: activations for <paramref name="maxBatch"/> samples, <paramref name="threads"/> workers.</summary>
    public NetForgeEngine(ModelGraph graph, int maxBatch, int threads)
    {
        Network = new Network(graph, maxBatch, threads);
        Optimizer = Optimizer.Create(graph.Train.Optimizer, Network.Parameters, threads);
    }

    /// <summary>The engine for a run folder's graph holding its trained parameters (parity and per-layer checks need the network itself).</summary>
    public static NetForgeEngine FromRun(Train.Training.RunFolder run, int maxBatch, int threads)
    {
        ArgumentNullException.ThrowIfNull(run);
        return (NetForgeEngine)run.CreateEngine(Factory, maxBatch, threads);
    }

    /// <summary>The factory the loop and the CLI use.</summary>
    public static ITrainingEngineFactory Factory { get; } = new NetForgeEngineFactory();

    public Network Network { get; }
    public Optimizer Optimizer { get; }

    public string Name => EngineName;
    public ModelGraph Graph => Network.Graph;
    public int MaxBatch => Network.MaxBatch;
    public int Threads => Network.Threads;
    public int InputSize => Network.InputSize;
    public int NumClasses => Network.NumClasses;
    public IReadOnlyList<string> OptimizerStateNames => Optimizer.StateNames;

    public long OptimizerSteps
    {
        get => Optimizer.StepCount;
        set => Optimizer.StepCount = value;
    }

    public void Initialize(ulong seed) => Network.Parameters.Initialize(seed);

    public void ReadParameters(Span<float> destination) => Network.Parameters.Values.CopyTo(destination);

    public void WriteParameters(ReadOnlySpan<float> source)
    {
        if (source.Length != Network.Parameters.Count)
            throw new ArgumentException($"the flat parameter view holds {Network.Parameters.Count} values, got {source.Length}", nameof(source));
        source.CopyTo(Network.Parameters.Values);
    }

    public IEnumerable<NamedTensor> CheckpointTensors()
    {
        var store = Network.Parameters;
        foreach (var s in store.Slices) yield return new NamedTensor(s.Path, s.Spec.Shape.ToArray(), store.Values.AsMemory(s.Offset, s.Length));
        for (int i = 0; i < Optimizer.StateNames.Count; i++)
            yield return new NamedTensor(RunCheckpoints.OptimizerPrefix + Optimizer.StateNames[i], [store.Count], Optimizer.StateMemory(i));
    }

    public void LoadCheckpoint(IReadOnlyDictionary<string, CheckpointTensor> tensors, string path, bool optimizer)
    {
        var store = Network.Parameters;
        foreach (var s in store.Slices) RunCheckpoints.Copy(path, tensors, s.Path, s.Spec.Shape.ToArray(), store.Value(s));
        if (!optimizer) return;
        for (int i = 0; i < Optimizer.StateNames.Count; i++)
            RunCheckpoints.Copy(path, tensors, RunCheckpoints.OptimizerPrefix + Optimizer.StateNames[i], [store.Count], Optimizer.StateSection(i));
    }

    public void ZeroGrad() => Network.Parameters.ZeroGrad();

    public StepResult TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, ulong dropoutKey) =>
        Network.TrainStep(input, labels, batch, dropoutKey);

    public double ClipGradNorm(double maxNorm) => Optimizer.ClipGradNorm(Network.Parameters, maxNorm);

    public void Step(float learningRate) => Optimizer.Step(learningRate);

    public string? FirstNonFinite(bool gradients) =>
        Network.Parameters.FirstNonFinite(gradients ? Network.Parameters.Grads : Network.Parameters.Values)?.Path;

    public StepResult Evaluate(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, Span<float> probabilities) =>
        Network.Evaluate(input, labels, batch, probabilities);

    public void Predict(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> probabilities) =>
        Network.Predict(input, batch, logits, probabilities);

    /// <summary>Nothing to release: every buffer is managed.</summary>
    public void Dispose() { }

    /// <summary>
    /// Estimated bytes a <see cref="Network"/> of <paramref name="graph"/> allocates at <paramref name="batchSize"/>:
    /// per layer three batch-sized buffers of its output (activation, gradient, one working buffer such as a
    /// pre-activation or mask) plus the input and its gradient, and five parameter-sized buffers (values, gradients,
    /// up to three optimizer state sections). A deliberate over-estimate of the dominant terms, used to refuse a run
    /// up front rather than fail after allocating.
    /// </summary>
    public static long EstimateMemoryBytes(ModelGraph graph, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(graph);
        long perSample = 2 * graph.Input.Shape.Size;
        foreach (var layer in graph.Layers) perSample += 3 * layer.OutputShape.Size;
        return 4L * (perSample * batchSize + 5L * graph.ParameterCount);
    }

    private sealed class NetForgeEngineFactory : ITrainingEngineFactory
    {
        public string Name => EngineName;
        public long EstimateMemoryBytes(ModelGraph graph, int batchSize) => NetForgeEngine.EstimateMemoryBytes(graph, batchSize);
        public ITrainingEngine Create(ModelGraph graph, int maxBatch, int threads) => new NetForgeEngine(graph, maxBatch, threads);
    }
}
