using NetForge.Export.Onnx;
using NetForge.Spec.Graph;
using static NetForge.Export.Emitters.OnnxGraphBuilder;

namespace NetForge.Export.Emitters;

/// <summary>
/// What one layer's emitter needs: the value it reads, the value it must produce and, for layers with a
/// fused activation, the name of the value before the activation (<c>logits</c> for the final softmax layer).
/// </summary>
internal sealed record LayerEmit(
    OnnxGraphBuilder Builder,
    LayerNode Layer,
    string Input,
    string Output,
    string PreActivation,
    IReadOnlyDictionary<string, float[]> Weights)
{
    public string Doc => Layer.Location.IsKnown ? $"{Layer.Name} ({Layer.Location})" : Layer.Name;

    public string NodeName(string opType) => $"{Layer.Name}/{opType}";

    /// <summary>Adds the layer's parameter as an initializer named by its path and returns that name.</summary>
    public string Param(string name)
    {
        var spec = Layer.Parameters.FirstOrDefault(p => p.Name == name)
            ?? throw new ExportException($"{Doc}: the graph has no parameter '{name}' for this {Layer.Type} layer");
        Builder.Initializer(spec.Path, spec.Shape, Weights[spec.Path]);
        return spec.Path;
    }

    /// <summary>Adds a constant [channels] initializer (batchnorm without gamma or beta) named after the layer.</summary>
    public string Constant(string name, int length, float value)
    {
        string path = $"layers.{Layer.Index}.{name}";
        var data = new float[length];
        Array.Fill(data, value);
        Builder.Initializer(path, new Shape(length), data);
        return path;
    }
}

/// <summary>
/// One small emitter per layer type, chosen in one switch: each writes its nodes and initializers
/// (named by parameter path) and records the shapes of the values it creates.
/// </summary>
internal static class LayerEmitters
{
    public static void Emit(LayerEmit e)
    {
        switch (e.Layer)
        {
            case DenseNode dense: Dense(e, dense); break;
            case Conv2DNode conv: Conv(e, conv); break;
            case Pool2DNode pool: Pool(e, pool); break;
            case GlobalAvgPool2DNode: GlobalAvgPool(e); break;
            case FlattenNode: Flatten(e); break;
            case ActivationNode activation: ActivationLayer(e, activation); break;
            case BatchNormNode batchNorm: BatchNorm(e, batchNorm); break;
            case DropoutNode: break; // inference: identity, no node (the exporter aliases its output)
            default: throw new ExportException($"{e.Doc}: layer type '{e.Layer.Type}' cannot be exported to ONNX");
        }
    }

    /// <summary>Gemm(x, W, b) with transB = 1: W is [units, in_features], y = x·Wᵀ + b.</summary>
    private static void Dense(LayerEmit e, DenseNode dense)
    {
        var inputs = new List<string> { e.Input, e.Param("weight") };
        if (dense.UseBias) inputs.Add(e.Param("bias"));
        string gemmOut = dense.Activation == Activation.Linear ? e.Output : e.PreActivation;
        e.Builder.Node("Gemm", e.NodeName("Gemm"), e.Doc, inputs, gemmOut, Int("transB", 1));
        e.Builder.Value(gemmOut, dense.OutputShape);
        ApplyActivation(e, dense.Activation, gemmOut);
    }

    /// <summary>Conv with explicit pads [top, left, bottom, right] (TensorFlow 'same' already resolved in the IR).</summary>
    private static void Conv(LayerEmit e, Conv2DNode conv)
    {
        var inputs = new List<string> { e.Input, e.Param("weight") };
        if (conv.UseBias) inputs.Add(e.Param("bias"));
        string convOut = conv.Activation == Activation.Linear ? e.Output : e.PreActivation;
        e.Builder.Node("Conv", e.NodeName("Conv"), e.Doc, inputs, convOut,
            Ints("kernel_shape", conv.KernelH, conv.KernelW),
            Ints("strides", conv.StrideH, conv.StrideW),
            Ints("pads", conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight),
            Ints("dilations", 1, 1),
            Int("group", 1));
        e.Builder.Value(convOut, conv.OutputShape);
        ApplyActivation(e, conv.Activation, convOut);
    }

