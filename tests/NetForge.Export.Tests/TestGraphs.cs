using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Spec.Layers;

namespace NetForge.Export.Tests;

/// <summary>
/// The Export tests' shorthand over the spec's own <see cref="ModelBuilder"/> (its shape inference, TF-style pads, Keras
/// names, parameter paths): layers located at <c>specs/test.yaml</c> line 10 + index, column 5, so node doc strings can
/// be checked.
/// </summary>
internal sealed class TestGraph
{
    private readonly ModelBuilder _builder;

    public TestGraph(string name, Shape input, double scale = 1.0 / 255) =>
        _builder = new ModelBuilder(name, [.. input], scale, File, new SourceLocation(File, 3, 3));

    public const string File = "specs/test.yaml";

    private SourceLocation Next => new(File, 10 + _builder.Layers.Count, 5);

    public TestGraph Dense(int units, Activation activation = Activation.Linear, bool useBias = true) =>
        Add(LayerKinds.Dense, new DenseConfig(units, activation, useBias));

    public TestGraph Conv(int filters, int kh, int kw, int sh = 1, int sw = 1, Padding padding = Padding.Valid,
        Activation activation = Activation.Linear, bool useBias = true) =>
        Add(LayerKinds.Conv2D, new Conv2DConfig(filters, (kh, kw), (sh, sw), padding, activation, useBias));

    public TestGraph Pool(PoolKind kind, int ph, int pw, int sh, int sw, Padding padding = Padding.Valid) =>
        Add(kind == PoolKind.Max ? LayerKinds.MaxPool2D : LayerKinds.AvgPool2D, new Pool2DConfig((ph, pw), (sh, sw), padding));

    public TestGraph Dropout(double rate) => Add(LayerKinds.Dropout, new DropoutConfig(rate));

    public TestGraph Flatten() => Add(LayerKinds.Flatten, new FlattenConfig());

    public TestGraph Act(Activation activation) => Add(LayerKinds.Activation, new ActivationConfig(activation));

    public TestGraph BatchNorm(bool center = true, bool scale = true, double epsilon = 0.001) =>
        Add(LayerKinds.BatchNorm, new BatchNormConfig(0.99, epsilon, center, scale));

    public ModelGraph Build(string? description = "test model") => _builder.Build(description: description);

    private TestGraph Add(LayerKind kind, LayerConfig config)
    {
        _builder.Add(kind, config, at: Next);
        return this;
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
