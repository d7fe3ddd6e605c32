using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;
using NetForge.Engine.Layers;
using NetForge.Engine.Tensors;
using NetForge.Train.Engines;

namespace NetForge.Engine;

/// <summary>
/// A compiled sequential network: one layer object per <see cref="LayerNode"/>, activations
/// preallocated for <see cref="MaxBatch"/> samples, parameters in one <see cref="ParameterStore"/>.
/// Inputs are raw samples (e.g. 0–255 pixels as floats, [batch, InputSize]); the graph's input
/// scale is applied inside, exactly as the exported ONNX graph does.
/// </summary>
/// <remarks>
/// <para>Loss head: the final softmax (a dense layer's <c>activation: softmax</c>, or a last
/// <c>activation: softmax</c> layer) is not run inside the layer; the network takes the logits before it
/// and runs the fused softmax + cross-entropy (<see cref="SoftmaxCrossEntropy"/>). A network without a
/// final softmax is trained on its outputs as logits the same way. <see cref="LayerOutput"/> of the final
/// softmax layer returns the probabilities.</para>
/// <para>Dropout keys: layer <c>l</c> uses <c>CounterRng.Stream(dropoutKey, l, 0)</c>, where the trainer
/// passes <c>dropoutKey = Stream(Stream(seed, DropoutStream, epoch), step, 0)</c>.</para>
/// <para>Nothing is allocated per <see cref="TrainStep"/>, <c>Evaluate</c> or <see cref="Predict"/>
/// after construction. Every kernel reduces in an order independent of <see cref="Threads"/>, so results
/// are bit-identical for any thread count.</para>
/// </remarks>
public sealed partial class Network
{
    private readonly ILayer[] _layers;
    private readonly float[][] _acts;   // _acts[0] scaled input, _acts[i + 1] output of layer i (Flatten aliases)
    private readonly float[][] _grads;  // gradient w.r.t. _acts[i]
    private readonly float[] _probs;
    private readonly int _run;          // layers run by forward/backward (the final softmax layer is not)
    private readonly bool _finalSoftmax;
    private readonly float _scale;
    private readonly float[]? _mean, _std;   // input.normalize expanded to one value per input element, or null
    private int _lastBatch;

    public ModelGraph Graph { get; }
    public ParameterStore Parameters { get; }
    public int MaxBatch { get; }
    public int Threads { get; }
    public int InputSize { get; }
    public int NumClasses { get; }

    public Network(ModelGraph graph, int maxBatch, int threads)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (graph.Layers.Count == 0) throw new ArgumentException("the graph has no layers", nameof(graph));
        Graph = graph;
        MaxBatch = maxBatch;
        Threads = threads;
        InputSize = (int)graph.Input.Shape.Size;
        NumClasses = graph.NumClasses;
        Parameters = new ParameterStore(graph.Parameters);
        _scale = (float)graph.Input.Scale;
        if (graph.Input.Normalize is { } norm)
        {
            var (mean, std) = norm.PerGroup(graph.Input.NormalizationGroups);
            int stride = graph.Input.NormalizationStride;
            _mean = new float[InputSize];
            _std = new float[InputSize];
            for (int g = 0; g < mean.Length; g++)
            {
                _mean.AsSpan(g * stride, stride).Fill(mean[g]);
                _std.AsSpan(g * stride, stride).Fill(std[g]);
            }
        }

        int n = graph.Layers.Count;
        var last = graph.Layers[^1];
        bool softmaxLayer = last is ActivationNode { Activation: Activation.Softmax };
        _finalSoftmax = softmaxLayer || last is DenseNode { Activation: Activation.Softmax };
        _run = softmaxLayer ? n - 1 : n;

