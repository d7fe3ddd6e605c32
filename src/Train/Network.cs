using NetForge.Spec.Graph;
using NetForge.Train.Tensors;

namespace NetForge.Train;

/// <summary>Mean loss over the batch and the number of samples whose argmax equals the label.</summary>
public readonly record struct StepResult(double Loss, int Correct);

/// <summary>
/// A compiled sequential network: one layer object per <see cref="LayerNode"/>, activations
/// preallocated for <see cref="MaxBatch"/> samples, parameters in one <see cref="ParameterStore"/>.
/// Inputs are raw samples (e.g. 0–255 pixels as floats, [batch, InputSize]); the graph's input
/// scale is applied inside, exactly as the exported ONNX graph does.
/// CONTRACT — implemented by the kernels/layers work; signatures are fixed.
/// </summary>
public sealed partial class Network
{
    public ModelGraph Graph { get; }
    public ParameterStore Parameters { get; }
    public int MaxBatch { get; }
    public int Threads { get; }
    public int InputSize { get; }
    public int NumClasses { get; }

    public Network(ModelGraph graph, int maxBatch, int threads)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Graph = graph;
        MaxBatch = maxBatch;
        Threads = threads;
        InputSize = (int)graph.Input.Shape.Size;
        NumClasses = graph.NumClasses;
        Parameters = new ParameterStore(graph.Parameters);
    }

    /// <summary>
    /// Forward in training mode (dropout active with mask key <paramref name="dropoutKey"/>, batchnorm on
    /// batch statistics updating its moving statistics), fused softmax + cross-entropy on integer labels,
    /// then backward: gradients are ADDED into <see cref="ParameterStore.Grads"/> (the caller zeroes them).
    /// </summary>
    public StepResult TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch, ulong dropoutKey) =>
        throw new NotImplementedException();

    /// <summary>Inference mode forward: writes logits and probabilities, each [batch, NumClasses].</summary>
    public void Predict(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> probabilities) =>
        throw new NotImplementedException();

    /// <summary>Inference mode forward plus the mean cross-entropy loss and argmax hits (no gradients).</summary>
    public StepResult Evaluate(ReadOnlySpan<float> input, ReadOnlySpan<int> labels, int batch) =>
        throw new NotImplementedException();

    /// <summary>The output of layer <paramref name="layerIndex"/> from the last forward, [batch, OutputShape.Size].</summary>
    public ReadOnlySpan<float> LayerOutput(int layerIndex) => throw new NotImplementedException();
}
