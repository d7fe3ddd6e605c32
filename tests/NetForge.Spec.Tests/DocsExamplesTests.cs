using System.Text;
using System.Text.RegularExpressions;
using NetForge.Spec.Validation;
using YamlDotNet.RepresentationModel;
using static NetForge.Spec.Tests.TestSupport;

namespace NetForge.Spec.Tests;

/// <summary>
/// Every <c>```yaml</c> block in README.md and docs/*.md is compiled by the real spec compiler, so an example
/// with a key the parser does not know (or a value it refuses) fails here. A block is either a whole spec or a
/// fragment marked by an HTML comment on the line before it:
/// <c>&lt;!-- example: layers [784] --&gt;</c> (a layer list; input shape optional, default [1, 28, 28]),
/// <c>&lt;!-- example: optimizer --&gt;</c> / <c>schedule</c> (a list of alternative values, one per line) or
/// <c>&lt;!-- example: train --&gt;</c> (a train block). Together the examples must use every layer type,
/// optimizer, schedule and callback with every one of their keys, so the reference cannot leave one out.
/// </summary>
public class DocsExamplesTests
{
    internal sealed record Example(string File, int Line, string Kind, string Argument, string Text)
    {
        public override string ToString() => $"{File}:{Line} ({Kind})";
    }