        _layers = new ILayer[n];
        _acts = new float[n + 1][];
        _grads = new float[n + 1][];
        _acts[0] = new float[maxBatch * InputSize];
        _grads[0] = new float[maxBatch * InputSize];
        int size = InputSize;
        for (int i = 0; i < n; i++)
        {
            var node = graph.Layers[i];
            var layer = LayerFactory.Create(node, Parameters, maxBatch, threads, withoutSoftmax: i == n - 1);
            if (layer.InputSize != size)
                throw new ArgumentException($"layer {i} '{node.Name}' expects {layer.InputSize} inputs per sample but receives {size}", nameof(graph));
            _layers[i] = layer;
            size = layer.OutputSize;
            if (layer.IsView) { _acts[i + 1] = _acts[i]; _grads[i + 1] = _grads[i]; }
            else { _acts[i + 1] = new float[maxBatch * size]; _grads[i + 1] = new float[maxBatch * size]; }
        }
        if (size != NumClasses) throw new ArgumentException($"the last layer has {size} outputs, the graph {NumClasses} classes", nameof(graph));
        _probs = softmaxLayer ? _acts[n] : new float[maxBatch * NumClasses];
    }

    /// <summary>The layer objects, in graph order.</summary>
    internal IReadOnlyList<ILayer> Layers => _layers;

    /// <summary>The logits of the last forward, [batch, NumClasses] (before the final softmax).</summary>
    internal ReadOnlySpan<float> Logits => _acts[_run].AsSpan(0, _lastBatch * NumClasses);

    /// <summary>Profiling hook (tests/bench): called after each layer's Forward/Backward with (layer, isBackward, Stopwatch ticks).</summary>
    internal Action<int, bool, long>? Profile { get; set; }

    /// <summary>When set, <see cref="TrainStep"/> also computes the gradient w.r.t. the raw input (tests; see <see cref="CopyInputGradient"/>).</summary>
    internal bool ComputeInputGradient { get; set; }

    /// <summary>
    /// Forward in training mode (dropout active with mask key <paramref name="dropoutKey"/>, batchnorm on
    /// batch statistics updating its moving statistics), fused softmax + cross-entropy on integer labels,
    /// then backward: gradients are ADDED into <see cref="ParameterStore.Grads"/> (the caller zeroes them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public StepResult TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, ulong dropoutKey)
    {
        Validate(input, labels, batch);
        Forward(input, batch, new ForwardContext(Training: true, UpdateStatistics: true, dropoutKey));
        var logits = _acts[_run].AsSpan(0, batch * NumClasses);
        double loss = SoftmaxCrossEntropy.Forward(_probs, logits, labels, batch, NumClasses, out int correct);
        SoftmaxCrossEntropy.Backward(_grads[_run], _probs, labels, batch, NumClasses);
        for (int i = _run - 1; i >= 0; i--)
        {
            long t0 = Profile is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            _layers[i].Backward(_grads[i], _grads[i + 1], _acts[i], _acts[i + 1], batch, i > 0 || ComputeInputGradient);
            Profile?.Invoke(i, true, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
        }
        return new StepResult(loss, correct);
    }

    /// <summary>Inference mode forward: writes logits and probabilities, each [batch, NumClasses].</summary>
    public void Predict(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> probabilities)
    {
        Validate(input, default, batch, checkLabels: false);
        int n = batch * NumClasses;
        if (logits.Length < n) throw new ArgumentException($"logits holds {logits.Length} elements, needs {n}", nameof(logits));
        if (probabilities.Length < n) throw new ArgumentException($"probabilities holds {probabilities.Length} elements, needs {n}", nameof(probabilities));
        Forward(input, batch, new ForwardContext(Training: false, UpdateStatistics: false, 0));
        var z = _acts[_run].AsSpan(0, n);
        Activations.Softmax(_probs, z, batch, NumClasses);
        z.CopyTo(logits);
        _probs.AsSpan(0, n).CopyTo(probabilities);
    }

    /// <summary>Inference mode forward plus the mean cross-entropy loss and argmax hits (no gradients).</summary>
    public StepResult Evaluate(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch) => Evaluate(input, labels, batch, default);

    /// <summary>
    /// <see cref="Evaluate(ReadOnlySpan{float}, ReadOnlySpan{int}, int)"/> that also copies the probabilities the loss was computed
    /// from into <paramref name="probabilities"/> ([batch, NumClasses]) when it is not empty: one forward pass for both.
    /// </summary>
    public StepResult Evaluate(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, Span<float> probabilities)
    {
        Validate(input, labels, batch);
        int n = batch * NumClasses;
        if (!probabilities.IsEmpty && probabilities.Length < n) throw new ArgumentException($"probabilities holds {probabilities.Length} elements, needs {n}", nameof(probabilities));
        Forward(input, batch, new ForwardContext(Training: false, UpdateStatistics: false, 0));
        double loss = SoftmaxCrossEntropy.Forward(_probs, _acts[_run].AsSpan(0, n), labels, batch, NumClasses, out int correct);
        if (!probabilities.IsEmpty) _probs.AsSpan(0, n).CopyTo(probabilities);
        return new StepResult(loss, correct);
    }

    /// <summary>The output of layer <paramref name="layerIndex"/> from the last forward, [batch, OutputShape.Size].</summary>
    public ReadOnlySpan<float> LayerOutput(int layerIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layerIndex, _layers.Length);
        var buffer = layerIndex == _layers.Length - 1 && _finalSoftmax ? _probs : _acts[layerIndex + 1];
        return buffer.AsSpan(0, _lastBatch * _layers[layerIndex].OutputSize);
    }

    /// <summary>
    /// Training-mode forward and loss without backward and without moving-statistics updates: the function
    /// whose gradient <see cref="TrainStep"/> computes (finite-difference checks).
    /// </summary>
    internal double TrainingLoss(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, ulong dropoutKey)
    {
        Validate(input, labels, batch);
        Forward(input, batch, new ForwardContext(Training: true, UpdateStatistics: false, dropoutKey));
        return SoftmaxCrossEntropy.Forward(_probs, _acts[_run].AsSpan(0, batch * NumClasses), labels, batch, NumClasses, out _);
    }

    /// <summary>The gradient of the last <see cref="TrainStep"/>'s loss w.r.t. the raw input (needs <see cref="ComputeInputGradient"/>).</summary>
    internal void CopyInputGradient(Span<float> destination)
    {
        if (!ComputeInputGradient) throw new InvalidOperationException("set ComputeInputGradient before TrainStep");
        int n = _lastBatch * InputSize;
        TensorPrimitives.Multiply(_grads[0].AsSpan(0, n), _scale, destination[..n]);
        if (_std is not null)
            for (int s = 0; s < _lastBatch; s++) TensorPrimitives.Divide(destination.Slice(s * InputSize, InputSize), _std, destination.Slice(s * InputSize, InputSize));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward(ReadOnlySpan<float> input, int batch, in ForwardContext context)
    {
        _lastBatch = batch;
        Elementwise.Multiply(input[..(batch * InputSize)], _scale, _acts[0].AsSpan(0, batch * InputSize));
        if (_mean is not null)
        {
            // (x·scale − mean) / std, elementwise as ONNX's Sub and Div compute it.
            for (int s = 0; s < batch; s++)
            {
                var x = _acts[0].AsSpan(s * InputSize, InputSize);
                TensorPrimitives.Subtract(x, _mean, x);
                TensorPrimitives.Divide(x, _std!, x);
            }
        }

        for (int i = 0; i < _run; i++)
        {
            long t0 = Profile is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            _layers[i].Forward(_acts[i + 1], _acts[i], batch, context);
            Profile?.Invoke(i, false, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Validate(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, bool checkLabels = true)
    {
        if (batch < 1 || batch > MaxBatch)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch must be in [1, {MaxBatch}] (MaxBatch)");
        if (input.Length < (long)batch * InputSize)
            throw new ArgumentException($"input holds {input.Length} values, batch {batch} × {InputSize} needs {(long)batch * InputSize}", nameof(input));
        if (!checkLabels) return;
        if (labels.Length < batch)
            throw new ArgumentException($"labels holds {labels.Length} values, batch needs {batch}", nameof(labels));
        for (int b = 0; b < batch; b++)
            if ((uint)labels[b] >= (uint)NumClasses)
                throw new ArgumentException($"labels[{b}] = {labels[b]} is outside [0, {NumClasses})", nameof(labels));
    }
}