    /// <summary>MaxPool, or AveragePool with count_include_pad = 0 (padding never counted, like Keras).</summary>
    private static void Pool(LayerEmit e, Pool2DNode pool)
    {
        var attributes = new List<AttributeProto>
        {
            Ints("kernel_shape", pool.PoolH, pool.PoolW),
            Ints("strides", pool.StrideH, pool.StrideW),
            Ints("pads", pool.PadTop, pool.PadLeft, pool.PadBottom, pool.PadRight),
        };
        string op = pool.Kind == PoolKind.Max ? "MaxPool" : "AveragePool";
        if (pool.Kind == PoolKind.Average) attributes.Add(Int("count_include_pad", 0));
        e.Builder.Node(op, e.NodeName(op), e.Doc, [e.Input], e.Output, [.. attributes]);
        e.Builder.Value(e.Output, pool.OutputShape);
    }

    /// <summary>GlobalAveragePool ([N, C, H, W] → [N, C, 1, 1]) then Flatten(axis = 1) → [N, C].</summary>
    private static void GlobalAvgPool(LayerEmit e)
    {
        string pooled = e.Output + "/pooled";
        e.Builder.Node("GlobalAveragePool", e.NodeName("GlobalAveragePool"), e.Doc, [e.Input], pooled);
        e.Builder.Value(pooled, new Shape(e.Layer.OutputShape[0], 1, 1));
        e.Builder.Node("Flatten", e.NodeName("Flatten"), e.Doc, [pooled], e.Output, Int("axis", 1));
        e.Builder.Value(e.Output, e.Layer.OutputShape);
    }

    /// <summary>Flatten(axis = 1): [N, C, H, W] → [N, C·H·W] in channels-first order, as the engine flattens.</summary>
    private static void Flatten(LayerEmit e)
    {
        e.Builder.Node("Flatten", e.NodeName("Flatten"), e.Doc, [e.Input], e.Output, Int("axis", 1));
        e.Builder.Value(e.Output, e.Layer.OutputShape);
    }

    private static void ActivationLayer(LayerEmit e, ActivationNode activation)
    {
        if (activation.Activation == Activation.Linear)
        {
            e.Builder.Node("Identity", e.NodeName("Identity"), e.Doc, [e.Input], e.Output);
            e.Builder.Value(e.Output, e.Layer.OutputShape);
            return;
        }
        ApplyActivation(e, activation.Activation, e.Input);
    }

    /// <summary>Inference batch normalisation: (x − mean)/√(var + ε)·gamma + beta over axis 1 (channels or features).</summary>
    private static void BatchNorm(LayerEmit e, BatchNormNode bn)
    {
        int channels = bn.Channels;
        string scale = bn.Scale ? e.Param("gamma") : e.Constant("gamma.ones", channels, 1f);
        string bias = bn.Center ? e.Param("beta") : e.Constant("beta.zeros", channels, 0f);
        string[] inputs = [e.Input, scale, bias, e.Param("moving_mean"), e.Param("moving_variance")];
        e.Builder.Node("BatchNormalization", e.NodeName("BatchNormalization"), e.Doc, inputs, e.Output,
            Float("epsilon", bn.Epsilon));
        e.Builder.Value(e.Output, bn.OutputShape);
    }

    /// <summary>Writes the activation from <paramref name="input"/> to the layer's output (nothing for linear).</summary>
    private static void ApplyActivation(LayerEmit e, Activation activation, string input)
    {
        if (activation == Activation.Linear) return;
        string op = activation switch
        {
            Activation.Relu => "Relu",
            Activation.Sigmoid => "Sigmoid",
            Activation.Tanh => "Tanh",
            Activation.Softmax => "Softmax",
            _ => throw new ExportException($"{e.Doc}: activation '{activation}' cannot be exported"),
        };
        if (activation == Activation.Softmax)
        {
            if (e.Layer.OutputShape.Rank != 1)
            {
                throw new ExportException(
                    $"{e.Doc}: softmax on a {e.Layer.OutputShape} tensor cannot be exported; NetForge exports softmax over features only (add a flatten layer before it)");
            }
            e.Builder.Node(op, e.NodeName(op), e.Doc, [input], e.Output, Int("axis", 1));
        }
        else
        {
            e.Builder.Node(op, e.NodeName(op), e.Doc, [input], e.Output);
        }
        e.Builder.Value(e.Output, e.Layer.OutputShape);
    }
}
