using NetForge.Spec.Graph;
using static NetForge.Spec.Tests.TestSupport;

namespace NetForge.Spec.Tests;

/// <summary>Output shapes, pads and parameter counts for every layer type and option.</summary>
public class ShapeInferenceTests
{
    private static LayerNode First(string layer) => Compile(Cnn(layer)).Layers[0];

    [Theory]
    // input, kernel, stride, padding → out, pad before, pad after (TensorFlow rules)
    [InlineData(28, 3, 1, Padding.Valid, 26, 0, 0)]
    [InlineData(28, 3, 2, Padding.Valid, 13, 0, 0)]
    [InlineData(28, 28, 1, Padding.Valid, 1, 0, 0)]
    [InlineData(28, 29, 1, Padding.Valid, 0, 0, 0)]
    [InlineData(28, 5, 1, Padding.Same, 28, 2, 2)]
    [InlineData(28, 4, 1, Padding.Same, 28, 1, 2)]     // odd total: extra at the bottom/right
    [InlineData(28, 3, 2, Padding.Same, 14, 0, 1)]     // (14-1)*2+3-28 = 1
    [InlineData(7, 2, 2, Padding.Same, 4, 0, 1)]
    [InlineData(28, 1, 3, Padding.Same, 10, 0, 0)]     // total would be negative: clamped to 0
    [InlineData(1, 5, 1, Padding.Same, 1, 2, 2)]
    public void Window_follows_tensorflow(int input, int k, int s, Padding p, int output, int before, int after) =>
        Assert.Equal((output, before, after), ShapeInference.Window(input, k, s, p));

    [Fact]
    public void Window_matches_a_brute_force_count_of_window_positions()
    {
        for (int input = 1; input <= 12; input++)
        for (int k = 1; k <= 6; k++)
        for (int s = 1; s <= 4; s++)
        {
            // valid: windows fully inside; same: ceil(input/s) windows and symmetric-ish padding covering them.
            int valid = 0;
            for (int start = 0; start + k <= input; start += s) valid++;
            Assert.Equal(valid, ShapeInference.Window(input, k, s, Padding.Valid).Out);
            var (o, b, a) = ShapeInference.Window(input, k, s, Padding.Same);
            Assert.Equal((input + s - 1) / s, o);
            Assert.True(b <= a && a - b <= 1 && b < k && a < k, $"pads {b},{a} for in {input} k {k} s {s}");
            Assert.True((o - 1) * s + k <= input + b + a, "last window must fit the padded input");
        }
    }

    [Fact]
    public void Conv2d_valid_same_stride_and_rectangular_kernels()
    {
        var c = Assert.IsType<Conv2DNode>(First("  - conv2d: {filters: 8, kernel: 3}\n"));
        Assert.Equal(new Shape(8, 26, 26), c.OutputShape);
        Assert.Equal(8 * 1 * 3 * 3 + 8, c.ParameterCount);
        Assert.Equal(8L * 26 * 26 * 9, c.MacsPerSample);

        c = Assert.IsType<Conv2DNode>(First("  - conv2d: {filters: 4, kernel: [3, 5], stride: [2, 1], padding: same, use_bias: false}\n"));
        Assert.Equal(new Shape(4, 14, 28), c.OutputShape);
        Assert.Equal((3, 5, 2, 1), (c.KernelH, c.KernelW, c.StrideH, c.StrideW));
        Assert.Equal((0, 2, 1, 2), (c.PadTop, c.PadLeft, c.PadBottom, c.PadRight));
        Assert.Equal(4 * 3 * 5, c.ParameterCount);
        Assert.Equal(new Shape(4, 1, 3, 5), Assert.Single(c.Parameters).Shape);

        c = Assert.IsType<Conv2DNode>(First("  - conv2d: {filters: 2, kernel: [5, 2], stride: 3}\n"));
        Assert.Equal(new Shape(2, 8, 9), c.OutputShape);
    }

    [Fact]
    public void Conv2d_takes_in_channels_from_the_previous_layer()
    {
        var g = Compile(Cnn("  - conv2d: {filters: 6, kernel: 3}\n  - conv2d: {filters: 5, kernel: 3}\n"));
        var c = Assert.IsType<Conv2DNode>(g.Layers[1]);
        Assert.Equal(6, c.InChannels);
        Assert.Equal(new Shape(5, 6, 3, 3), c.Parameters[0].Shape);
        Assert.Equal(5 * 6 * 9 + 5, c.ParameterCount);
    }