    private static readonly Regex Fence = new(@"^```yaml\s*\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);
    private static readonly Regex Marker = new(@"^<!-- example: (\w+)\s*(.*?)\s*-->\s*$");

    internal static List<Example> Examples()
    {
        var files = Directory.GetFiles(Path.Combine(RepoRoot, "docs"), "*.md").Order(StringComparer.Ordinal).Prepend(Path.Combine(RepoRoot, "README.md"));
        var examples = new List<Example>();
        foreach (var path in files)
        {
            string text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
            string rel = Path.GetRelativePath(RepoRoot, path).Replace('\\', '/');
            foreach (Match m in Fence.Matches(text))
            {
                int line = text[..m.Index].Count(c => c == '\n') + 1;
                string before = text[..m.Index].TrimEnd('\n');
                string previous = before[(before.LastIndexOf('\n') + 1)..];
                var marker = Marker.Match(previous);
                string kind = marker.Success ? marker.Groups[1].Value : "spec";
                examples.Add(new Example(rel, line, kind, marker.Success ? marker.Groups[2].Value : "", m.Groups[1].Value));
            }
        }
        return examples;
    }

    /// <summary>The complete specs an example stands for (one per alternative for optimizer/schedule lists).</summary>
    internal static IEnumerable<string> Specs(Example e)
    {
        const string Train = "train:\n  dataset: mnist\n";
        switch (e.Kind)
        {
            case "spec":
                yield return e.Text;
                break;
            case "layers":
                string shape = e.Argument.Length > 0 ? e.Argument : "[1, 28, 28]";
                yield return $"name: doc_example\ninput: {{shape: {shape}}}\nlayers:\n{Indent(e.Text)}{Train}";
                break;
            case "optimizer" or "schedule":
                foreach (string line in e.Text.Split('\n'))
                {
                    if (line.Trim().Length == 0) continue;
                    Assert.True(line.StartsWith("- ", StringComparison.Ordinal), $"{e}: each alternative is one line starting with '- ', got: {line}");
                    yield return Mlp(train: $"  dataset: mnist\n  {e.Kind}: {line[2..]}\n");
                }
                break;
            case "train":
                yield return Mlp(train: Indent(e.Text));
                break;
            default:
                Assert.Fail($"{e}: unknown example kind '{e.Kind}' (spec, layers, optimizer, schedule, train)");
                break;
        }
    }

    private static string Indent(string text) =>
        string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => "  " + l + "\n"));

    [Fact]
    public void Every_yaml_example_in_the_docs_compiles()
    {
        var examples = Examples();
        Assert.True(examples.Count >= 7, $"expected the docs' examples, found {examples.Count}");
        var failures = new StringBuilder();
        foreach (var e in examples)
        {
            foreach (string spec in Specs(e))
            {
                var result = SpecCompiler.Check(spec, e.File);
                if (!result.Ok) failures.Append($"{e}:\n{spec}\n  -> {string.Join("\n  -> ", result.Diagnostics)}\n");
            }
        }
        Assert.True(failures.Length == 0, "examples in the docs that do not compile:\n" + failures);
    }

    [Fact]
    public void A_doc_example_with_an_unknown_key_fails()
    {
        // The check above must be able to fail: a misspelt key in a fragment is reported.
        var bad = new Example("docs/x.md", 1, "layers", "", "- dense: {units: 10, activation: softmax, unit_bias: true}\n");
        var result = SpecCompiler.Check(Specs(bad).Single(), bad.File);
        Assert.False(result.Ok);
        Assert.Contains(result.Diagnostics, d => d.ToString().Contains("unit_bias", StringComparison.Ordinal));
        var badOptimizer = new Example("docs/x.md", 1, "optimizer", "", "- {adam: {learning_rat: 0.1}}\n");
        Assert.False(SpecCompiler.Check(Specs(badOptimizer).Single(), badOptimizer.File).Ok);
    }

    [Fact]
    public void Together_the_examples_use_every_key_of_every_layer_optimizer_schedule_and_callback()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in Examples())
        {
            foreach (string spec in Specs(e)) Collect(spec, used);
        }

        var missing = new List<string>();
        void Need(string key)
        {
            if (!used.Contains(key)) missing.Add(key);
        }

        foreach (var t in NetForge.Spec.Layers.LayerKinds.All)
        {
            Need("layer " + t.Type);
            foreach (var k in t.Keys) Need($"layer {t.Type}.{k.Name}");
        }
        foreach (var k in Registry.CommonLayerKeys) Need("layer *." + k);
        foreach (var o in Registry.Optimizers)
        {
            Need("optimizer " + o.Name);
            foreach (var p in o.Params) Need($"optimizer {o.Name}.{p.Key}");
        }
        foreach (var (name, keys) in TrainBuilder.ScheduleKeys)
        {
            Need("schedule " + name);
            foreach (var k in keys) Need($"schedule {name}.{k}");
        }
        foreach (var (name, keys) in TrainBuilder.CallbackSettingKeys)
        {
            Need("callback " + name);
            foreach (var k in keys) Need($"callback {name}.{k}");
        }
        foreach (var k in TrainBuilder.Keys) Need("train " + k);
        foreach (var k in Registry.InitializerNames) Need("initializer " + k);

        Assert.True(missing.Count == 0, "docs/spec.md has no example using: " + string.Join(", ", missing));
    }

    /// <summary>Records what a spec uses: "layer dense", "layer dense.units", "optimizer adam.beta_1", "train seed", ...</summary>
    private static void Collect(string spec, HashSet<string> used)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(spec));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        if (Child(root, "layers") is YamlSequenceNode layers)
        {
            foreach (var item in layers)
            {
                if (item is YamlScalarNode bare)
                {
                    used.Add("layer " + bare.Value);
                    continue;
                }

                var (type, body) = Single((YamlMappingNode)item);
                used.Add("layer " + type);
                if (body is YamlScalarNode) used.Add($"layer {type}.{type}");   // `- activation: relu` shorthand
                if (body is not YamlMappingNode map) continue;
                foreach (var (k, v) in Entries(map))
                {
                    used.Add($"layer {type}.{k}");
                    used.Add("layer *." + k);
                    if (k is "initializer" or "bias_initializer")
                        used.Add("initializer " + (v is YamlScalarNode s ? s.Value : Single((YamlMappingNode)v).Key));
                }
            }
        }

        if (Child(root, "train") is not YamlMappingNode train) return;
        foreach (var (k, _) in Entries(train)) used.Add("train " + k);
        CollectChoice(Child(train, "optimizer"), "optimizer", used);
        CollectChoice(Child(train, "schedule"), "schedule", used);
        if (Child(train, "callbacks") is YamlMappingNode callbacks)
        {
            foreach (var (name, body) in Entries(callbacks))
            {
                used.Add("callback " + name);
                if (body is YamlMappingNode m) foreach (var (k, _) in Entries(m)) used.Add($"callback {name}.{k}");
            }
        }
    }

    private static void CollectChoice(YamlNode? node, string what, HashSet<string> used)
    {
        switch (node)
        {
            case YamlScalarNode s when s.Value is { Length: > 0 } v && v != "null":
                used.Add($"{what} {v}");
                break;
            case YamlMappingNode m:
                var (name, body) = Single(m);
                used.Add($"{what} {name}");
                if (body is YamlMappingNode keys) foreach (var (k, _) in Entries(keys)) used.Add($"{what} {name}.{k}");
                break;
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode map) =>
        map.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value));

    private static (string Key, YamlNode Value) Single(YamlMappingNode map)
    {
        Assert.Single(map.Children);
        return Entries(map).First();
    }
}
