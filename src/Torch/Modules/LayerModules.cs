using NetForge.Spec.Graph;
using NetForge.Train.Random;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace NetForge.Torch.Modules;

/// <summary>
/// The TorchSharp module of each IR node type, with NetForge's parameter names (<c>weight</c>, <c>bias</c>, <c>gamma</c>,
/// <c>beta</c>; buffers <c>moving_mean</c>, <c>moving_variance</c>) and layouts (dense <c>[units, in]</c>, conv
/// <c>[filters, in, kh, kw]</c>), so that inside <see cref="NetForgeModule"/> they are <c>layers.N.weight</c>. Forward
/// passes are written with torch's functional ops; autograd gives the backward. Semantics are the own engine's: TF-style
/// <c>same</c> pads (explicit, possibly asymmetric), average pooling that never counts padding, Keras batch-norm moving
/// statistics (unbiased variance), inverted dropout with the loop's counter-based masks.
/// </summary>
internal static class LayerModules
{
    /// <summary>
    /// The module for <paramref name="node"/>. <paramref name="last"/>: the network's last layer, whose softmax the loss
    /// head takes (the module then returns logits). Exhaustive over the IR's node types: a new one fails here and in the
    /// backend coverage test, never silently.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(LayerNode node, bool last, StepContext context) => node switch
    {
        DenseNode d => new DenseModule(d, last),
        Conv2DNode c => new Conv2DModule(c, last),
        Pool2DNode p => new Pool2DModule(p),
        GlobalAvgPool2DNode g => new GlobalAvgPool2DModule(g),
        DropoutNode d => new DropoutModule(d, context),
        FlattenNode f => new FlattenModule(f),
        ActivationNode a => new ActivationModule(a, last),
        BatchNormNode b => new BatchNormModule(b),
        _ => throw new NotSupportedException($"layer {node.Index} '{node.Name}': the TorchSharp engine has no module for {node.GetType().Name} ({node.Type})"),
    };

    internal static Tensor Activate(Tensor x, Activation activation, LayerNode node, bool last) => activation switch
    {
        Activation.Linear => x,
        Activation.Relu => F.relu(x),
        Activation.Sigmoid => F.sigmoid(x),
        Activation.Tanh => F.tanh(x),
        Activation.Softmax when last => x, // the loss head's softmax (logits out)
        Activation.Softmax when x.dim() == 2 => F.softmax(x, 1),
        _ => throw new NotSupportedException($"layer {node.Index} '{node.Name}': activation {activation} on a {x.dim()}-d output is not supported"),
    };

    internal static Parameter NewParameter(Shape shape, bool trainable = true) =>
        new(zeros(shape.Select(d => (long)d).ToArray(), ScalarType.Float32), requires_grad: trainable);
}

/// <summary>What a training step tells the modules: the loop's dropout key (masks are a function of it).</summary>
internal sealed class StepContext
{
    public ulong DropoutKey { get; set; }
}

internal sealed class DenseModule : nn.Module<Tensor, Tensor>
{
    private readonly DenseNode _node;
    private readonly bool _last;
    private readonly Parameter _weight;
    private readonly Parameter? _bias;

    public DenseModule(DenseNode node, bool last) : base("Dense")
    {
        (_node, _last) = (node, last);
        _weight = LayerModules.NewParameter(new Shape(node.Units, node.InFeatures));
        register_parameter("weight", _weight);
        if (node.UseBias)
        {
            _bias = LayerModules.NewParameter(new Shape(node.Units));
            register_parameter("bias", _bias);
        }
    }

    public override Tensor forward(Tensor x) => LayerModules.Activate(F.linear(x, _weight, _bias), _node.Activation, _node, _last);
}

internal sealed class Conv2DModule : nn.Module<Tensor, Tensor>
{
    private readonly Conv2DNode _node;
    private readonly bool _last;
    private readonly Parameter _weight;
    private readonly Parameter? _bias;

    public Conv2DModule(Conv2DNode node, bool last) : base("Conv2D")
    {
        (_node, _last) = (node, last);
        _weight = LayerModules.NewParameter(new Shape(node.Filters, node.InputShape[0], node.KernelH, node.KernelW));
        register_parameter("weight", _weight);
        if (node.UseBias)
        {
            _bias = LayerModules.NewParameter(new Shape(node.Filters));
            register_parameter("bias", _bias);
        }
    }

