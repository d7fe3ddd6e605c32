using System.Runtime.CompilerServices;
using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;
using NetForge.Train.Random;

namespace NetForge.Engine.Layers;

/// <summary>
/// Inverted dropout. Training: the layer's key is <c>CounterRng.Stream(dropoutKey, layerIndex, 0)</c> where
/// <c>dropoutKey</c> is the trainer's per-step key (<c>Stream(Stream(seed, DropoutStream, epoch), step, 0)</c>);
/// element i of the [batch, size] buffer is kept with factor 1/(1 − rate) unless <c>Uniform(key, i) &lt; rate</c>.
/// Forward keeps that factor mask; Backward is dX = dY ⊙ mask. Inference: identity (a copy).
/// </summary>
internal sealed class DropoutLayer : ILayer
{
    private readonly float _rate;
    private readonly float[] _mask;
    private readonly int _threads;
    private bool _lastTraining;

    public DropoutLayer(DropoutNode node, int maxBatch, int threads = 1)
    {
        _threads = threads;
        if (node.Rate < 0 || node.Rate >= 1) throw new ArgumentException($"layer {node.Index} '{node.Name}': dropout rate {node.Rate} must be in [0, 1)");
        Node = node;
        _rate = (float)node.Rate;
        InputSize = OutputSize = (int)node.InputShape.Size;
        _mask = new float[maxBatch * InputSize];
    }

    public LayerNode Node { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool IsView => false;

    /// <summary>The key this layer uses for a step key (documented derivation).</summary>
    public static ulong LayerKey(ulong dropoutKey, int layerIndex) => CounterRng.Stream(dropoutKey, (ulong)layerIndex, 0);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context)
    {
        int n = batch * InputSize;
        _lastTraining = context.Training && _rate > 0f;
        if (_lastTraining) DropoutKernels.Forward(output, _mask, input, _rate, LayerKey(context.DropoutKey, Node.Index), n, _threads);
        else input[..n].CopyTo(output);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient)
    {
        if (!needInputGradient) return;
        int n = batch * InputSize;
        if (_lastTraining) DropoutKernels.Backward(dInput, dOutput, _mask, n, _threads);
        else dOutput[..n].CopyTo(dInput);
    }
}
