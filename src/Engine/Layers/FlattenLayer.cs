using NetForge.Spec.Graph;

namespace NetForge.Engine.Layers;

/// <summary>[C, H, W] → [C·H·W]: in channels-first row-major order this is the same memory, so the Network
/// aliases the input and output buffers (and their gradients) and both passes do nothing.</summary>
internal sealed class FlattenLayer : ILayer
{
    public FlattenLayer(FlattenNode node)
    {
        Node = node;
        InputSize = OutputSize = (int)node.InputShape.Size;
    }

    public LayerNode Node { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool IsView => true;

    public void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context)
    {
        if (!output.Overlaps(input)) input[..(batch * InputSize)].CopyTo(output);
    }

    public void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient)
    {
        if (needInputGradient && !dInput.Overlaps(dOutput)) dOutput[..(batch * InputSize)].CopyTo(dInput);
    }
}
