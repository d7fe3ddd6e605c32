using NetForge.Spec.Graph;

namespace NetForge.Export.Tests;

/// <summary>
/// Builds ModelGraphs straight from the IR records (what SpecCompiler would produce), with the same shape
/// rules as the spec language: valid → floor((in − k)/s) + 1; same → ceil(in/s), TensorFlow pads.
/// </summary>
internal sealed class TestGraph
{
    private readonly string _name;
    private readonly InputSpec _input;
    private readonly List<LayerNode> _layers = [];
    private readonly Dictionary<string, int> _typeCounts = [];
    private Shape _shape;

    public TestGraph(string name, Shape input, double scale = 1.0 / 255)
    {
        _name = name;
        _shape = input;
        _input = new InputSpec(input, scale, new SourceLocation(File, 3, 3));
    }

    public const string File = "specs/test.yaml";

    public TestGraph Dense(int units, Activation activation = Activation.Linear, bool useBias = true)
    {
        var p = new List<(string, Shape)> { ("weight", new Shape(units, _shape[0])) };
        if (useBias) p.Add(("bias", new Shape(units)));
        return Add(new DenseNode(units, activation, useBias) { Index = 0, Name = "", Location = default, InputShape = _shape, OutputShape = new Shape(units) }, "dense", p);
    }

    public TestGraph Conv(int filters, int kh, int kw, int sh = 1, int sw = 1, Padding padding = Padding.Valid,
        Activation activation = Activation.Linear, bool useBias = true)
    {
        var (oh, top, bottom) = Resolve(_shape[1], kh, sh, padding);
        var (ow, left, right) = Resolve(_shape[2], kw, sw, padding);
        var p = new List<(string, Shape)> { ("weight", new Shape(filters, _shape[0], kh, kw)) };
        if (useBias) p.Add(("bias", new Shape(filters)));
        var node = new Conv2DNode(filters, kh, kw, sh, sw, padding, top, left, bottom, right, activation, useBias)
        { Index = 0, Name = "", Location = default, InputShape = _shape, OutputShape = new Shape(filters, oh, ow) };
        return Add(node, "conv2d", p);
    }

    public TestGraph Pool(PoolKind kind, int ph, int pw, int sh, int sw, Padding padding = Padding.Valid)
    {
        var (oh, top, bottom) = Resolve(_shape[1], ph, sh, padding);
        var (ow, left, right) = Resolve(_shape[2], pw, sw, padding);
        var node = new Pool2DNode(kind, ph, pw, sh, sw, padding, top, left, bottom, right)
        { Index = 0, Name = "", Location = default, InputShape = _shape, OutputShape = new Shape(_shape[0], oh, ow) };
        return Add(node, kind == PoolKind.Max ? "max_pooling2d" : "average_pooling2d", []);
    }

    public TestGraph Dropout(double rate) =>
        Add(new DropoutNode(rate) { Index = 0, Name = "", Location = default, InputShape = _shape, OutputShape = _shape }, "dropout", []);

    public TestGraph Flatten() =>
        Add(new FlattenNode { Index = 0, Name = "", Location = default, InputShape = _shape, OutputShape = new Shape((int)_shape.Size) }, "flatten", []);

    public TestGraph Act(Activation activation) =>
        Add(new ActivationNode(activation) { Index = 0, Name = "", Location = default, InputShape = _shape, OutputShape = _shape }, "activation", []);

    public TestGraph BatchNorm(bool center = true, bool scale = true, double epsilon = 0.001)
    {
        int c = _shape[0];
        var p = new List<(string, Shape)>();
        if (scale) p.Add(("gamma", new Shape(c)));
        if (center) p.Add(("beta", new Shape(c)));
        p.Add(("moving_mean", new Shape(c)));
        p.Add(("moving_variance", new Shape(c)));
        var node = new BatchNormNode(0.99, epsilon, center, scale) { Index = 0, Name = "", Location = default, InputShape = _shape, OutputShape = _shape };
        return Add(node, "batch_normalization", p);
    }

    public ModelGraph Build(string? description = "test model")
    {
        var train = new TrainSpec("mnist", LossKind.CategoricalCrossentropy, new AdamSpec(0.001, 0.9, 0.999, 1e-7, false),
            32, 1, 0.0, 7, ["accuracy"], null, CallbacksSpec.Default, null);
        var labels = Enumerable.Range(0, (int)_shape.Size).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new ModelGraph(_name, description, "keras2", _input, labels, _layers.ToList(), train, File);
    }

