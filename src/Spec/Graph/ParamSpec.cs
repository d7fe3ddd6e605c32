namespace NetForge.Spec.Graph;

/// <summary>
/// One parameter tensor of a layer. <see cref="Path"/> is its dotted name (<c>layers.0.weight</c>),
/// shared by checkpoints, the engine's parameter buffer and ONNX initializer names.
/// Layouts: dense weight [units, in_features] (PyTorch/ONNX Gemm transB=1); conv weight
/// [filters, in_channels, kh, kw]; biases [units]; batchnorm gamma/beta/moving_mean/moving_variance [channels].
/// </summary>
public sealed record ParamSpec(string Path, string Name, Shape Shape, Initializer Initializer, bool Trainable = true)
{
    public long Size => Shape.Size;
}
