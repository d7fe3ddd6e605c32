using NetForge.Spec.Graph;
using NetForge.Engine.Tensors;

namespace NetForge.Engine.Layers;

/// <summary>What a forward pass needs besides the tensors.</summary>
/// <param name="Training">Dropout active, batchnorm on batch statistics.</param>
/// <param name="UpdateStatistics">Batchnorm updates its moving statistics (training only; false for gradient checks).</param>
/// <param name="DropoutKey">The trainer's per-step key; each layer derives its own with <see cref="Train.Random.CounterRng.Stream"/>.</param>
internal readonly record struct ForwardContext(bool Training, bool UpdateStatistics, ulong DropoutKey);

/// <summary>
/// One layer of the sequential engine, built from its <see cref="LayerNode"/>. Buffers are [batch, size]
/// row-major and owned by the Network; a layer owns only what Backward needs from Forward (masks,
/// argmax, statistics) and its workspaces, all allocated for MaxBatch at construction.
/// Backward ADDS into the parameter gradients and OVERWRITES dInput.
/// </summary>
internal interface ILayer
{
    LayerNode Node { get; }
    int InputSize { get; }
    int OutputSize { get; }

    /// <summary>True when the output is the input reinterpreted (Flatten): the Network aliases the buffers.</summary>
    bool IsView { get; }

    void Forward(Span<float> output, ReadOnlySpan<float> input, int batch, in ForwardContext context);

    /// <summary>dInput may be skipped (not written) when <paramref name="needInputGradient"/> is false.</summary>
    void Backward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> output, int batch, bool needInputGradient);
}

/// <summary>Builds layer objects from IR nodes: one switch arm per node type of <see cref="Spec.Layers.LayerKinds"/>; a node type
/// without an arm is an error (a test builds every kind's example through here).</summary>
internal static class LayerFactory
{
    /// <summary>The layer for <paramref name="node"/>; <paramref name="withoutSoftmax"/> builds a dense layer's softmax
    /// activation as linear (the Network applies the fused softmax + loss).</summary>
    public static ILayer Create(LayerNode node, ParameterStore store, int maxBatch, int threads, bool withoutSoftmax) => node switch
    {
        DenseNode d => new DenseLayer(d, store, maxBatch, threads, withoutSoftmax),
        Conv2DNode c => new Conv2DLayer(c, store, maxBatch, threads),
        Pool2DNode p when p.Kind == PoolKind.Max => new MaxPool2DLayer(p, maxBatch, threads),
        Pool2DNode p => new AvgPool2DLayer(p, threads),
        GlobalAvgPool2DNode g => new GlobalAvgPool2DLayer(g),
        DropoutNode d => new DropoutLayer(d, maxBatch, threads),
        FlattenNode f => new FlattenLayer(f),
        ActivationNode a => new ActivationLayer(a),
        BatchNormNode b => new BatchNormLayer(b, store, threads),
        _ => throw new NotSupportedException($"layer type '{node.Type}' ({node.GetType().Name}) has no engine implementation"),
    };

    /// <summary>The slice of parameter <paramref name="name"/> of <paramref name="node"/>, or null when the node has none.</summary>
    public static ParamSlice? Find(LayerNode node, ParameterStore store, string name)
    {
        foreach (var p in node.Parameters)
            if (p.Name == name) return store[p.Path];
        return null;
    }

    public static ParamSlice Require(LayerNode node, ParameterStore store, string name) =>
        Find(node, store, name) ?? throw new ArgumentException($"layer {node.Index} '{node.Name}' ({node.Type}) has no parameter '{name}'");
}

/// <summary>Turns a window layer's IR node into kernel geometry.</summary>
internal static class LayerGeometry
{
    public static Kernels.ConvGeometry Of(LayerNode node, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr)
    {
        var s = node.InputShape;
        if (!s.IsImage) throw new ArgumentException($"layer {node.Index} '{node.Name}' ({node.Type}) needs a [C, H, W] input, got {s}");
        var g = new Kernels.ConvGeometry(s.Channels, s.Height, s.Width, kh, kw, sh, sw, pt, pl, pb, pr);
        g.Validate();
        return g;
    }
}