    [Fact]
    public void Max_and_average_pooling_default_stride_to_pool()
    {
        var p = Assert.IsType<Pool2DNode>(First("  - maxpool2d: {pool: 2}\n"));
        Assert.Equal((PoolKind.Max, 2, 2, new Shape(1, 14, 14)), (p.Kind, p.StrideH, p.StrideW, p.OutputShape));
        Assert.Equal(0, p.ParameterCount);

        p = Assert.IsType<Pool2DNode>(First("  - avgpool2d: {pool: 3}\n"));
        Assert.Equal((PoolKind.Average, "avgpool2d", new Shape(1, 9, 9)), (p.Kind, p.Type, p.OutputShape));

        p = Assert.IsType<Pool2DNode>(First("  - avgpool2d: {pool: 3, padding: same}\n"));
        Assert.Equal(new Shape(1, 10, 10), p.OutputShape);
        Assert.Equal((1, 1, 1, 1), (p.PadTop, p.PadLeft, p.PadBottom, p.PadRight)); // (10-1)*3+3-28 = 2

        p = Assert.IsType<Pool2DNode>(First("  - maxpool2d: {pool: [2, 3], stride: 1}\n"));
        Assert.Equal(new Shape(1, 27, 26), p.OutputShape);
    }

    [Fact]
    public void Dense_weights_are_units_by_in_features()
    {
        var g = Compile(Mlp("  - dense: {units: 32, use_bias: false}\n  - dense: {units: 10, activation: softmax}\n"));
        var d = Assert.IsType<DenseNode>(g.Layers[0]);
        Assert.Equal(new Shape(32, 784), Assert.Single(d.Parameters).Shape);
        Assert.False(d.UseBias);
        Assert.Equal(784 * 32, d.ParameterCount);
        Assert.Equal(["layers.1.weight", "layers.1.bias"], g.Layers[1].Parameters.Select(p => p.Path));
        Assert.Equal(784L * 32 + 32 * 10, g.MacsPerSample);
    }

    [Theory]
    [InlineData("", 4 * 8, 2 * 8)]
    [InlineData(", center: false", 3 * 8, 8)]
    [InlineData(", scale: false", 3 * 8, 8)]
    [InlineData(", center: false, scale: false", 2 * 8, 0)]
    public void Batchnorm_counts_moving_statistics_as_non_trainable(string options, int total, int trainable)
    {
        var g = Compile(Cnn($"  - conv2d: {{filters: 8, kernel: 3}}\n  - batchnorm: {{momentum: 0.9{options}}}\n"));
        var bn = Assert.IsType<BatchNormNode>(g.Layers[1]);
        Assert.Equal(total, bn.ParameterCount);
        Assert.Equal(trainable, bn.TrainableParameterCount);
        Assert.Equal(new Shape(8, 26, 26), bn.OutputShape);
        Assert.Equal(8, bn.Channels);
        Assert.Equal(0.9, bn.Momentum);
        Assert.All(bn.Parameters, p => Assert.Equal(new Shape(8), p.Shape));
        var mm = bn.Parameters.Single(p => p.Name == "moving_mean");
        Assert.Equal(("layers.1.moving_mean", false, InitializerKind.Zeros), (mm.Path, mm.Trainable, mm.Initializer.Kind));
        Assert.Equal(InitializerKind.Ones, bn.Parameters.Single(p => p.Name == "moving_variance").Initializer.Kind);
        if (bn.Scale) Assert.Equal(InitializerKind.Ones, bn.Parameters.Single(p => p.Name == "gamma").Initializer.Kind);
    }

