using NetForge.Spec.Graph;
using NetForge.Train.Checkpoints;

namespace NetForge.Train.Engines;

/// <summary>Mean loss over the batch and the number of samples whose argmax equals the label.</summary>
public readonly record struct StepResult(double Loss, int Correct);

/// <summary>A checkpoint tensor as an engine hands it out: its name, shape and data (no copy where the engine can).</summary>
public readonly record struct NamedTensor(string Name, int[] Shape, ReadOnlyMemory<float> Data);

/// <summary>
/// What the shared training loop (<see cref="Training.Trainer"/>), evaluation and checkpoints need from an engine: a
/// network compiled from the IR with its optimizer. Parameters carry the IR's paths and layouts
/// (<c>layers.N.weight</c>, dense <c>[units, in]</c>, conv <c>[filters, in, kh, kw]</c>); the flat parameter view is every
/// parameter of <see cref="ModelGraph.Parameters"/> back to back in that order. Inputs are raw samples (the graph's input
/// scale is applied inside), labels are class indices, loss is the mean softmax cross-entropy. Randomness comes in
/// through the dropout key the loop derives from (seed, epoch, step), so an engine keeps no random state.
/// </summary>
public interface ITrainingEngine : IDisposable
{
    /// <summary>The engine's name as run folders record it (<c>netforge</c>).</summary>
    string Name { get; }

    ModelGraph Graph { get; }

    /// <summary>The largest batch a call accepts.</summary>
    int MaxBatch { get; }

    int Threads { get; }

    /// <summary>Values per sample (784 for MNIST).</summary>
    int InputSize { get; }

    int NumClasses { get; }

    /// <summary>Fills every parameter from its initializer (<see cref="Initializers.Initializers"/>: the same bits in every engine).</summary>
    void Initialize(ulong seed);

    /// <summary>Copies the flat parameter view into <paramref name="destination"/> (<see cref="ModelGraph.ParameterCount"/> floats).</summary>
    void ReadParameters(Span<float> destination);

    /// <summary>Replaces every parameter from the flat view <paramref name="source"/>.</summary>
    void WriteParameters(ReadOnlySpan<float> source);

    /// <summary>Names of the optimizer's state sections (<c>exp_avg</c>, ...), each with the flat parameter layout.</summary>
    IReadOnlyList<string> OptimizerStateNames { get; }

    /// <summary>Optimizer steps taken (torch's <c>state['step']</c>); restored on resume.</summary>
    long OptimizerSteps { get; set; }

    /// <summary>What a checkpoint stores: every parameter by path and every optimizer section as <c>optimizer.{name}</c> [count].</summary>
    IEnumerable<NamedTensor> CheckpointTensors();

    /// <summary>Loads parameters (and with <paramref name="optimizer"/> the optimizer state) from checkpoint tensors, checking names and shapes.</summary>
    /// <exception cref="CheckpointException">A tensor is missing or has another shape; the message names <paramref name="path"/>.</exception>
    void LoadCheckpoint(IReadOnlyDictionary<string, CheckpointTensor> tensors, string path, bool optimizer);

    void ZeroGrad();

    /// <summary>Training-mode forward, loss and backward; gradients are ADDED (call <see cref="ZeroGrad"/> first).</summary>
    StepResult TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, ulong dropoutKey);

    /// <summary>Global L2 clipping of the trainable gradients (torch's <c>clip_grad_norm_</c>); returns the norm before.</summary>
    double ClipGradNorm(double maxNorm);

    /// <summary>One optimizer update with <paramref name="learningRate"/>.</summary>
    void Step(float learningRate);

    /// <summary>The path of the first parameter whose gradients (or values) hold a NaN or infinity, else null.</summary>
    string? FirstNonFinite(bool gradients);

    /// <summary>Inference-mode forward: loss, hits and, when <paramref name="probabilities"/> is not empty, the class probabilities, in one pass.</summary>
    StepResult Evaluate(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, Span<float> probabilities);

    /// <summary>Inference-mode forward: logits and probabilities, each [batch, NumClasses].</summary>
    void Predict(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> probabilities);
}

/// <summary>Builds an engine for a graph; the loop asks for one with the batch size and thread count of the run.</summary>
public interface ITrainingEngineFactory
{
    /// <summary>The engine's name (<c>netforge</c>, <c>torchsharp</c>).</summary>
    string Name { get; }

    /// <summary>Bytes the engine will allocate for <paramref name="graph"/> at <paramref name="batchSize"/> (checked before building).</summary>
    long EstimateMemoryBytes(ModelGraph graph, int batchSize);

    ITrainingEngine Create(ModelGraph graph, int maxBatch, int threads);
}
