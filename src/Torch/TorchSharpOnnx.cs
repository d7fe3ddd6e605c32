using NetForge.Export;
using NetForge.Export.Onnx;
using NetForge.Spec;
using NetForge.Spec.Graph;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetForge.Torch;

/// <summary>A TorchSharp model NetForge cannot export; the message names the module's index and type and why.</summary>
public sealed class TorchSharpExportException(string message) : Exception(message);

/// <summary>
/// ONNX export for TorchSharp users (TorchSharp has none): a <see cref="Sequential"/> of supported modules is mapped onto
/// NetForge's IR with <see cref="ModelBuilder"/> — so every shape is checked as a spec would be — its weights are read
/// under the IR's names, and NetForge's exporter writes the model (outputs <c>logits</c> and <c>probabilities</c>; the
/// model takes float32 <c>[batch, ...inputShape]</c> as the module does). Supported: Linear, Conv2d (zero padding that
/// is 0 or TensorFlow's <c>same</c>; a ZeroPad2d before a Conv2d folds into it), MaxPool2d and AvgPool2d (no padding),
/// AdaptiveAvgPool2d(1), BatchNorm1d/2d (affine, tracking running statistics), Dropout, Flatten, ReLU, Sigmoid, Tanh,
/// and Softmax or LogSoftmax over the classes as the last module (the exported <c>probabilities</c> are the softmax).
/// </summary>
public static class TorchSharpOnnx
{
    /// <summary>
    /// The graph and named weights of <paramref name="model"/> for one sample of <paramref name="inputShape"/>. With
    /// <paramref name="inputScale"/> (say 1/255) the exported model takes raw values and multiplies them first, so a
    /// model trained on pixels/255 takes 0–255 pixels (and NetForge's parity check and uint8 export apply).
    /// </summary>
    /// <exception cref="TorchSharpExportException">A module is not supported or does not fit its input (index and type named).</exception>
    public static (ModelGraph Graph, Dictionary<string, float[]> Weights) ToGraph(Sequential model, int[] inputShape, string name = "torchsharp_model", double inputScale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        var builder = new ModelBuilder(name, inputShape, inputScale, sourcePath: "TorchSharp Sequential");
        var weights = new Dictionary<string, float[]>();
        var modules = model.children().ToList();
        (long Left, long Right, long Top, long Bottom)? pad = null;
        for (int i = 0; i < modules.Count; i++)
        {
            var module = modules[i];
            string where = $"module {i} ({module.GetType().Name})";
            bool last = i == modules.Count - 1;
            try
            {
                if (pad is not null && module is not Conv2d) throw Unsupported(where, "a ZeroPad2d must be followed by a Conv2d (NetForge pads inside convolutions)");
                switch (module)
                {
                    case Linear m:
                        builder.Dense((int)m.out_features, Activation.Linear, m.bias is not null);
                        Take(weights, builder, m.weight, "weight");
                        if (m.bias is not null) Take(weights, builder, m.bias, "bias");
                        break;
                    case ZeroPad2d m:
                        long[] p = m.padding.Length == 1 ? [m.padding[0], m.padding[0], m.padding[0], m.padding[0]] : m.padding;
                        pad = (p[0], p[1], p[2], p[3]);
                        break;
                    case Conv2d m:
                        AddConv(builder, m, pad, where);
                        pad = null;
                        Take(weights, builder, m.weight, "weight");
                        if (m.bias is not null) Take(weights, builder, m.bias, "bias");
                        break;
                    case MaxPool2d m:
                        if ((m.padding ?? []).Any(v => v != 0) || m.ceil_mode || (m.dilation ?? []).Any(v => v != 1)) throw Unsupported(where, "only padding 0, dilation 1 and ceil_mode false are supported");
                        builder.MaxPool2D((int)m.kernel_size[0], (int)m.kernel_size[^1], (int)(m.stride ?? m.kernel_size)[0], (int)(m.stride ?? m.kernel_size)[^1]);
                        break;
                    case AvgPool2d m:
                        if ((m.padding ?? []).Any(v => v != 0) || m.ceil_mode || m.divisor_override is not null) throw Unsupported(where, "only padding 0, ceil_mode false and no divisor_override are supported");
                        builder.AvgPool2D((int)m.kernel_size[0], (int)m.kernel_size[^1], (int)(m.stride ?? m.kernel_size)[0], (int)(m.stride ?? m.kernel_size)[^1]);
                        break;
                    case AdaptiveAvgPool2d m:
                        if (!m.output_size.All(v => v == 1)) throw Unsupported(where, $"only output size 1 (global average pooling) is supported, got [{string.Join(", ", m.output_size)}]");
                        builder.GlobalAvgPool2D();
                        if (i + 1 < modules.Count && modules[i + 1] is Flatten) i++; // [N, C, 1, 1] → [N, C] is the IR's [C] already
                        break;
                    case BatchNorm1d or BatchNorm2d:
                        AddBatchNorm(builder, weights, (TorchSharp.Modules.BatchNorm)module, where);
                        break;
                    case Dropout m:
                        builder.Dropout(m.p);
                        break;
                    case Flatten m:
                        if (m.start_dim != 1 || m.end_dim != -1) throw Unsupported(where, "only Flatten(1, -1) is supported");
                        builder.Flatten();
                        break;
                    case ReLU:
                        builder.Activation(Activation.Relu);
                        break;
                    case Sigmoid:
                        builder.Activation(Activation.Sigmoid);
                        break;
                    case Tanh:
                        builder.Activation(Activation.Tanh);
                        break;
                    case Softmax or LogSoftmax:
                        if (!last || builder.Shape.Rank != 1) throw Unsupported(where, "softmax is supported as the last module, over the classes");
                        builder.Activation(Activation.Softmax);
                        break;
                    default:
                        throw Unsupported(where, "this module type has no NetForge layer; supported: Linear, Conv2d, ZeroPad2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1), BatchNorm1d, BatchNorm2d, Dropout, Flatten, ReLU, Sigmoid, Tanh, Softmax, LogSoftmax");
                }
            }
            catch (SpecException e)
            {
                throw new TorchSharpExportException($"{where} does not fit its input {builder.Shape}: {string.Join("; ", e.Diagnostics.Select(d => d.Message))}");
            }
        }

        if (pad is not null) throw Unsupported($"module {modules.Count - 1} (ZeroPad2d)", "a ZeroPad2d must be followed by a Conv2d");
        if (builder.Layers.Count == 0) throw new TorchSharpExportException("the Sequential has no modules");
        if (builder.Shape.Rank != 1) throw new TorchSharpExportException($"the model's output is {builder.Shape}; NetForge exports classifiers with a flat output (add Flatten and Linear)");
        return (builder.Build(), weights);
    }

