using NetForge.Spec.Graph;

namespace NetForge.Spec.Tests;

public class SeedSpecTests
{
    [Theory]
    [InlineData("mlp", 407_050)]
    [InlineData("deep_mlp", 244_522)]
    [InlineData("dropout_mlp", 669_706)]
    [InlineData("cnn", 242_062)]
    [InlineData("cnn_keras", 1_199_882)]
    public void Seed_spec_has_the_published_parameter_total(string name, long total)
    {
        var g = SpecCompiler.Load(TestSupport.SpecPath(name));
        Assert.Equal(total, g.ParameterCount);
        Assert.Equal(total, g.TrainableParameterCount);
        Assert.Equal(name, g.Name);
        Assert.Equal(7, g.Train.Seed);
        Assert.Equal(10, g.NumClasses);
        Assert.Contains(total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), g.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Cnn_layers_shapes_and_parameters_match_the_reference()
    {
        var g = SpecCompiler.Load(TestSupport.SpecPath("cnn"));
        Assert.Equal(["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "dropout", "flatten", "dense", "dropout_1", "dense_1"],
            g.Layers.Select(l => l.Name));
        Assert.Equal([416L, 0, 14_436, 0, 0, 0, 225_920, 0, 1_290], g.Layers.Select(l => l.ParameterCount));
        Assert.Equal(new Shape(16, 28, 28), g.Layers[0].OutputShape);
        Assert.Equal(new Shape(16, 14, 14), g.Layers[1].OutputShape);
        Assert.Equal(new Shape(36, 7, 7), g.Layers[3].OutputShape);
        Assert.Equal(new Shape(1764), g.Layers[5].OutputShape);
        var conv = Assert.IsType<Conv2DNode>(g.Layers[0]);
        Assert.Equal((2, 2, 2, 2), (conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight));
        Assert.Equal("layers.0.weight", conv.Parameters[0].Path);
        Assert.Equal(new Shape(16, 1, 5, 5), conv.Parameters[0].Shape);
        Assert.Equal(new Shape(128, 1764), g.Layers[6].Parameters[0].Shape);
        var adam = Assert.IsType<AdamSpec>(g.Train.Optimizer);
        Assert.Equal(new AdamSpec(0.001, 0.9, 0.999, 1e-7, false), adam);
        Assert.Equal((200, 10, 0.2), (g.Train.BatchSize, g.Train.Epochs, g.Train.ValidationSplit));
        Assert.Equal(1.0 / 255, g.Input.Scale, 15);
        Assert.Equal(TestSupport.SpecPath("cnn"), g.SourcePath);
        Assert.Equal(new SourceLocation(TestSupport.SpecPath("cnn"), 9, 5), g.Layers[0].Location);
    }

    [Fact]
    public void Seed_optimizers_follow_the_keras2_defaults()
    {
        Assert.Equal(new RmsPropSpec(0.001, 0.9, 0.0, 1e-7, false), SpecCompiler.Load(TestSupport.SpecPath("mlp")).Train.Optimizer);
        Assert.Equal(new AdamSpec(0.01, 0.9, 0.999, 1e-7, false), SpecCompiler.Load(TestSupport.SpecPath("deep_mlp")).Train.Optimizer);
        Assert.Equal(new AdadeltaSpec(1.0, 0.95, 1e-7), SpecCompiler.Load(TestSupport.SpecPath("cnn_keras")).Train.Optimizer);
        var dropout = SpecCompiler.Load(TestSupport.SpecPath("dropout_mlp"));
        Assert.Equal((128, 20), (dropout.Train.BatchSize, dropout.Train.Epochs));
        Assert.Equal([0.2, 0.2], dropout.Layers.OfType<DropoutNode>().Select(d => d.Rate));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Resolved_yaml_round_trips(string name)
    {
        var g = SpecCompiler.Load(TestSupport.SpecPath(name));
        var resolved = SpecCompiler.ToResolvedYaml(g);
        var again = SpecCompiler.Compile(resolved, name + ".resolved.yaml");
        TestSupport.AssertEqualGraphs(g, again);
        Assert.Equal(resolved, SpecCompiler.ToResolvedYaml(again));
    }

    public static TheoryData<string> Names() => [.. TestSupport.SeedSpecs];

    [Fact]
    public void Every_spec_in_the_specs_folder_compiles()
    {
        var files = Directory.GetFiles(Path.Combine(TestSupport.RepoRoot, "specs"), "*.yaml");
        Assert.Superset(TestSupport.SeedSpecs.Select(TestSupport.SpecPath).ToHashSet(), files.ToHashSet());
        foreach (var f in files) Assert.Equal(Path.GetFileNameWithoutExtension(f), SpecCompiler.Load(f).Name);
    }

    [Fact]
    public void Cnn_resolved_yaml_spells_out_every_default()
    {
        var resolved = SpecCompiler.ToResolvedYaml(SpecCompiler.Load(TestSupport.SpecPath("cnn")));
        Assert.Contains("  - conv2d: {name: conv2d, filters: 16, kernel: [5, 5], stride: [1, 1], padding: same, activation: relu, use_bias: true, initializer: glorot_uniform, bias_initializer: zeros}\n", resolved, StringComparison.Ordinal);
        Assert.Contains("  - maxpool2d: {name: max_pooling2d, pool: [2, 2], stride: [2, 2], padding: valid}\n", resolved, StringComparison.Ordinal);
        Assert.Contains("  optimizer: {adam: {learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-07, amsgrad: false}}\n", resolved, StringComparison.Ordinal);
        Assert.Contains("labels: [\"0\", \"1\", \"2\"", resolved, StringComparison.Ordinal);
        Assert.Contains("dialect: keras2\n", resolved, StringComparison.Ordinal);
        Assert.Contains("  metrics: [accuracy]\n", resolved, StringComparison.Ordinal);
    }
}