    /// <remarks>
    /// Never through oneDNN: libtorch 2.10's oneDNN convolution backward, as TorchSharp 0.107 ships it, returns wrong
    /// weight gradients when the incoming gradient comes from another convolution (see <see cref="Libtorch"/>). With
    /// oneDNN off (<see cref="Libtorch.MkldnnDisabled"/>) this is <c>F.conv2d</c> on ATen's own kernels, 2.2x faster
    /// than the fallback, unfold + matmul (im2col by hand), used where the switch is unreachable. The pads are explicit
    /// either way, so TF-style asymmetric <c>same</c> padding needs no special case.
    /// </remarks>
    public override Tensor forward(Tensor x)
    {
        var n = _node;
        bool padded = n.PadTop + n.PadLeft + n.PadBottom + n.PadRight > 0;
        var input = padded ? F.pad(x, [n.PadLeft, n.PadRight, n.PadTop, n.PadBottom]) : x;
        Tensor y;
        if (Libtorch.MkldnnDisabled)
        {
            y = F.conv2d(input, _weight, _bias, strides: [n.StrideH, n.StrideW]);
        }
        else
        {
            var columns = F.unfold(input, (n.KernelH, n.KernelW), stride: (n.StrideH, n.StrideW)); // [N, C·kh·kw, L]
            y = _weight.reshape(n.Filters, -1).matmul(columns).reshape(x.shape[0], n.Filters, n.OutputShape[1], n.OutputShape[2]);
            if (_bias is not null) y = y + _bias.reshape(1, -1, 1, 1);
        }

        return LayerModules.Activate(y, n.Activation, n, _last);
    }
}

internal sealed class Pool2DModule : nn.Module<Tensor, Tensor>
{
    private readonly Pool2DNode _node;

    public Pool2DModule(Pool2DNode node) : base(node.Kind == PoolKind.Max ? "MaxPool2D" : "AvgPool2D") => _node = node;

    public override Tensor forward(Tensor x)
    {
        var n = _node;
        long[] kernel = [n.PoolH, n.PoolW], strides = [n.StrideH, n.StrideW];
        bool padded = n.PadTop + n.PadLeft + n.PadBottom + n.PadRight > 0;
        long[] pads = [n.PadLeft, n.PadRight, n.PadTop, n.PadBottom];
        if (n.Kind == PoolKind.Max)
            return F.max_pool2d(padded ? F.pad(x, pads, value: double.NegativeInfinity) : x, kernel, strides);
        if (!padded) return F.avg_pool2d(x, kernel, strides);
        // Padding never counts: the window sum over the zero-padded input divided by the window's real element count.
        using var ones = torch.ones([1, 1, x.shape[2], x.shape[3]], x.dtype);
        using var count = F.avg_pool2d(F.pad(ones, pads), kernel, strides);
        return F.avg_pool2d(F.pad(x, pads), kernel, strides) / count;
    }
}

internal sealed class GlobalAvgPool2DModule(GlobalAvgPool2DNode node) : nn.Module<Tensor, Tensor>("GlobalAvgPool2D")
{
    public GlobalAvgPool2DNode Node { get; } = node;

    public override Tensor forward(Tensor x) => x.mean([2L, 3L]);
}

internal sealed class FlattenModule(FlattenNode node) : nn.Module<Tensor, Tensor>("Flatten")
{
    public FlattenNode Node { get; } = node;

    public override Tensor forward(Tensor x) => x.reshape(x.shape[0], -1);
}

internal sealed class ActivationModule(ActivationNode node, bool last) : nn.Module<Tensor, Tensor>("Activation")
{
    public override Tensor forward(Tensor x)
    {
        if (node.Activation == Activation.Softmax && !last) return F.softmax(x, 1);
        var y = LayerModules.Activate(x, node.Activation, node, last);
        return ReferenceEquals(y, x) ? x.alias() : y; // Sequential disposes intermediates: never hand the input back
    }
}

/// <summary>
/// Inverted dropout with the own engine's masks: element i of the [batch, size] output is dropped when
/// <c>CounterRng.Uniform(Stream(dropoutKey, layerIndex, 0), i) &lt; rate</c>, else scaled by 1/(1 − rate); identity in eval.
/// </summary>
internal sealed class DropoutModule : nn.Module<Tensor, Tensor>
{
    private readonly DropoutNode _node;
    private readonly StepContext _context;
    private float[] _mask = [];

    public DropoutModule(DropoutNode node, StepContext context) : base("Dropout") => (_node, _context) = (node, context);

    public override Tensor forward(Tensor x)
    {
        if (!training || _node.Rate == 0) return x.alias(); // Sequential disposes intermediates: never hand the input back
        int count = (int)x.numel();
        if (_mask.Length < count) _mask = new float[count];
        float rate = (float)_node.Rate, scale = 1f / (1f - rate);
        ulong key = CounterRng.Stream(_context.DropoutKey, (ulong)_node.Index, 0);
        for (int i = 0; i < count; i++) _mask[i] = CounterRng.Uniform(key, (ulong)i) < rate ? 0f : scale;
        using var mask = TorchSharpEngine.LibtorchCopy(_mask.AsSpan(0, count), x.shape);
        return x * mask;
    }
}

