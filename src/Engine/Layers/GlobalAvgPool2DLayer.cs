using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;

namespace NetForge.Engine.Layers;

/// <summary>Global average pooling, [C, H, W] → [C]: Forward keeps nothing; Backward spreads dY/(H·W) over each plane.</summary>
internal sealed class GlobalAvgPool2DLayer : ILayer
{
    private readonly int _channels, _plane;

    public GlobalAvgPool2DLayer(GlobalAvgPool2DNode node)
    {
        var s = node.InputShape;
        if (!s.IsImage) throw new ArgumentException($"layer {node.Index} '{node.Name}' (globalavgpool2d) needs a [C, H, W] input, got {s}");
        Node = node;
        (_channels, _plane) = (s.Channels, s.Height * s.Width);
        InputSize = _channels * _plane;
        OutputSize = _channels;
    }

    public LayerNode Node { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool IsView => false;

    public void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context) =>
        GlobalPooling.AvgForward(output, input, batch, _channels, _plane);

    public void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient)
    {
        if (needInputGradient) GlobalPooling.AvgBackward(dInput, dOutput, batch, _channels, _plane);
    }
}
