using NetForge.Spec.Graph;
using NetForge.Spec.Layers;
using NetForge.Spec.Validation;

namespace NetForge.Spec;

/// <summary>
/// Builds a <see cref="ModelGraph"/> in code with exactly the spec language's rules: each layer goes through its kind's
/// <see cref="LayerKind"/> shape inference (TensorFlow-style <c>same</c> padding, the same checks), gets Keras's
/// automatic name (<c>dense</c>, <c>dense_1</c>, ...) and the parameter paths <c>layers.N.weight</c>. For backends that
/// map another framework's model onto the IR, and for tests. A layer that does not fit its input throws a
/// <see cref="SpecException"/> with the same message a spec would get.
/// </summary>
public sealed class ModelBuilder
{
    private readonly string _name;
    private readonly InputSpec _input;
    private readonly string _source;
    private readonly List<LayerNode> _layers = [];
    private readonly Dictionary<string, int> _autoNames = [];
    private readonly HashSet<string> _names = [];

    /// <param name="name">The model's name.</param>
    /// <param name="inputShape">One sample's shape: <c>[features]</c> or <c>[channels, height, width]</c>.</param>
    /// <param name="scale">The input scale (<c>input.scale</c>): raw values are multiplied by it.</param>
    /// <param name="sourcePath">What diagnostics and <see cref="ModelGraph.SourcePath"/> name as the source.</param>
    /// <param name="inputLocation">Where the input is declared, if anywhere.</param>
    public ModelBuilder(string name, int[] inputShape, double scale = 1.0 / 255, string sourcePath = "<code>", SourceLocation? inputLocation = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Length is not (1 or 3) || inputShape.Any(d => d < 1))
            throw new ArgumentException($"input shape [{string.Join(", ", inputShape)}] must be [features] or [channels, height, width], each ≥ 1", nameof(inputShape));
        if (!double.IsFinite(scale) || scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), scale, "the input scale must be finite and > 0");
        _name = name;
        _source = sourcePath;
        _input = new InputSpec(new Shape(inputShape), scale, inputLocation ?? SourceLocation.None);
        Shape = _input.Shape;
    }

    /// <summary>The output shape of the last layer added (the input shape before any).</summary>
    public Shape Shape { get; private set; }

    /// <summary>The layers added so far.</summary>
    public IReadOnlyList<LayerNode> Layers => _layers;

    /// <summary>
    /// Adds a layer of <paramref name="kind"/> with <paramref name="config"/> (the kind's own config record). Without
    /// <paramref name="name"/> it gets Keras's automatic name; initializers default to the kind's (weights) and zeros (bias).
    /// </summary>
    public ModelBuilder Add(LayerKind kind, LayerConfig config, string? name = null, Initializer? initializer = null,
        Initializer? biasInitializer = null, SourceLocation? at = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(config);
        if (config.GetType() != kind.ConfigType)
            throw new ArgumentException($"{kind.Type} takes a {kind.ConfigType.Name}, not a {config.GetType().Name}", nameof(config));

        int index = _layers.Count;
        string layerName = name ?? NextAutoName(kind.AutoName);
        if (_names.Contains(layerName)) throw new ArgumentException($"duplicate layer name '{layerName}'", nameof(name));
        string label = name ?? $"layers[{index}] ({kind.Type})";
        var location = at ?? SourceLocation.None;
        var diags = new DiagnosticBag(_source, "");
        var site = new LayerSite(index, layerName, label, location, Shape, initializer ?? kind.DefaultInitializer,
            biasInitializer ?? Initializer.Zeros, _ => location, diags);
        var node = kind.Infer(config, site);
        if (node is null || diags.Count > 0) throw new SpecException(diags.ToList());
        _names.Add(layerName);
        _layers.Add(node);
        Shape = node.OutputShape;
        return this;
    }

    public ModelBuilder Dense(int units, Activation activation = Graph.Activation.Linear, bool useBias = true) =>
        Add(LayerKinds.Dense, new DenseConfig(Positive(units), activation, useBias));

    public ModelBuilder Conv2D(int filters, int kernelH, int kernelW, int strideH = 1, int strideW = 1, Padding padding = Padding.Valid,
        Activation activation = Graph.Activation.Linear, bool useBias = true) =>
        Add(LayerKinds.Conv2D, new Conv2DConfig(Positive(filters), (Positive(kernelH), Positive(kernelW)), (Positive(strideH), Positive(strideW)), padding, activation, useBias));

    /// <summary>Max pooling; the stride defaults to the pool size, as in Keras.</summary>
    public ModelBuilder MaxPool2D(int poolH, int poolW, int? strideH = null, int? strideW = null, Padding padding = Padding.Valid) =>
        Add(LayerKinds.MaxPool2D, new Pool2DConfig((Positive(poolH), Positive(poolW)), Stride(poolH, poolW, strideH, strideW), padding));

    /// <summary>Average pooling (padding never counted); the stride defaults to the pool size.</summary>
    public ModelBuilder AvgPool2D(int poolH, int poolW, int? strideH = null, int? strideW = null, Padding padding = Padding.Valid) =>
        Add(LayerKinds.AvgPool2D, new Pool2DConfig((Positive(poolH), Positive(poolW)), Stride(poolH, poolW, strideH, strideW), padding));

    public ModelBuilder GlobalAvgPool2D() => Add(LayerKinds.GlobalAvgPool2D, new GlobalAvgPool2DConfig());

    public ModelBuilder Dropout(double rate) =>
        Add(LayerKinds.Dropout, new DropoutConfig(rate is >= 0 and < 1 ? rate : throw new ArgumentOutOfRangeException(nameof(rate), rate, "the rate must be in [0, 1)")));

    public ModelBuilder Flatten() => Add(LayerKinds.Flatten, new FlattenConfig());

    public ModelBuilder Activation(Activation activation) => Add(LayerKinds.Activation, new ActivationConfig(activation));

    public ModelBuilder BatchNorm(double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true) =>
        Add(LayerKinds.BatchNorm, new BatchNormConfig(
            momentum is >= 0 and <= 1 ? momentum : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "the momentum must be in [0, 1]"),
            epsilon > 0 && double.IsFinite(epsilon) ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be finite and > 0"),
            center, scale));

    /// <summary>
    /// The graph. <paramref name="train"/> defaults to the spec language's defaults for <c>mnist</c> (Adam, batch 32,
    /// 1 epoch); <paramref name="labels"/> to <c>0</c>…<c>classes−1</c>.
    /// </summary>
    public ModelGraph Build(TrainSpec? train = null, IReadOnlyList<string>? labels = null, string? description = null)
    {
        if (_layers.Count == 0) throw new InvalidOperationException("a model needs at least one layer");
        int classes = (int)Shape.Size;
        labels ??= [.. Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        if (labels.Count != classes) throw new ArgumentException($"{labels.Count} labels for {classes} outputs", nameof(labels));
        train ??= new TrainSpec("mnist", LossKind.CategoricalCrossentropy, new AdamSpec(0.001, 0.9, 0.999, 1e-7, false),
            32, 1, 0.0, 7, ["accuracy"], null, CallbacksSpec.Default, null);
        return new ModelGraph(_name, description, "keras2", _input, labels, _layers.ToList(), train, _source);
    }

    /// <summary>Keras's automatic names, as the spec compiler gives them: a counter per prefix; a clash with a given name is an error there and here.</summary>
    private string NextAutoName(string prefix)
    {
        int k = _autoNames.GetValueOrDefault(prefix);
        _autoNames[prefix] = k + 1;
        return k == 0 ? prefix : $"{prefix}_{k}";
    }

    private static (int H, int W) Stride(int poolH, int poolW, int? h, int? w) => (Positive(h ?? poolH), Positive(w ?? poolW));

    private static int Positive(int value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, name);
        return value;
    }
}
