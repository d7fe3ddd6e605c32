using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Layers;

/// <summary>
/// 2-D convolution with fused bias + activation (<see cref="Conv2DKernels"/>): y = f(W ⊛ x + b).
/// Forward keeps nothing extra (backward recomputes im2col per sample group, cheaper than storing B col matrices);
/// Backward: dZ = f'(y) ⊙ dY, dW/db accumulated over fixed sample groups in order, dX = col2im(Wᵀ·dZ) — for relu and
/// linear all in one pass per group (<see cref="Conv2DKernels.BackwardFused"/>, same bits), else in three passes.
/// </summary>
internal sealed class Conv2DLayer : ILayer
{
    private readonly ParameterStore _store;
    private readonly ParamSlice _weight;
    private readonly ParamSlice? _bias;
    private readonly ConvGeometry _g;
    private readonly int _filters, _threads;
    private readonly Activation _activation;
    private readonly float[] _col, _partials, _dZ;

    public Conv2DLayer(Conv2DNode node, ParameterStore store, int maxBatch, int threads)
    {
        if (node.Activation == Activation.Softmax)
            throw new NotSupportedException($"layer {node.Index} '{node.Name}': softmax activation on conv2d is not supported by the engine");
        Node = node;
        _store = store;
        _g = LayerGeometry.Of(node, node.KernelH, node.KernelW, node.StrideH, node.StrideW, node.PadTop, node.PadLeft, node.PadBottom, node.PadRight);
        _filters = node.Filters;
        _threads = threads;
        _activation = node.Activation;
        _weight = LayerFactory.Require(node, store, "weight");
        _bias = node.UseBias ? LayerFactory.Require(node, store, "bias") : null;
        InputSize = _g.InputSize;
        OutputSize = _filters * _g.OutPlane;
        _col = new float[Conv2DKernels.WorkspaceSize(_g, _filters, maxBatch, threads)];
        _partials = new float[Conv2DKernels.PartialsSize(_filters, _g, maxBatch)];
        _dZ = _activation is Activation.Linear or Activation.Relu ? [] : new float[maxBatch * OutputSize];
    }

    public LayerNode Node { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool IsView => false;

    public void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context) =>
        Conv2DKernels.Forward(output, input, _store.Value(_weight), _bias is null ? default : _store.Value(_bias),
            batch, _filters, _g, _activation, _col, _threads);

    public void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient)
    {
        if (_activation is Activation.Relu or Activation.Linear)
        {
            // One pass per sample group: relu' gathered into the GEMM staging, dW, db and dX together (same bits).
            Conv2DKernels.BackwardFused(dInput, _store.Grad(_weight), _bias is null ? default : _store.Grad(_bias), dOutput, output, input,
                _store.Value(_weight), batch, _filters, _g, _activation, needInputGradient, _col, _partials, _threads);
            return;
        }
        ReadOnlySpan<float> dZ = dOutput;
        if (_activation != Activation.Linear)
        {
            var buffer = _dZ.AsSpan(0, batch * OutputSize);
            Activations.Backward(buffer, dOutput, output, _activation, batch, OutputSize, _threads);
            dZ = buffer;
        }
        Conv2DKernels.BackwardWeight(_store.Grad(_weight), _bias is null ? default : _store.Grad(_bias), dZ, input, batch, _filters, _g, _col, _partials, _threads);
        if (needInputGradient)
            Conv2DKernels.BackwardInput(dInput, dZ, _store.Value(_weight), batch, _filters, _g, _col, _threads);
    }
}
