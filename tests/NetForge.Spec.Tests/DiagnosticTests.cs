using static NetForge.Spec.Tests.TestSupport;

namespace NetForge.Spec.Tests;

/// <summary>Every error the checker knows, each with its line:column and a message fragment.</summary>
public class DiagnosticTests
{
    // Line numbers below count from 1 in the YAML strings; Mlp() puts layers from line 4.

    [Fact]
    public void Diagnostic_renders_file_line_column_layer_expected_got_and_hint()
    {
        var d = AssertError(Mlp("  - dense: {units: 10, activation: rellu}\n"), 4, 36, "unknown activation 'rellu'");
        Assert.Equal("layers[0] (dense)", d.Layer);
        Assert.Equal("did you mean 'relu'?", d.Hint);
        Assert.StartsWith("t.yaml:4:36: error: layers[0] (dense): unknown activation 'rellu', expected one of linear, relu, sigmoid, tanh, softmax"
            + Environment.NewLine + "  hint: did you mean 'relu'?", d.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_syntax_error_is_reported_at_the_parser_position()
    {
        var d = AssertError("name: t\ninput: {shape: [784]\nlayers: []\n", 3, 1, "YAML syntax error");
        Assert.DoesNotContain("Exception", d.Message, StringComparison.Ordinal);
        AssertError("name: t\n  bad: indentation\n", 2, 6, "YAML syntax error");
        AssertError("name: \"unterminated\n", 1, 7, "YAML syntax error");
    }

    [Fact]
    public void Class_count_mismatch_is_reported_even_when_an_earlier_layer_broke_the_shape_chain()
    {
        // Line 4: dense on an image input (no flatten) stops shape inference; line 5's units still do not match 10 classes.
        string yaml = "name: t\ninput: {shape: [1, 28, 28]}\nlayers:\n" +
            "  - dense: {units: 32, activation: relu}\n" +
            "  - dense: {units: 12, activation: softmax}\n" +
            "train:\n  dataset: mnist\n";
        AssertError(yaml, 4, 5, "dense needs a flat input");
        var d = AssertError(yaml, 5, 20, "does not match the 10 classes");
        Assert.Equal("set units: 10", d.Hint);
    }

    [Fact]
    public void Unknown_top_level_key_suggests_the_closest()
    {
        var d = AssertError("nmae: t\n" + Mlp()[8..], 1, 1, "unknown key 'nmae'");
        Assert.Equal("did you mean 'name'?", d.Hint);
    }

    [Fact]
    public void Unknown_layer_type_suggests_the_closest()
    {
        Assert.Equal("did you mean 'conv2d'?", AssertError(Cnn("  - conv2: {filters: 8, kernel: 3}\n"), 4, 5, "unknown layer type 'conv2'").Hint);
        Assert.Equal("did you mean 'maxpool2d'?", AssertError(Cnn("  - max_pooling2d: {pool: 2}\n"), 4, 5, "unknown layer type").Hint);
    }

    [Fact]
    public void Unknown_layer_key_suggests_filters_and_is_not_also_reported_missing()
    {
        var diags = Errors(Cnn("  - conv2d: {filter: 16, kernel: 5}\n"));
        var d = Assert.Single(diags);
        Assert.Equal(new Graph.SourceLocation("t.yaml", 4, 14), d.Location);
        Assert.Contains("unknown key 'filter'", d.Message, StringComparison.Ordinal);
        Assert.Equal("did you mean 'filters'?", d.Hint);
    }

    [Fact]
    public void Unknown_optimizer_optimizer_key_and_initializer()
    {
        Assert.Equal("did you mean 'adam'?", AssertError(Mlp(train: "  dataset: mnist\n  optimizer: adm\n"), 7, 14, "unknown train.optimizer 'adm'").Hint);
        Assert.Equal("did you mean 'learning_rate'?",
            AssertError(Mlp(train: "  dataset: mnist\n  optimizer: {sgd: {lr: 0.1}}\n"), 7, 21, "unknown key 'train.optimizer.sgd.lr'").Hint);
        Assert.Equal("did you mean 'he_normal'?",
            AssertError(Mlp("  - dense: {units: 10, activation: softmax, initializer: he_norml}\n"), 4, 58, "unknown initializer 'he_norml'").Hint);
        AssertError(Mlp("  - dense: {units: 10, activation: softmax, initializer: {normal: {stdev: 0.1}}}\n"), 4, 68, "unknown key 'normal.stdev'");
        AssertError(Mlp("  - dense: {units: 10, activation: softmax, initializer: {uniform: {minval: 1, maxval: 0}}}\n"), 4, 88, "maxval must be larger than minval");
    }

    [Fact]
    public void Wrong_value_types_say_what_was_expected_and_got()
    {
        var d = AssertError(Mlp("  - dense: {units: abc, activation: softmax}\n"), 4, 20, "units has the wrong type");
        Assert.Equal("integer", d.Expected);
        Assert.Equal("\"abc\"", d.Got);
        AssertError(Mlp("  - dense: {units: 10.5, activation: softmax}\n"), 4, 20, "units has the wrong type, expected integer, got 10.5");
        AssertError(Mlp("  - dense: {units: 1e3, activation: softmax}\n"), 4, 20, "units has the wrong type");
        AssertError(Mlp("  - dense: {units: -99999999999999999999, activation: softmax}\n"), 4, 20, "units is out of range");
        AssertError(Mlp("  - dense: {units: \"10\", activation: softmax}\n"), 4, 20, "units has the wrong type");
        AssertError(Mlp("  - dense: {units: 10, activation: softmax, use_bias: maybe}\n"), 4, 55, "use_bias has the wrong type");
        AssertError(Mlp("  - dropout: {rate: high}\n  - dense: {units: 10, activation: softmax}\n"), 4, 21, "rate has the wrong type");
        AssertError(Mlp(train: "  dataset: mnist\n  batch_size: abc\n"), 7, 15, "train.batch_size has the wrong type, expected integer, got \"abc\"");
        AssertError(Mlp(train: "  dataset: mnist\n  epochs: [1]\n"), 7, 11, "train.epochs has the wrong type");
        AssertError("name: t\ninput: [784]\nlayers:\n  - dense: {units: 10, activation: softmax}\ntrain: {dataset: mnist}\n", 2, 8, "input has the wrong type");
        AssertError(Mlp("  - dense: [10, softmax]\n"), 4, 12, "dense has the wrong type");
    }

    [Theory]
    [InlineData("  - dense: {units: 0, activation: softmax}\n", 20, "units is out of range, expected integer in [1, 16777216], got 0")]
    [InlineData("  - dense: {units: -3, activation: softmax}\n", 20, "units is out of range")]
    [InlineData("  - dense: {units: 99999999999999999999, activation: softmax}\n", 20, "units is out of range")]
    public void Zero_negative_and_huge_dense_sizes(string layer, int column, string fragment) =>
        AssertError(Mlp(layer), 4, column, fragment);

    [Theory]
    [InlineData("  - conv2d: {filters: 0, kernel: 3}\n", 23, "filters is out of range")]
    [InlineData("  - conv2d: {filters: 8, kernel: 0}\n", 34, "kernel is out of range")]
    [InlineData("  - conv2d: {filters: 8, kernel: [3, -1]}\n", 38, "kernel[1] is out of range")]
    [InlineData("  - conv2d: {filters: 8, kernel: [3, 3, 3]}\n", 34, "kernel has the wrong length")]
    [InlineData("  - conv2d: {filters: 8, kernel: 3, stride: 0}\n", 45, "stride is out of range")]
    [InlineData("  - maxpool2d: {pool: [2, 0]}\n", 27, "pool[1] is out of range")]
    [InlineData("  - conv2d: {filters: 8, kernel: 3, padding: full}\n", 46, "unknown padding 'full'")]
    public void Zero_and_negative_image_sizes(string layer, int column, string fragment) =>
        AssertError(Cnn(layer), 4, column, fragment);

    [Theory]
    [InlineData("1.0")]
    [InlineData("-0.1")]
    [InlineData("1.5")]
    [InlineData(".nan")]
    public void Dropout_rate_must_be_in_zero_one(string rate)
    {
        var d = AssertError(Mlp($"  - dropout: {{rate: {rate}}}\n  - dense: {{units: 10, activation: softmax}}\n"), 4, 21, "rate");
        Assert.Contains(d.Message, new[] { "rate is out of range", "rate has the wrong type" });
    }

    [Fact]
    public void Train_ranges_are_checked()
    {
        AssertError(Mlp(train: "  dataset: mnist\n  batch_size: 0\n"), 7, 15, "train.batch_size is out of range, expected integer in [1, 1048576], got 0");
        AssertError(Mlp(train: "  dataset: mnist\n  epochs: 0\n"), 7, 11, "train.epochs is out of range");
        AssertError(Mlp(train: "  dataset: mnist\n  epochs: -2\n"), 7, 11, "train.epochs is out of range");
        AssertError(Mlp(train: "  dataset: mnist\n  validation_split: 1\n"), 7, 21, "train.validation_split is out of range, expected a number in [0, 1)");
        AssertError(Mlp(train: "  dataset: mnist\n  seed: -1\n"), 7, 9, "train.seed is out of range");
        AssertError(Mlp(train: "  dataset: mnist\n  clip_norm: 0\n"), 7, 14, "train.clip_norm is out of range, expected a number > 0");
        AssertError(Mlp(train: "  dataset: mnist\n  optimizer: {sgd: {momentum: 1}}\n"), 7, 31, "train.optimizer.sgd.momentum is out of range");
        AssertError(Mlp(train: "  dataset: mnist\n  optimizer: {adam: {learning_rate: 0}}\n"), 7, 37, "learning_rate is out of range");
        AssertError(Mlp(train: "  dataset: fashion\n"), 6, 12, "unknown train.dataset 'fashion'");
        AssertError(Mlp(train: "  dataset: mnist\n  loss: mse\n"), 7, 9, "unknown train.loss 'mse'");
        AssertError(Mlp(train: "  dataset: mnist\n  metrics: [accuracy, f1]\n"), 7, 23, "unknown metric 'f1'");
        AssertError(Mlp(train: "  dataset: mnist\n  schedule: {step: {gamma: 0.5}}\n"), 7, 20, "missing required key 'train.schedule.step.step_size'");
        AssertError(Mlp(train: "  dataset: mnist\n  schedule: {cyclic: {}}\n"), 7, 14, "unknown train.schedule 'cyclic'");
    }

    [Fact]
    public void Kernel_and_pool_larger_than_their_input()
    {
        var d = AssertError(Cnn("  - conv2d: {filters: 8, kernel: 29}\n"), 4, 34, "kernel is larger than its input");
        Assert.Equal("kernel <= [28, 28]", d.Expected);
        Assert.Equal("[29, 29]", d.Got);
        AssertError(Cnn("  - maxpool2d: {pool: 8}\n  - maxpool2d: {pool: 8}\n"), 5, 23, "pool is larger than its input");
        AssertError(Cnn("  - conv2d: {filters: 8, kernel: [3, 30]}\n"), 4, 34, "kernel is larger than its input");
        // same padding never runs out of input
        Assert.True(SpecCompiler.Check(Cnn("  - conv2d: {filters: 8, kernel: 29, padding: same}\n"), "t.yaml").Ok);
    }

    [Fact]
    public void Last_layer_size_must_match_the_classes()
    {
        var d = AssertError(Mlp("  - dense: {units: 5, activation: softmax}\n"), 4, 20, "does not match the 10 classes of 'mnist'");
        Assert.Equal(("10", "5", "set units: 10"), (d.Expected, d.Got, d.Hint));
        AssertError("name: t\ninput: {shape: [1, 28, 28]}\nlayers:\n  - conv2d: {filters: 10, kernel: 3}\n  - activation: softmax\ntrain: {dataset: mnist}\n",
            5, 5, "the network's output must be flat");
    }

    [Fact]
    public void Softmax_missing_at_the_end_or_present_elsewhere()
    {
        AssertError(Mlp("  - dense: {units: 10}\n"), 4, 5, "the last layer must apply softmax");
        AssertError(Mlp("  - dense: {units: 10, activation: relu}\n"), 4, 36, "the last layer must apply softmax");
        AssertError(Mlp("  - dense: {units: 10, activation: softmax}\n  - dropout: {rate: 0.1}\n"), 5, 5, "the last layer must apply softmax");
        var d = AssertError(Mlp("  - dense: {units: 64, activation: softmax}\n  - dense: {units: 10, activation: softmax}\n"), 4, 36,
            "softmax is only allowed on the last layer");
        Assert.Equal("layers[0] (dense)", d.Layer);
        Assert.Single(Errors(Mlp("  - dense: {units: 64, activation: softmax}\n  - dense: {units: 10, activation: softmax}\n")));
        Assert.True(SpecCompiler.Check(Mlp("  - dense: {units: 10}\n  - activation: softmax\n"), "t.yaml").Ok);
    }

    [Fact]
    public void Empty_or_missing_layer_list()
    {
        AssertError("name: t\ninput: {shape: [784]}\nlayers: []\ntrain: {dataset: mnist}\n", 3, 9, "layers is empty");
        AssertError("name: t\ninput: {shape: [784]}\ntrain: {dataset: mnist}\n", 1, 1, "missing required key 'layers'");
        AssertError("name: t\ninput: {shape: [784]}\nlayers:\ntrain: {dataset: mnist}\n", 3, 8, "layers has the wrong type");
    }

    [Fact]
    public void Missing_required_top_level_keys_are_all_reported()
    {
        var diags = Errors("description: nothing else\n");
        foreach (var key in new[] { "name", "input", "layers", "train" })
        {
            Assert.Contains(diags, d => d.Message == $"missing required key '{key}'" && d.Location.Line == 1 && d.Location.Column == 1);
        }

        AssertError(Mlp(train: "  epochs: 2\n"), 6, 3, "missing required key 'train.dataset'");
        AssertError("name: t\ninput: {scale: 1}\nlayers:\n  - dense: {units: 10, activation: softmax}\ntrain: {dataset: mnist}\n", 2, 8, "missing required key 'input.shape'");
    }

    [Fact]
    public void Duplicate_layer_names_point_at_the_second()
    {
        var d = AssertError(Mlp("  - dense: {units: 32, name: head}\n  - dense: {units: 10, activation: softmax, name: head}\n"), 5, 51,
            "duplicate layer name 'head'");
        Assert.Contains("layers[0]", d.Hint, StringComparison.Ordinal);
        // A user name may clash with an automatic one.
        AssertError(Mlp("  - dense: {units: 32, name: dense_1}\n  - dense: {units: 16}\n  - dense: {units: 10, activation: softmax}\n"), 6, 5,
            "duplicate layer name 'dense_1'");
        AssertError(Mlp("  - dense: {units: 10, activation: softmax, name: \"bad name\"}\n"), 4, 51, "name is not a valid name");
        AssertError(Mlp("  - dense: {units: 10, activation: softmax, name: \"trailing\\n\"}\n"), 4, 51, "name is not a valid name");
    }

    [Fact]
    public void Duplicate_keys_are_rejected()
    {
        AssertError(Mlp("  - dense: {units: 10, units: 12, activation: softmax}\n"), 4, 24, "duplicate key 'units'");
        AssertError("name: t\nname: u\n" + Mlp()[8..], 2, 1, "duplicate key 'name'");
    }

    [Fact]
    public void Input_shape_must_hold_one_dataset_sample()
    {
        var d = AssertError(Mlp(input: "input: {shape: [785]}\n"), 2, 16, "does not hold one mnist sample");
        Assert.Equal("785 elements", d.Got);
        AssertError(Mlp(input: "input: {shape: [28, 28]}\n"), 2, 16, "input.shape must be [features] or [channels, height, width]");
        AssertError(Mlp(input: "input: {shape: [0]}\n"), 2, 17, "input.shape[0] is out of range");
        AssertError(Mlp(input: "input: {shape: [784], scale: 0}\n"), 2, 30, "input.scale is out of range");
        AssertError(Mlp(input: "input: {shape: [784], scale: -1}\n"), 2, 30, "input.scale is out of range");
    }

    [Fact]
    public void Labels_count_must_equal_the_classes()
    {
        var yaml = "name: t\ninput: {shape: [784]}\nlabels: [a, b, c]\nlayers:\n  - dense: {units: 10, activation: softmax}\ntrain: {dataset: mnist}\n";
        var d = AssertError(yaml, 3, 9, "labels does not match the classes of dataset 'mnist'");
        Assert.Equal(("10 labels", "3"), (d.Expected, d.Got));
        AssertError(yaml.Replace("[a, b, c]", "[a, b, c, d, e, f, g, h, i, a]", StringComparison.Ordinal), 3, 37, "duplicate label");
    }

    [Fact]
    public void Dense_on_an_image_hints_at_flatten_and_conv_on_flat_input_hints_at_shape()
    {
        var d = AssertError("name: t\ninput: {shape: [1, 28, 28]}\nlayers:\n  - dense: {units: 10, activation: softmax}\ntrain: {dataset: mnist}\n", 4, 5,
            "dense needs a flat input");
        Assert.Equal(("[features]", "[1, 28, 28]", "add a flatten layer before it"), (d.Expected, d.Got, d.Hint));
        d = AssertError(Mlp("  - conv2d: {filters: 4, kernel: 3}\n  - flatten\n  - dense: {units: 10, activation: softmax}\n"), 4, 5, "conv2d needs an image input");
        Assert.Contains("[1, 28, 28]", d.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Layer_item_shape_errors()
    {
        var d = AssertError(Mlp("  - dense:\n    units: 10\n    activation: softmax\n"), 4, 5, "a layer must be one 'type: {keys}' entry");
        Assert.Contains("indent the keys", d.Hint, StringComparison.Ordinal);
        AssertError(Mlp("  - dense\n"), 4, 5, "missing required key 'units'");
        AssertError(Mlp("  - [dense]\n"), 4, 5, "a layer must be one 'type: {keys}' entry");
    }

    [Fact]
    public void Dialect_and_callbacks_are_checked()
    {
        AssertError("name: t\ndialect: keras3\n" + Mlp()[8..], 2, 10, "unknown dialect 'keras3'");
        AssertError(Mlp(train: "  dataset: mnist\n  callbacks: {early_stopping: {patience: 2}}\n"), 7, 31, "monitor 'val_loss' needs validation data");
        AssertError(Mlp(train: "  dataset: mnist\n  callbacks: {early_stoping: true}\n"), 7, 15, "unknown callback 'train.callbacks.early_stoping'");
        AssertError(Mlp(train: "  dataset: mnist\n  callbacks: {csv_logger: {filename: ../../etc/x.csv}}\n"), 7, 38, "not a safe file name");
        AssertError(Mlp(train: "  dataset: mnist\n  callbacks: {csv_logger: {filename: /x.csv}}\n"), 7, 38, "not a safe file name");
        AssertError(Mlp(train: "  dataset: mnist\n  validation_split: 0.1\n  callbacks: {reduce_lr_on_plateau: {factor: 1}}\n"), 8, 46, "factor is out of range");
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_file_order()
    {
        var yaml = "name: t\ninput: {shape: [784]}\nlayers:\n  - dense: {units: 0}\n  - dense: {units: 10, activation: rellu}\ntrain:\n  dataset: mnist\n  batch_size: 0\n  epochs: x\n";
        var diags = Errors(yaml);
        Assert.Equal([(4, 20), (5, 36), (8, 15), (9, 11)], diags.Select(d => (d.Location.Line, d.Location.Column)));
    }

    [Theory]
    [InlineData("name: !!python/object/apply:os.system [\"ls\"]\n", 1, 7, "tags are not allowed")]
    [InlineData("name: !custom t\n", 1, 7, "tags are not allowed")]
    [InlineData("name: !!str t\n", 1, 7, "tags are not allowed")]
    [InlineData("name: &a t\n", 1, 7, "anchors are not allowed")]
    [InlineData("a: 1\n---\nb: 2\n", 2, 1, "one YAML document")]
    [InlineData("- 1\n- 2\n", 1, 1, "a spec must be a mapping")]
    [InlineData("", 1, 1, "spec is empty")]
    [InlineData("# only a comment\n", 1, 1, "spec is empty")]
    [InlineData("{a: 1}: 2\n", 1, 1, "mapping keys must be plain names")]
    public void Data_only_rules(string yaml, int line, int column, string fragment) => AssertError(yaml, line, column, fragment);

    [Fact]
    public void Alias_bomb_is_rejected_quickly()
    {
        var sb = new System.Text.StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 30; i++) sb.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var d = AssertError(sb.ToString(), 1, 5, "anchors are not allowed");
        Assert.True(sw.ElapsedMilliseconds < 1000, $"took {sw.ElapsedMilliseconds} ms");
        Assert.Equal("write the value out where it is used", d.Hint);
        AssertError("a: [1]\nb: *a\n", 2, 4, "aliases are not allowed");
    }

    [Fact]
    public void Documents_over_one_mebibyte_are_rejected()
    {
        var yaml = "name: t\ndescription: \"" + new string('x', (1 << 20) + 10) + "\"\n";
        var d = AssertError(yaml, 1, 1, "spec is too large");
        Assert.Equal("at most 1048576 bytes", d.Expected);
    }

    [Theory]
    [InlineData(65, true)]
    [InlineData(5000, true)]
    [InlineData(60, false)]
    public void Nesting_deeper_than_64_levels_is_rejected(int depth, bool rejected)
    {
        var yaml = "name: t\ndescription: " + new string('[', depth) + new string(']', depth) + "\n";
        var diags = SpecCompiler.Check(yaml, "t.yaml").Diagnostics;
        Assert.Equal(rejected, diags.Any(d => d.Message == "spec is nested too deeply"));
        if (rejected) Assert.Equal(2, diags.Single(d => d.Message == "spec is nested too deeply").Location.Line);
        else Assert.Contains(diags, d => d.Message.Contains("description has the wrong type", StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_throws_only_SpecException_with_every_diagnostic()
    {
        var ex = Assert.Throws<SpecException>(() => SpecCompiler.Compile("name: t\n  : [\n", "t.yaml"));
        Assert.NotEmpty(ex.Diagnostics);
        Assert.StartsWith("t.yaml:", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<SpecException>(() => Compile(Mlp("  - dense: {units: 0}\n", "  dataset: mnist\n  epochs: 0\n")));
        Assert.Equal(3, ex.Diagnostics.Count);   // units, softmax at the end, epochs
    }

    [Fact]
    public void Load_reports_missing_unreadable_and_non_utf8_files_at_line_one()
    {
        var dir = Directory.CreateTempSubdirectory("netforge-spec-");
        try
        {
            var missing = Path.Combine(dir.FullName, "missing.yaml");
            var d = Assert.Single(Assert.Throws<SpecException>(() => SpecCompiler.Load(missing)).Diagnostics);
            Assert.Equal(new Graph.SourceLocation(missing, 1, 1), d.Location);
            Assert.Equal($"{missing}:1:1: error: file not found", d.ToString());

            var latin1 = Path.Combine(dir.FullName, "latin1.yaml");
            File.WriteAllBytes(latin1, [.. "name: caf"u8.ToArray(), 0xE9, (byte)'\n']);
            d = Assert.Single(Assert.Throws<SpecException>(() => SpecCompiler.Load(latin1)).Diagnostics);
            Assert.Equal((latin1, 1, 1), (d.Location.File, d.Location.Line, d.Location.Column));
            Assert.Equal("not valid UTF-8 text", d.Message);

            var big = Path.Combine(dir.FullName, "big.yaml");
            File.WriteAllText(big, "# " + new string('x', (1 << 20) + 1));
            Assert.Contains("too large", Assert.Single(Assert.Throws<SpecException>(() => SpecCompiler.Load(big)).Diagnostics).Message, StringComparison.Ordinal);

            Assert.Equal($"{dir.FullName}:1:1: error: is a folder, expected a YAML spec file",
                Assert.Single(Assert.Throws<SpecException>(() => SpecCompiler.Load(dir.FullName)).Diagnostics).ToString());

            var bom = Path.Combine(dir.FullName, "bom.yaml");
            File.WriteAllBytes(bom, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(Mlp())]);
            Assert.Equal("t", SpecCompiler.Load(bom).Name);
        }
        finally
        {
            dir.Delete(true);
        }
    }
}

public class LineBreakTests
{
    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Positions_count_every_yaml_line_break(string nl)
    {
        var yaml = string.Join(nl, "name: t", "input: {shape: [784]}", "layers:", "  - dense: {units: 0, activation: softmax}", "train: {dataset: mnist}", "");
        TestSupport.AssertError(yaml, 4, 20, "units is out of range");
    }
}
