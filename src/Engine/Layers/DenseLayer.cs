using System.Runtime.CompilerServices;
using NetForge.Spec.Graph;
using NetForge.Engine.Kernels;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Layers;

/// <summary>
/// Fully connected: y = f(x·Wᵀ + b), W [units, in] (Gemm NT). Forward keeps nothing beyond the output
/// the Network already holds; Backward: dZ = f'(y) ⊙ dY, dW += dZᵀ·X (TN), db += Σ_b dZ, dX = dZ·W (NN).
/// </summary>
internal sealed class DenseLayer : ILayer
{
    private readonly ParameterStore _store;
    private readonly ParamSlice _weight;
    private readonly ParamSlice? _bias;
    private readonly Activation _activation;
    private readonly int _threads;
    private readonly float[] _dZ;

    public DenseLayer(DenseNode node, ParameterStore store, int maxBatch, int threads, bool withoutSoftmax)
    {
        Node = node;
        _store = store;
        InputSize = node.InFeatures;
        OutputSize = node.Units;
        _weight = LayerFactory.Require(node, store, "weight");
        _bias = node.UseBias ? LayerFactory.Require(node, store, "bias") : null;
        _activation = withoutSoftmax && node.Activation == Activation.Softmax ? Activation.Linear : node.Activation;
        _threads = threads;
        _dZ = _activation == Activation.Linear ? [] : new float[maxBatch * OutputSize];
    }

    public LayerNode Node { get; }
    public int InputSize { get; }
    public int OutputSize { get; }
    public bool IsView => false;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context)
    {
        var y = output[..(batch * OutputSize)];
        Gemm.Multiply(y, input, _store.Value(_weight), batch, OutputSize, InputSize, transA: false, transB: true, accumulate: false, _threads);
        if (DenseKernels.Supports(_activation))
        {
            // Bias and relu in one pass over each row, rows split over the pool (same per-element operations).
            DenseKernels.BiasActivationForward(y, _bias is null ? default : _store.Value(_bias), _activation, batch, OutputSize, _threads);
            return;
        }
        if (_bias is not null)
        {
            ReadOnlySpan<float> bias = _store.Value(_bias);
            for (int b = 0; b < batch; b++)
            {
                var row = y.Slice(b * OutputSize, OutputSize);
                System.Numerics.Tensors.TensorPrimitives.Add(row, bias, row);
            }
        }
        Activations.Forward(y, y, _activation, batch, OutputSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient)
    {
        ReadOnlySpan<float> dZ = dOutput;
        if (DenseKernels.Supports(_activation))
        {
            // relu' and the bias gradient in one pass, columns split over the pool (the batch sum keeps its order).
            Span<float> buffer = _activation == Activation.Linear ? default : _dZ.AsSpan(0, batch * OutputSize);
            if (_bias is not null || !buffer.IsEmpty)   // linear without bias: dZ is dY, nothing to compute
                DenseKernels.ActivationBackwardBiasGrad(buffer, dOutput, output, _bias is null ? default : _store.Grad(_bias), _activation, batch, OutputSize, _threads);
            if (!buffer.IsEmpty) dZ = buffer;
            Gemm.Multiply(_store.Grad(_weight), dZ, input, OutputSize, InputSize, batch, transA: true, transB: false, accumulate: true, _threads);
        }
        else
        {
            var buffer = _dZ.AsSpan(0, batch * OutputSize);
            Activations.Backward(buffer, dOutput, output, _activation, batch, OutputSize);
            dZ = buffer;
            Gemm.Multiply(_store.Grad(_weight), dZ, input, OutputSize, InputSize, batch, transA: true, transB: false, accumulate: true, _threads);
            if (_bias is not null)
            {
                var dBias = _store.Grad(_bias);
                for (int b = 0; b < batch; b++) System.Numerics.Tensors.TensorPrimitives.Add(dBias, dZ.Slice(b * OutputSize, OutputSize), dBias);
            }
        }
        if (needInputGradient)
            Gemm.Multiply(dInput, dZ, _store.Value(_weight), batch, InputSize, OutputSize, transA: false, transB: false, accumulate: false, _threads);
    }
}
