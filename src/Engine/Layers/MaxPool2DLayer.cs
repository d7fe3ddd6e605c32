using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;

namespace NetForge.Engine.Layers;

/// <summary>Max pooling: Forward keeps the argmax of every output (first max wins ties); Backward scatters dY there.</summary>
internal sealed class MaxPool2DLayer : ILayer
{
    private readonly ConvGeometry _g;
    private readonly int _threads;
    private readonly int[] _argmax;

    public MaxPool2DLayer(Pool2DNode node, int maxBatch, int threads)
    {
        Node = node;
        _threads = threads;
        _g = LayerGeometry.Of(node, node.PoolH, node.PoolW, node.StrideH, node.StrideW, node.PadTop, node.PadLeft, node.PadBottom, node.PadRight);
        InputSize = _g.InputSize;
        OutputSize = _g.Channels * _g.OutPlane;
        _argmax = new int[maxBatch * OutputSize];
    }

    public LayerNode Node { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool IsView => false;

    public void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context) =>
        Pooling.MaxForward(output, _argmax, input, batch, _g, _threads);

    public void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient)
    {
        if (needInputGradient) Pooling.MaxBackward(dInput, dOutput, _argmax, batch, _g, _threads);
    }
}