    [Fact]
    public void Batchnorm_on_flat_features_and_summary_totals()
    {
        var g = Compile(Mlp("  - dense: {units: 64}\n  - batchnorm\n  - activation: relu\n  - dense: {units: 10, activation: softmax}\n"));
        Assert.Equal(new Shape(64), g.Layers[1].OutputShape);
        Assert.Equal(["dense", "batch_normalization", "activation", "dense_1"], g.Layers.Select(l => l.Name));
        var s = ModelSummary.From(g);
        Assert.Equal(784 * 64 + 64 + 4 * 64 + 64 * 10 + 10, s.TotalParams);
        Assert.Equal(2 * 64, s.NonTrainableParams);
        Assert.Equal(s.TotalParams * 4, s.ParameterBytes);
        Assert.Contains("Non-trainable params: 128 (512.00 B)", s.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Flatten_dropout_and_activation_keep_or_flatten_shapes()
    {
        var g = Compile(Cnn("  - conv2d: {filters: 3, kernel: 3, activation: tanh}\n  - dropout: {rate: 0}\n  - activation: {activation: sigmoid}\n"));
        Assert.Equal(new Shape(3, 26, 26), g.Layers[1].OutputShape);
        Assert.Equal(Activation.Sigmoid, Assert.IsType<ActivationNode>(g.Layers[2]).Activation);
        Assert.Equal(new Shape(3 * 26 * 26), Assert.IsType<FlattenNode>(g.Layers[3]).OutputShape);
        Assert.Equal(Activation.Tanh, Assert.IsType<Conv2DNode>(g.Layers[0]).Activation);
        Assert.Equal(0.0, Assert.IsType<DropoutNode>(g.Layers[1]).Rate);
        Assert.All(g.Layers, l => Assert.Equal(l.Index, g.Layers.ToList().IndexOf(l)));
    }

    [Fact]
    public void Automatic_names_follow_keras_and_skip_user_named_layers()
    {
        var g = Compile(Cnn("  - conv2d: {filters: 3, kernel: 3, name: stem}\n  - conv2d: {filters: 3, kernel: 3}\n  - maxpool2d: {pool: 2}\n  - avgpool2d: {pool: 2}\n  - batchnorm\n  - activation: relu\n  - dropout: {rate: 0.1}\n"));
        Assert.Equal(["stem", "conv2d", "max_pooling2d", "average_pooling2d", "batch_normalization", "activation", "dropout", "flatten", "dense"],
            g.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Initializers_by_name_and_by_map()
    {
        var g = Compile(Mlp("  - dense: {units: 16, initializer: he_normal, bias_initializer: {constant: {value: 0.5}}}\n" +
                            "  - dense: {units: 10, activation: softmax, initializer: {normal: {mean: 0, stddev: 0.01}}, bias_initializer: {uniform: {minval: -0.1, maxval: 0.1}}}\n"));
        Assert.Equal(new Initializer(InitializerKind.HeNormal), g.Layers[0].Parameters[0].Initializer);
        Assert.Equal(new Initializer(InitializerKind.Constant, Value: 0.5), g.Layers[0].Parameters[1].Initializer);
        Assert.Equal(new Initializer(InitializerKind.Normal, Stddev: 0.01), g.Layers[1].Parameters[0].Initializer);
        Assert.Equal(new Initializer(InitializerKind.Uniform, MinVal: -0.1, MaxVal: 0.1), g.Layers[1].Parameters[1].Initializer);
        var defaults = Compile(Mlp());
        Assert.Equal(Initializer.GlorotUniform, defaults.Layers[0].Parameters[0].Initializer);
        Assert.Equal(Initializer.Zeros, defaults.Layers[0].Parameters[1].Initializer);
    }

    [Fact]
    public void Train_defaults_are_keras2()
    {
        var t = Compile(Mlp()).Train;
        Assert.Equal(new RmsPropSpec(0.001, 0.9, 0.0, 1e-7, false), t.Optimizer);
        Assert.Equal((32, 1, 0.0, 0, "mnist", LossKind.CategoricalCrossentropy), (t.BatchSize, t.Epochs, t.ValidationSplit, t.Seed, t.Dataset, t.Loss));
        Assert.Equal(["accuracy"], t.Metrics);
        Assert.Null(t.Schedule);
        Assert.Null(t.ClipNorm);
        Assert.Equal(CallbacksSpec.Default, t.Callbacks);
        Assert.Equal(Datasets.Mnist.DefaultLabels, Compile(Mlp()).Labels);
    }

    [Theory]
    [InlineData("sgd", typeof(SgdSpec))]
    [InlineData("rmsprop", typeof(RmsPropSpec))]
    [InlineData("adam", typeof(AdamSpec))]
    [InlineData("adamw", typeof(AdamWSpec))]
    [InlineData("adadelta", typeof(AdadeltaSpec))]
    [InlineData("adagrad", typeof(AdagradSpec))]
    public void Every_optimizer_by_name_and_with_overrides(string name, Type type)
    {
        var byName = Compile(Mlp(train: $"  dataset: mnist\n  optimizer: {name}\n")).Train.Optimizer;
        Assert.IsType(type, byName);
        Assert.Equal(name, byName.Type);
        var tuned = Compile(Mlp(train: $"  dataset: mnist\n  optimizer: {{{name}: {{learning_rate: 0.125}}}}\n")).Train.Optimizer;
        Assert.Equal(0.125, tuned.LearningRate);
        Assert.Equal(byName with { }, byName);
        Assert.NotEqual(byName, tuned);
    }

    [Fact]
    public void Optimizer_overrides_and_pinned_defaults()
    {
        Assert.Equal(new SgdSpec(0.1, 0.9, true), Compile(Mlp(train: "  dataset: mnist\n  optimizer: {sgd: {learning_rate: 0.1, momentum: 0.9, nesterov: true}}\n")).Train.Optimizer);
        Assert.Equal(new AdamWSpec(0.001, 0.9, 0.999, 1e-7, 0.004, false), Compile(Mlp(train: "  dataset: mnist\n  optimizer: adamw\n")).Train.Optimizer);
        Assert.Equal(new AdagradSpec(0.01, 0.1, 1e-7), Compile(Mlp(train: "  dataset: mnist\n  optimizer: {adagrad: }\n")).Train.Optimizer);
        Assert.Equal(new SgdSpec(0.01, 0, false), Compile(Mlp(train: "  dataset: mnist\n  optimizer: {sgd: {}}\n")).Train.Optimizer);
    }

    [Fact]
    public void Schedules_callbacks_and_clip_norm()
    {
        var t = Compile(Mlp(train: """
              dataset: mnist
              validation_split: 0.1
              schedule: {cosine: {t_max: 10}}
              clip_norm: 1.5
              callbacks:
                early_stopping: {monitor: val_accuracy, patience: 3, restore_best: true}
                reduce_lr_on_plateau: {patience: 2, factor: 0.5}
                terminate_on_nan: false
                csv_logger: {filename: logs/history.csv, append: true}

            """)).Train;
        Assert.Equal(new CosineScheduleSpec(10, 0), t.Schedule);
        Assert.Equal(1.5, t.ClipNorm);
        Assert.Equal(new EarlyStoppingSpec("val_accuracy", MonitorMode.Max, 3, 0, true), t.Callbacks.EarlyStopping);
        Assert.Equal(new ReduceLrOnPlateauSpec("val_loss", MonitorMode.Min, 0.5, 2, 1e-4, 0, 0), t.Callbacks.ReduceLrOnPlateau);
        Assert.False(t.Callbacks.TerminateOnNan);
        Assert.Equal(new CsvLoggerSpec("logs/history.csv", true), t.Callbacks.CsvLogger);

        Assert.Equal(new StepScheduleSpec(3, 0.1), Compile(Mlp(train: "  dataset: mnist\n  schedule: {step: {step_size: 3}}\n")).Train.Schedule);
        Assert.Equal(new ExponentialScheduleSpec(0.9), Compile(Mlp(train: "  dataset: mnist\n  schedule: {exponential: {gamma: 0.9}}\n")).Train.Schedule);
        var es = Compile(Mlp(train: "  dataset: mnist\n  callbacks: {early_stopping: {monitor: loss, mode: max}, csv_logger: true}\n")).Train.Callbacks;
        Assert.Equal(MonitorMode.Max, es.EarlyStopping!.Mode);
        Assert.Equal(new CsvLoggerSpec("history.csv", false), es.CsvLogger);
    }

    [Theory]
    [InlineData("description: |\n  block\n")]          // found by the fuzz test: "block\n" was written plain
    [InlineData("description: \"\"\n")]
    [InlineData("description: \"null\"\n")]
    [InlineData("description: \"1e5\"\n")]
    [InlineData("description: \"tab\\there \\x01 \\u2028\"\n")]
    [InlineData("description: \"# not a comment: {x}\"\n")]
    public void Descriptions_round_trip_exactly(string description)
    {
        var g = Compile(description + Mlp());
        var again = SpecCompiler.Compile(SpecCompiler.ToResolvedYaml(g), "r.yaml");
        Assert.Equal(g.Description, again.Description);
    }

    [Fact]
    public void Option_rich_spec_round_trips_through_resolved_yaml()
    {
        var yaml = """
            name: everything
            description: "multi\nline: \"quoted\" \u00e9"
            input: {shape: [1, 28, 28], scale: 0.5}
            labels: [zero, one, two, three, four, five, six, seven, eight, "null"]
            layers:
              - conv2d: {filters: 4, kernel: [3, 5], stride: [2, 1], padding: same, initializer: {normal: {mean: 0.1, stddev: 0.2}}, use_bias: false}
              - batchnorm: {center: false, epsilon: 0.01}
              - activation: relu
              - avgpool2d: {pool: 2, padding: same}
              - maxpool2d: {pool: [2, 1], stride: [1, 2]}
              - dropout: {rate: 0.3, name: "drop.1"}
              - flatten
              - dense: {units: 10, bias_initializer: {constant: {value: -1}}}
              - batchnorm: {scale: false}
              - activation: {activation: softmax}
            train:
              dataset: mnist
              optimizer: {adamw: {weight_decay: 0.01, amsgrad: true}}
              batch_size: 64
              epochs: 3
              validation_split: 0.25
              seed: 123
              metrics: []
              schedule: {step: {step_size: 2, gamma: 0.5}}
              callbacks: {early_stopping: {}, reduce_lr_on_plateau: {monitor: val_accuracy, min_lr: 1e-6}, csv_logger: {filename: "h 1.csv"}}
              clip_norm: 2
            """;
        var g = Compile(yaml);
        var resolved = SpecCompiler.ToResolvedYaml(g);
        var again = SpecCompiler.Compile(resolved, "r.yaml");
        AssertEqualGraphs(g, again);
        Assert.Equal(resolved, SpecCompiler.ToResolvedYaml(again));
        Assert.Equal("multi\nline: \"quoted\" é", again.Description);
        Assert.Equal("null", again.Labels[9]);
        Assert.Empty(again.Train.Metrics);
    }
}