    private TestGraph Add(LayerNode node, string autoName, List<(string Name, Shape Shape)> parameters)
    {
        int index = _layers.Count;
        int count = _typeCounts.GetValueOrDefault(autoName);
        _typeCounts[autoName] = count + 1;
        string name = count == 0 ? autoName : $"{autoName}_{count}";
        var specs = parameters.Select(p => new ParamSpec($"layers.{index}.{p.Name}", p.Name, p.Shape,
            p.Name is "bias" or "beta" or "moving_mean" ? Initializer.Zeros : p.Name is "weight" ? Initializer.GlorotUniform : Initializer.Ones,
            p.Name is not ("moving_mean" or "moving_variance"))).ToList();
        _layers.Add(node with { Index = index, Name = name, Location = new SourceLocation(File, 10 + index, 5), Parameters = specs });
        _shape = node.OutputShape;
        return this;
    }

    private static (int Out, int Before, int After) Resolve(int input, int k, int s, Padding padding)
    {
        if (padding == Padding.Valid) return ((input - k) / s + 1, 0, 0);
        int output = (input + s - 1) / s;
        int total = Math.Max((output - 1) * s + k - input, 0);
        return (output, total / 2, total - total / 2);
    }

    /// <summary>Deterministic weights in [−0.5, 0.5) for every parameter; variances positive.</summary>
    public static Dictionary<string, float[]> Weights(ModelGraph graph, int seed = 42)
    {
        var random = new Random(seed);
        var weights = new Dictionary<string, float[]>();
        foreach (var p in graph.Parameters)
        {
            var values = new float[p.Size];
            for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5);
            if (p.Name == "moving_variance") for (int i = 0; i < values.Length; i++) values[i] = Math.Abs(values[i]) + 0.1f;
            weights[p.Path] = values;
        }
        return weights;
    }

    // The five seed specs' shapes (specs/*.yaml).
    public static ModelGraph Mlp() => new TestGraph("mlp", new Shape(784)).Dense(512, Spec.Graph.Activation.Relu).Dense(10, Spec.Graph.Activation.Softmax).Build();

    public static ModelGraph DeepMlp() => new TestGraph("deep_mlp", new Shape(784))
        .Dense(256, Spec.Graph.Activation.Relu).Dense(128, Spec.Graph.Activation.Relu).Dense(64, Spec.Graph.Activation.Relu)
        .Dense(32, Spec.Graph.Activation.Relu).Dense(10, Spec.Graph.Activation.Softmax).Build();

    public static ModelGraph DropoutMlp() => new TestGraph("dropout_mlp", new Shape(784))
        .Dense(512, Spec.Graph.Activation.Relu).Dropout(0.2).Dense(512, Spec.Graph.Activation.Relu).Dropout(0.2)
        .Dense(10, Spec.Graph.Activation.Softmax).Build();

    public static ModelGraph Cnn() => new TestGraph("cnn", new Shape(1, 28, 28))
        .Conv(16, 5, 5, padding: Padding.Same, activation: Spec.Graph.Activation.Relu).Pool(PoolKind.Max, 2, 2, 2, 2)
        .Conv(36, 5, 5, padding: Padding.Same, activation: Spec.Graph.Activation.Relu).Pool(PoolKind.Max, 2, 2, 2, 2)
        .Dropout(0.25).Flatten().Dense(128, Spec.Graph.Activation.Relu).Dropout(0.5).Dense(10, Spec.Graph.Activation.Softmax).Build();

    public static ModelGraph CnnKeras() => new TestGraph("cnn_keras", new Shape(1, 28, 28))
        .Conv(32, 3, 3, activation: Spec.Graph.Activation.Relu).Conv(64, 3, 3, activation: Spec.Graph.Activation.Relu)
        .Pool(PoolKind.Max, 2, 2, 2, 2).Dropout(0.35).Flatten().Dense(128, Spec.Graph.Activation.Relu).Dropout(0.5)
        .Dense(10, Spec.Graph.Activation.Softmax).Build();

    public static IEnumerable<ModelGraph> SeedShapes() => [Mlp(), DeepMlp(), DropoutMlp(), Cnn(), CnnKeras()];
}
