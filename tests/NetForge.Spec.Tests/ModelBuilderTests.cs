using NetForge.Spec.Graph;
using NetForge.Spec.Layers;
using NetForge.Tests.Shared;

namespace NetForge.Spec.Tests;

/// <summary>The code builder follows the spec language's rules exactly: same nodes, names, shapes, pads and parameters.</summary>
public class ModelBuilderTests
{
    private static ModelGraph Seed(string name) => SpecCompiler.Load(RepoRoot.Combine("specs", name + ".yaml"));

    private static void AssertSameLayers(ModelGraph expected, ModelGraph actual)
    {
        Assert.Equal(expected.Input.Shape, actual.Input.Shape);
        Assert.Equal(expected.Layers.Count, actual.Layers.Count);
        for (int i = 0; i < expected.Layers.Count; i++)
        {
            Assert.Equal(expected.Layers[i] with { Location = SourceLocation.None, Parameters = [] }, actual.Layers[i] with { Location = SourceLocation.None, Parameters = [] });
            Assert.Equal(expected.Layers[i].Parameters, actual.Layers[i].Parameters);
        }
    }

    [Fact]
    public void Builds_the_seed_cnn_as_the_spec_compiler_does()
    {
        var built = new ModelBuilder("cnn", [1, 28, 28])
            .Conv2D(16, 5, 5, padding: Padding.Same, activation: Activation.Relu).MaxPool2D(2, 2)
            .Conv2D(36, 5, 5, padding: Padding.Same, activation: Activation.Relu).MaxPool2D(2, 2)
            .Dropout(0.25).Flatten().Dense(128, Activation.Relu).Dropout(0.5).Dense(10, Activation.Softmax)
            .Build();
        AssertSameLayers(Seed("cnn"), built);
        Assert.Equal(["dropout", "dropout_1"], built.Layers.OfType<DropoutNode>().Select(l => l.Name));
    }

    [Fact]
    public void Builds_every_kinds_example_as_the_spec_compiler_does()
    {
        var fromSpec = new ModelBuilder("all", [1, 28, 28])
            .Conv2D(4, 3, 2, 2, 1, Padding.Same, useBias: false).BatchNorm(0.9, 1e-5).Activation(Activation.Tanh)
            .AvgPool2D(3, 3, 2, 2, Padding.Same).MaxPool2D(2, 2, 1, 1).GlobalAvgPool2D().Dense(5).Dropout(0.1).Dense(10, Activation.Softmax)
            .Build();
        const string yaml = """
            name: all
            input: {shape: [1, 28, 28], scale: 0.00392156862745098}
            layers:
              - conv2d: {filters: 4, kernel: [3, 2], stride: [2, 1], padding: same, use_bias: false}
              - batchnorm: {momentum: 0.9, epsilon: 0.00001}
              - activation: tanh
              - avgpool2d: {pool: 3, stride: 2, padding: same}
              - maxpool2d: {pool: 2, stride: 1}
              - globalavgpool2d
              - dense: {units: 5}
              - dropout: {rate: 0.1}
              - dense: {units: 10, activation: softmax}
            train: {dataset: mnist, loss: categorical_crossentropy, optimizer: adam}
            """;
        var compiled = SpecCompiler.Compile(yaml, "all.yaml");
        AssertSameLayers(compiled, fromSpec);
        Assert.Equal(LayerKinds.All.Count, fromSpec.Layers.Select(l => l.Type).Distinct().Count() + 1); // all but flatten
    }

    [Fact]
    public void A_layer_that_does_not_fit_gets_the_specs_message()
    {
        var ex = Assert.Throws<SpecException>(() => new ModelBuilder("m", [1, 28, 28]).Dense(10));
        Assert.Contains("dense needs a flat input", ex.Message);
        Assert.Contains("add a flatten layer before it", ex.Message);

        ex = Assert.Throws<SpecException>(() => new ModelBuilder("m", [1, 4, 4]).Conv2D(2, 5, 5));
        Assert.Contains("kernel is larger than its input", ex.Message);
    }

    [Fact]
    public void Bad_arguments_name_themselves()
    {
        Assert.Equal("units", Assert.Throws<ArgumentOutOfRangeException>(() => new ModelBuilder("m", [4]).Dense(0)).ParamName);
        Assert.Equal("rate", Assert.Throws<ArgumentOutOfRangeException>(() => new ModelBuilder("m", [4]).Dropout(1)).ParamName);
        Assert.Contains("takes a DenseConfig", Assert.Throws<ArgumentException>(() => new ModelBuilder("m", [4]).Add(LayerKinds.Dense, new FlattenConfig())).Message);
        Assert.Contains("duplicate layer name 'x'", Assert.Throws<ArgumentException>(() => new ModelBuilder("m", [4]).Add(LayerKinds.Dense, new DenseConfig(2, Activation.Linear, true), "x").Add(LayerKinds.Dense, new DenseConfig(2, Activation.Linear, true), "x")).Message);
        // An automatic name that clashes with a given one is an error, as in a spec (the spec compiler's rule).
        Assert.Contains("duplicate layer name 'dense_1'", Assert.Throws<ArgumentException>(() => new ModelBuilder("m", [4])
            .Add(LayerKinds.Dense, new DenseConfig(2, Activation.Linear, true), "dense_1").Dense(2).Dense(2)).Message);
        Assert.Throws<ArgumentException>(() => new ModelBuilder("m", [2, 3]));
    }
}
