using NetForge.Spec.Graph;

namespace NetForge.Train.Tests.Layers;

/// <summary>
/// Builds small <see cref="ModelGraph"/>s straight from the IR records (no spec compiler): shapes inferred
/// like Keras, <c>same</c> padding resolved TF-style, parameters named <c>layers.{i}.{name}</c>.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly List<LayerNode> _layers = [];
    private readonly Shape _input;
    private readonly double _scale;
    private Shape _shape;

    public GraphBuilder(double scale, params int[] inputShape)
    {
        _input = new Shape(inputShape);
        _shape = _input;
        _scale = scale;
    }

    public GraphBuilder Dense(int units, Activation activation = Activation.Linear, bool useBias = true)
    {
        int index = _layers.Count;
        var ps = new List<ParamSpec> { P(index, "weight", Initializer.GlorotUniform, units, _shape[0]) };
        if (useBias) ps.Add(P(index, "bias", Initializer.Zeros, units));
        return Add(new DenseNode(units, activation, useBias) { Index = index, Name = $"dense_{index}", Location = SourceLocation.None, InputShape = _shape, OutputShape = new Shape(units), Parameters = ps });
    }

    public GraphBuilder Conv(int filters, int kh, int kw, int sh = 1, int sw = 1, Padding padding = Padding.Valid, Activation activation = Activation.Linear, bool useBias = true)
    {
        int index = _layers.Count;
        var (pt, pb, oh) = Pads(_shape.Height, kh, sh, padding);
        var (pl, pr, ow) = Pads(_shape.Width, kw, sw, padding);
        var ps = new List<ParamSpec> { P(index, "weight", Initializer.GlorotUniform, filters, _shape.Channels, kh, kw) };
        if (useBias) ps.Add(P(index, "bias", Initializer.Zeros, filters));
        return Add(new Conv2DNode(filters, kh, kw, sh, sw, padding, pt, pl, pb, pr, activation, useBias)
        { Index = index, Name = $"conv2d_{index}", Location = SourceLocation.None, InputShape = _shape, OutputShape = new Shape(filters, oh, ow), Parameters = ps });
    }

    public GraphBuilder Pool(PoolKind kind, int ph, int pw, int sh, int sw, Padding padding = Padding.Valid)
    {
        int index = _layers.Count;
        var (pt, pb, oh) = Pads(_shape.Height, ph, sh, padding);
        var (pl, pr, ow) = Pads(_shape.Width, pw, sw, padding);
        return Add(new Pool2DNode(kind, ph, pw, sh, sw, padding, pt, pl, pb, pr)
        { Index = index, Name = $"pool_{index}", Location = SourceLocation.None, InputShape = _shape, OutputShape = new Shape(_shape.Channels, oh, ow) });
    }

    public GraphBuilder Dropout(double rate) =>
        Add(new DropoutNode(rate) { Index = _layers.Count, Name = $"dropout_{_layers.Count}", Location = SourceLocation.None, InputShape = _shape, OutputShape = _shape });

    public GraphBuilder Flatten() =>
        Add(new FlattenNode { Index = _layers.Count, Name = $"flatten_{_layers.Count}", Location = SourceLocation.None, InputShape = _shape, OutputShape = new Shape((int)_shape.Size) });

    public GraphBuilder GlobalAvgPool() =>
        Add(new GlobalAvgPool2DNode { Index = _layers.Count, Name = $"gap_{_layers.Count}", Location = SourceLocation.None, InputShape = _shape, OutputShape = new Shape(_shape.Channels) });

    public GraphBuilder Act(Activation activation) =>
        Add(new ActivationNode(activation) { Index = _layers.Count, Name = $"activation_{_layers.Count}", Location = SourceLocation.None, InputShape = _shape, OutputShape = _shape });

    public GraphBuilder BatchNorm(double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true)
    {
        int index = _layers.Count, c = _shape[0];
        var ps = new List<ParamSpec>();
        if (scale) ps.Add(P(index, "gamma", Initializer.Ones, c));
        if (center) ps.Add(P(index, "beta", Initializer.Zeros, c));
        ps.Add(P(index, "moving_mean", Initializer.Zeros, c) with { Trainable = false });
        ps.Add(P(index, "moving_variance", Initializer.Ones, c) with { Trainable = false });
        return Add(new BatchNormNode(momentum, epsilon, center, scale)
        { Index = index, Name = $"batchnorm_{index}", Location = SourceLocation.None, InputShape = _shape, OutputShape = _shape, Parameters = ps });
    }

    public ModelGraph Build(string name = "test") =>
        new(name, null, "keras2", new InputSpec(_input, _scale, SourceLocation.None), [], _layers.ToList(),
            new TrainSpec("mnist", LossKind.CategoricalCrossentropy, new SgdSpec(0.01, 0, false), 32, 1, 0, 1, ["accuracy"], null, CallbacksSpec.Default, null),
            "test.yaml");

    /// <summary>TensorFlow padding: same → out = ceil(in/s), total = max((out−1)·s + k − in, 0), extra at the end.</summary>
    internal static (int Begin, int End, int Out) Pads(int size, int k, int s, Padding padding)
    {
        if (padding == Padding.Valid) return (0, 0, (size - k) / s + 1);
        int output = (size + s - 1) / s;
        int total = Math.Max((output - 1) * s + k - size, 0);
        return (total / 2, total - total / 2, output);
    }

    private GraphBuilder Add(LayerNode node)
    {
        _layers.Add(node);
        _shape = node.OutputShape;
        return this;
    }

    private static ParamSpec P(int index, string name, Initializer init, params int[] shape) =>
        new($"layers.{index}.{name}", name, new Shape(shape), init);
}
