namespace NetForge.Spec.Graph;

/// <summary>
/// One layer of the sequential graph, with its config, the shapes inferred for it and its
/// parameters. Engines build their layers from it; Export emits ONNX nodes from it. Each subtype is defined
/// with its layer kind in <c>src/Spec/Layers</c>. Shapes exclude the
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
