using System.Runtime.CompilerServices;
using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;

namespace NetForge.Engine.Layers;

/// <summary>A standalone activation: y = f(x) (softmax per sample); Backward reads the saved output y.</summary>
internal sealed class ActivationLayer : ILayer
{
    private readonly Activation _activation;

    public ActivationLayer(ActivationNode node)
    {
        Node = node;
        _activation = node.Activation;
        InputSize = OutputSize = (int)node.InputShape.Size;
    }

    public LayerNode Node { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool IsView => false;
    public Activation Activation => _activation;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context) =>
        Activations.Forward(output, input, _activation, batch, InputSize);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient)
    {
        if (needInputGradient) Activations.Backward(dInput, dOutput, output, _activation, batch, InputSize);
    }
}