/// <summary>
/// Batch normalisation over the channel axis ([N, C] or [N, C, H, W]), Keras semantics: training normalises with the
/// batch mean and biased variance and moves <c>moving = momentum·moving + (1 − momentum)·batch</c> (variance unbiased);
/// eval uses the moving statistics.
/// </summary>
internal sealed class BatchNormModule : nn.Module<Tensor, Tensor>
{
    private readonly BatchNormNode _node;
    private readonly Parameter? _gamma, _beta;
    private readonly Tensor _movingMean, _movingVariance;

    public BatchNormModule(BatchNormNode node) : base("BatchNorm")
    {
        _node = node;
        var c = new Shape(node.InputShape[0]);
        if (node.Scale) register_parameter("gamma", _gamma = LayerModules.NewParameter(c));
        if (node.Center) register_parameter("beta", _beta = LayerModules.NewParameter(c));
        register_buffer("moving_mean", _movingMean = zeros([c[0]], ScalarType.Float32));
        register_buffer("moving_variance", _movingVariance = ones([c[0]], ScalarType.Float32));
    }

    public override Tensor forward(Tensor x)
    {
        long[] dims = x.dim() == 4 ? [0L, 2L, 3L] : [0L];
        long[] view = x.dim() == 4 ? [1, -1, 1, 1] : [1, -1];
        Tensor mean, variance;
        if (training)
        {
            mean = x.mean(dims, keepdim: true);
            variance = (x - mean).square().mean(dims, keepdim: true);
            using (no_grad())
            {
                long count = x.numel() / x.shape[1];
                double unbias = count > 1 ? (double)count / (count - 1) : 1.0, m = _node.Momentum;
                _movingMean.mul_(m).add_(mean.detach().reshape(-1), alpha: 1 - m);
                _movingVariance.mul_(m).add_(variance.detach().reshape(-1), alpha: (1 - m) * unbias);
            }
        }
        else
        {
            mean = _movingMean.reshape(view);
            variance = _movingVariance.reshape(view);
        }

        var y = (x - mean) * (variance + _node.Epsilon).rsqrt();
        if (_gamma is not null) y = y * _gamma.reshape(view);
        if (_beta is not null) y = y + _beta.reshape(view);
        return y;
    }
}

/// <summary>
/// A NetForge graph as one TorchSharp module: <c>layers</c> is a <see cref="Sequential"/> of the layer modules named
/// <c>0</c>, <c>1</c>, ..., so every parameter is <c>layers.N.name</c> as in checkpoints and ONNX initializers. Forward
/// takes raw samples <c>[N, ...input shape]</c>, multiplies by the input scale, and returns the logits (the final
/// softmax belongs to the loss head; <see cref="Probabilities"/> applies it).
/// </summary>
public sealed class NetForgeModule : nn.Module<Tensor, Tensor>
{
    private readonly double _scale;
    private readonly Tensor? _mean, _std;   // input.normalize shaped to broadcast over [N, C, H, W] or [N, F]

    internal NetForgeModule(ModelGraph graph, StepContext context) : base(graph.Name)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _scale = graph.Input.Scale;
        if (graph.Input.Normalize is { } norm)
        {
            var (mean, std) = norm.PerGroup(graph.Input.NormalizationGroups);
            long[] shape = graph.Input.Shape.Rank == 3 ? [1, mean.Length, 1, 1] : [1, mean.Length];
            _mean = torch.tensor(mean, shape);
            _std = torch.tensor(std, shape);
        }

        int n = graph.Layers.Count;
        Layers = nn.Sequential(graph.Layers.Select((l, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), LayerModules.Create(l, i == n - 1, context))).ToArray());
        register_module("layers", Layers);
    }

    /// <summary>Builds the module of <paramref name="graph"/> (parameters zero until loaded or initialised).</summary>
    public NetForgeModule(ModelGraph graph) : this(graph, new StepContext()) { }

    /// <summary>The layer modules, named by their index.</summary>
    public Sequential Layers { get; }

    public override Tensor forward(Tensor x)
    {
        var scaled = x * _scale;
        // (x·scale − mean) / std, as the own engine and ONNX's Sub and Div compute it (intermediates go with the caller's dispose scope).
        return Layers.forward(_mean is null ? scaled : (scaled - _mean) / _std!);
    }

    /// <summary>Softmax over the classes of <paramref name="logits"/>.</summary>
    public static Tensor Probabilities(Tensor logits) => F.softmax(logits, 1);
}
