namespace NetForge.Spec.Graph;

/// <summary>
/// One layer of the sequential graph, with its config, the shapes inferred for it and its
/// parameters. Train builds kernels from it; Export emits ONNX nodes from it. Shapes exclude the
/// batch dimension; image tensors are channels-first [C, H, W].
/// </summary>
public abstract record LayerNode
{
    /// <summary>Position in the spec's <c>layers:</c> list, from 0.</summary>
    public required int Index { get; init; }
    /// <summary>User-given or Keras-style automatic name (<c>dense</c>, <c>dense_1</c>, ...); unique in the graph.</summary>
    public required string Name { get; init; }
    /// <summary>Where the layer's list item starts in the spec file.</summary>
    public required SourceLocation Location { get; init; }
    public required Shape InputShape { get; init; }
    public required Shape OutputShape { get; init; }
    public IReadOnlyList<ParamSpec> Parameters { get; init; } = [];

    /// <summary>The spec's type keyword: <c>dense</c>, <c>conv2d</c>, ...</summary>
    public abstract string Type { get; }

    /// <summary>Multiply-accumulates of the forward pass for one sample.</summary>
    public abstract long MacsPerSample { get; }

    public long ParameterCount => Parameters.Sum(p => p.Size);
    public long TrainableParameterCount => Parameters.Where(p => p.Trainable).Sum(p => p.Size);
}

/// <summary>Fully connected: y = x·Wᵀ + b, W is [units, in_features].</summary>
public sealed record DenseNode(int Units, Activation Activation, bool UseBias) : LayerNode
{
    public override string Type => "dense";
    public int InFeatures => InputShape[0];
    public override long MacsPerSample => (long)InFeatures * Units;
}

/// <summary>
/// 2-D convolution (cross-correlation like every framework), weight [filters, in_channels, kh, kw].
/// Padding is resolved to explicit pads: <c>same</c> follows TensorFlow (extra row/column at the
/// bottom/right when the total is odd), which is what ONNX receives too.
/// </summary>
public sealed record Conv2DNode(
    int Filters, int KernelH, int KernelW, int StrideH, int StrideW, Padding Padding,
    int PadTop, int PadLeft, int PadBottom, int PadRight,
    Activation Activation, bool UseBias) : LayerNode
{
    public override string Type => "conv2d";
    public int InChannels => InputShape[0];
    public override long MacsPerSample =>
        (long)OutputShape[0] * OutputShape[1] * OutputShape[2] * InChannels * KernelH * KernelW;
}

public enum PoolKind
{
    Max,
    Average,
}

/// <summary>Max or average pooling; average pooling never counts padding (count_include_pad = false).</summary>
public sealed record Pool2DNode(
    PoolKind Kind, int PoolH, int PoolW, int StrideH, int StrideW, Padding Padding,
    int PadTop, int PadLeft, int PadBottom, int PadRight) : LayerNode
{
    public override string Type => Kind == PoolKind.Max ? "maxpool2d" : "avgpool2d";
    public override long MacsPerSample => 0;
}

/// <summary>Inverted dropout: active only in training, scales kept values by 1/(1-rate).</summary>
public sealed record DropoutNode(double Rate) : LayerNode
{
    public override string Type => "dropout";
    public override long MacsPerSample => 0;
}

/// <summary>[C, H, W] → [C·H·W] in channels-first (ONNX/PyTorch) order.</summary>
public sealed record FlattenNode : LayerNode
{
    public override string Type => "flatten";
    public override long MacsPerSample => 0;
}

public sealed record ActivationNode(Activation Activation) : LayerNode
{
    public override string Type => "activation";
    public override long MacsPerSample => 0;
}

/// <summary>
/// Batch normalisation over the channel axis (axis 0 of [C, H, W], or the feature axis of [N]).
/// Parameters: gamma, beta (trainable), moving_mean, moving_variance (not trainable).
/// Keras semantics: moving = moving·momentum + batch·(1 − momentum); epsilon added to the variance.
/// </summary>
public sealed record BatchNormNode(double Momentum, double Epsilon, bool Center, bool Scale) : LayerNode
{
    public override string Type => "batchnorm";
    public int Channels => InputShape[0];
    public override long MacsPerSample => InputShape.Size;
}
