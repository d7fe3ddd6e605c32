using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;

namespace NetForge.Engine.Layers;

/// <summary>Average pooling without counting padding: Forward keeps nothing; Backward spreads dY/count over each window.</summary>
internal sealed class AvgPool2DLayer : ILayer
{
    private readonly ConvGeometry _g;
    private readonly int _threads;

    public AvgPool2DLayer(Pool2DNode node, int threads)
    {
        Node = node;
        _threads = threads;
        _g = LayerGeometry.Of(node, node.PoolH, node.PoolW, node.StrideH, node.StrideW, node.PadTop, node.PadLeft, node.PadBottom, node.PadRight);
        InputSize = _g.InputSize;
        OutputSize = _g.Channels * _g.OutPlane;
    }

    public LayerNode Node { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool IsView => false;

    public void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context) =>
        Pooling.AvgForward(output, input, batch, _g, _threads);

    public void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient)
    {
        if (needInputGradient) Pooling.AvgBackward(dInput, dOutput, batch, _g, _threads);
    }
}
