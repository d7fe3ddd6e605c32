using System.Text.RegularExpressions;
using NetForge.Spec.Validation;
using NetForge.Spec.Yaml;
using static NetForge.Spec.Tests.TestSupport;

namespace NetForge.Spec.Tests;

/// <summary>docs/spec.md stays consistent with the registry; the summary matches Keras's numbers.</summary>
public class DocsAndSummaryTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(RepoRoot, "docs", "spec.md"));

    private static string Row(string first)
    {
        var m = Regex.Match(Doc, "^\\| `" + Regex.Escape(first) + "` \\|.*$", RegexOptions.Multiline);
        Assert.True(m.Success, $"docs/spec.md has no table row for `{first}`");
        return m.Value;
    }

    [Fact]
    public void Optimizer_defaults_in_the_docs_match_the_registry()
    {
        foreach (var o in Registry.Optimizers)
        {
            var expected = string.Join(", ", o.Params.Select(p =>
                p.Key + " " + (p.Kind == Registry.ParamKind.Bool ? (p.Default != 0 ? "true" : "false") : Values.Format(p.Default))));
            Assert.Equal($"| `{o.Name}` | {expected} |", Row(o.Name));
        }
    }

    [Fact]
    public void Every_layer_type_and_key_is_documented()
    {
        foreach (var t in NetForge.Spec.Layers.LayerKinds.All)
        {
            // The reference table row is generated from the kind's definition: keys, defaults, shapes.
            Assert.Equal(t.DocRow, Row(t.Type));
            Assert.Contains($"`{t.AutoName}`", Doc, StringComparison.Ordinal);
        }

        foreach (var key in Registry.CommonLayerKeys) Row(key);
        foreach (var name in Registry.ActivationNames.Concat(Registry.InitializerNames).Concat(Registry.Monitors))
        {
            Assert.Contains($"`{name}`", Doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_top_level_and_train_key_is_documented()
    {
        foreach (var key in GraphBuilder.TopKeys.Concat(TrainBuilder.Keys).Concat(["shape", "scale"])) Row(key);
        foreach (var key in new[] { "early_stopping", "reduce_lr_on_plateau", "terminate_on_nan", "csv_logger", "step", "exponential", "cosine" }) Row(key);
        Assert.Contains($"`{TrainBuilder.DefaultOptimizer}`", Row("optimizer"), StringComparison.Ordinal);
    }

    [Fact]
    public void Safety_limits_in_the_docs_match_the_code()
    {
        Assert.Equal(1 << 20, SafeYamlReader.MaxBytes);
        Assert.Contains("at most 1 MiB", Doc, StringComparison.Ordinal);
        Assert.Contains($"{SafeYamlReader.MaxDepth} levels deep", Doc, StringComparison.Ordinal);
        Assert.Contains($"{SafeYamlReader.MaxNodes:N0} values", Doc, StringComparison.Ordinal);
        Assert.Contains($"at most {DiagnosticBag.MaxDiagnostics}", Doc, StringComparison.Ordinal);
    }

    [Fact]
    public void The_example_in_the_docs_is_the_cnn_seed_spec()
    {
        var example = Regex.Match(Doc, "```yaml\n(name: cnn.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var fromDoc = Compile(example);
        var seed = SpecCompiler.Load(SpecPath("cnn"));
        AssertEqualGraphs(seed, fromDoc);
    }

    [Fact]
    public void Cnn_summary_matches_keras()
    {
        var s = ModelSummary.From(SpecCompiler.Load(SpecPath("cnn")));
        Assert.Equal(9, s.Rows.Count);
        Assert.Equal(new ModelSummaryRow("conv2d", "conv2d", "Conv2D", "(None, 16, 28, 28)", 416, 16L * 28 * 28 * 25), s.Rows[0]);
        Assert.Equal(new ModelSummaryRow("flatten", "flatten", "Flatten", "(None, 1764)", 0, 0), s.Rows[5]);
        Assert.Equal((242_062L, 242_062L, 0L, 968_248L), (s.TotalParams, s.TrainableParams, s.NonTrainableParams, s.ParameterBytes));
        var text = s.Render();
        Assert.StartsWith("Model: \"cnn\"\n", text, StringComparison.Ordinal);
        Assert.Contains("Total params: 242,062 (945.55 KB)\n", text, StringComparison.Ordinal);
        Assert.Contains("Non-trainable params: 0 (0.00 B)\n", text, StringComparison.Ordinal);
        Assert.Matches(@"\n conv2d_1 \(Conv2D\) +\(None, 36, 14, 14\) +14,436 +2,822,400 *\n", text);
        Assert.Contains("MACs per sample: 3,363,072\n", text, StringComparison.Ordinal);
        // Every table line has the same width.
        var widths = text.Split('\n').Where(l => l.StartsWith(' ') || l.StartsWith('_') || l.StartsWith('=')).Select(l => l.Length).Distinct();
        Assert.Single(widths);
    }

    [Theory]
    [InlineData(0, "0.00 B")]
    [InlineData(1023, "1023.00 B")]
    [InlineData(1024, "1.00 KB")]
    [InlineData(4_799_528, "4.58 MB")]
    public void Bytes_are_rendered_like_keras(long bytes, string text) => Assert.Equal(text, ModelSummary.Bytes(bytes));

    [Fact]
    public void Datasets_registry_knows_mnist()
    {
        Assert.True(Datasets.TryGet("mnist", out var m));
        Assert.Equal((10, 784L), (m.NumClasses, m.InputSize));
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], m.DefaultLabels);
        Assert.False(Datasets.TryGet("cifar10", out _));
        Assert.Throws<KeyNotFoundException>(() => Datasets.Get("cifar10"));
    }
}