    /// <summary>Exports <paramref name="model"/> (taking float32 <c>[batch, ...inputShape]</c>, times <paramref name="inputScale"/>) to <paramref name="path"/>, atomically; returns the ONNX model.</summary>
    public static ModelProto Export(Sequential model, int[] inputShape, string path, ExportOptions? options = null, string name = "torchsharp_model", double inputScale = 1.0)
    {
        var (graph, weights) = ToGraph(model, inputShape, name, inputScale);
        var proto = OnnxExporter.Export(graph, weights, options ?? new ExportOptions());
        OnnxExporter.Write(proto, path);
        return proto;
    }

    private static void AddConv(ModelBuilder builder, Conv2d m, (long Left, long Right, long Top, long Bottom)? pad, string where)
    {
        if (m.groups != 1 || (m.dilation ?? []).Any(d => d != 1)) throw Unsupported(where, "only groups 1 and dilation 1 are supported");
        if (m.padding_mode != TorchSharp.PaddingModes.Zeros) throw Unsupported(where, $"only zero padding is supported, got {m.padding_mode}");
        long[] stride = m.stride ?? [1];
        int kh = (int)m.kernel_size[0], kw = (int)m.kernel_size[^1], sh = (int)stride[0], sw = (int)stride[^1];
        long[] own = m.padding_type == TorchSharp.Padding.Same ? SamePads(builder.Shape, kh, kw, sh, sw) : m.padding is { Length: > 0 } p ? [p[^1], p[^1], p[0], p[0]] : [0, 0, 0, 0];
        long[] total = pad is { } z ? [own[0] + z.Left, own[1] + z.Right, own[2] + z.Top, own[3] + z.Bottom] : own;
        Padding padding;
        if (total.All(v => v == 0)) padding = Padding.Valid;
        else if (total.SequenceEqual(SamePads(builder.Shape, kh, kw, sh, sw))) padding = Padding.Same;
        else throw Unsupported(where, $"padding [left {total[0]}, right {total[1]}, top {total[2]}, bottom {total[3]}] is neither 0 nor TensorFlow's 'same' for this input");
        builder.Conv2D((int)m.out_channels, kh, kw, sh, sw, padding, Activation.Linear, m.bias is not null);
    }

    private static long[] SamePads(Shape input, int kh, int kw, int sh, int sw)
    {
        var (_, top, bottom) = ShapeInference.Window(input[1], kh, sh, Padding.Same);
        var (_, left, right) = ShapeInference.Window(input[2], kw, sw, Padding.Same);
        return [left, right, top, bottom];
    }

    private static void AddBatchNorm(ModelBuilder builder, Dictionary<string, float[]> weights, TorchSharp.Modules.BatchNorm m, string where)
    {
        if (!m.affine || !m.track_running_stats || m.running_mean is null || m.running_var is null)
            throw Unsupported(where, "only affine batch norm that tracks running statistics is supported");
        builder.BatchNorm(1 - (m.momentum ?? 0.1), m.eps, center: true, scale: true);
        Take(weights, builder, m.weight, "gamma");
        Take(weights, builder, m.bias!, "beta");
        Take(weights, builder, m.running_mean, "moving_mean");
        Take(weights, builder, m.running_var, "moving_variance");
    }

    private static void Take(Dictionary<string, float[]> weights, ModelBuilder builder, Tensor tensor, string name)
    {
        var layer = builder.Layers[^1];
        var spec = layer.Parameters.Single(p => p.Name == name);
        if (!tensor.shape.SequenceEqual(spec.Shape.Select(d => (long)d)))
            throw new TorchSharpExportException($"{spec.Path}: the module's tensor is [{string.Join(", ", tensor.shape)}], NetForge expects {spec.Shape}");
        using var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        weights[spec.Path] = values.data<float>().ToArray();
    }

    private static TorchSharpExportException Unsupported(string where, string why) => new($"{where}: {why}");
}
