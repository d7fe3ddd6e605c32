namespace NetForge.Spec.Layers;

/// <summary>Every layer kind of the spec language, in the order of the reference table.</summary>
public static class LayerKinds
{
    public static Dense Dense { get; } = new();
    public static Conv2D Conv2D { get; } = new();
    public static MaxPool2D MaxPool2D { get; } = new();
    public static AvgPool2D AvgPool2D { get; } = new();
    public static GlobalAvgPool2D GlobalAvgPool2D { get; } = new();
    public static Dropout Dropout { get; } = new();
    public static Flatten Flatten { get; } = new();
    public static ActivationLayer Activation { get; } = new();
    public static BatchNorm BatchNorm { get; } = new();

    /// <summary>The list the registry, the reference table, the resolved YAML and the backend coverage tests come from.</summary>
    public static IReadOnlyList<LayerKind> All { get; } = [Dense, Conv2D, MaxPool2D, AvgPool2D, GlobalAvgPool2D, Dropout, Flatten, Activation, BatchNorm];

    /// <summary>The spec keywords, in table order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(k => k.Type)];

    /// <summary>Every IR node type some kind infers.</summary>
    public static IReadOnlyList<Type> NodeTypes { get; } = [.. All.Select(k => k.NodeType).Distinct()];

    /// <summary>The kind named <paramref name="type"/> in a spec, or null.</summary>
    public static LayerKind? Find(string type) => All.FirstOrDefault(k => k.Type == type);

    /// <summary>The kind that produced <paramref name="node"/> (matched by its <see cref="Graph.LayerNode.Type"/>).</summary>
    public static LayerKind Of(Graph.LayerNode node) =>
        Find(node.Type) ?? throw new ArgumentException($"layer type '{node.Type}' ({node.GetType().Name}) has no definition in LayerKinds.All", nameof(node));
}
