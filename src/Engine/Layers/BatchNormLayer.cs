using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Layers;

/// <summary>
/// Batch normalisation over the channel axis ([C, H, W] → channels C with S = H·W; [N] → N channels, S = 1).
/// Training forward uses batch statistics, keeps the batch mean and 1/√(σ² + ε) for backward and (unless
/// disabled for gradient checks) updates moving_mean/moving_variance Keras-style with the unbiased variance;
/// inference uses the moving statistics. gamma/beta are absent when scale/center are false.
/// </summary>
internal sealed class BatchNormLayer : ILayer
{
    private readonly ParameterStore _store;
    private readonly ParamSlice? _gamma, _beta;
    private readonly ParamSlice _movingMean, _movingVariance;
    private readonly int _channels, _spatial, _threads;
    private readonly float _epsilon, _momentum;
    private readonly float[] _mean, _invStd, _variance;

    public BatchNormLayer(BatchNormNode node, ParameterStore store, int threads)
    {
        Node = node;
        _store = store;
        _threads = threads;
        var s = node.InputShape;
        _channels = s[0];
        _spatial = (int)(s.Size / _channels);
        InputSize = OutputSize = (int)s.Size;
        _gamma = LayerFactory.Find(node, store, "gamma");
        _beta = LayerFactory.Find(node, store, "beta");
        _movingMean = LayerFactory.Require(node, store, "moving_mean");
        _movingVariance = LayerFactory.Require(node, store, "moving_variance");
        _epsilon = (float)node.Epsilon;
        _momentum = (float)node.Momentum;
        _mean = new float[_channels];
        _invStd = new float[_channels];
        _variance = new float[_channels];
    }

    public LayerNode Node { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool IsView => false;

    public void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context)
    {
        ReadOnlySpan<float> gamma = _gamma is null ? default : _store.Value(_gamma);
        ReadOnlySpan<float> beta = _beta is null ? default : _store.Value(_beta);
        if (!context.Training)
        {
            BatchNormKernels.ForwardInference(output, input, gamma, beta, _store.Value(_movingMean), _store.Value(_movingVariance),
                batch, _channels, _spatial, _epsilon, _invStd, _threads);
            return;
        }
        BatchNormKernels.ForwardTraining(output, _mean, _invStd, _variance, input, gamma, beta, batch, _channels, _spatial, _epsilon, _threads);
        if (context.UpdateStatistics)
            BatchNormKernels.UpdateMovingStatistics(_store.Value(_movingMean), _store.Value(_movingVariance), _mean, _variance, batch * _spatial, _momentum);
    }

    public void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient)
    {
        // The kernel computes dInput as part of the same pass; without a consumer it is a cheap write into the Network's buffer.
        BatchNormKernels.Backward(dInput, _gamma is null ? default : _store.Grad(_gamma), _beta is null ? default : _store.Grad(_beta),
            dOutput, input, _mean, _invStd, _gamma is null ? default : _store.Value(_gamma), batch, _channels, _spatial, _threads);
    }
}
