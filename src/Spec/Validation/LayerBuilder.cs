using NetForge.Spec.Graph;
using NetForge.Spec.Yaml;

namespace NetForge.Spec.Validation;

/// <summary>
/// Reads the <c>layers:</c> list: each item is <c>- type: {keys}</c>, a bare <c>- flatten</c>, or
/// <c>- activation: relu</c>. Assigns Keras-style automatic names, checks names are unique, runs
/// shape inference along the chain and checks the end of the network against the dataset and loss.
/// </summary>
internal static class LayerBuilder
{
    public static List<LayerNode>? Build(YNode node, Shape? input, DatasetInfo? dataset, DiagnosticBag diags)
    {
        if (node is not YSeq seq)
        {
            diags.Add(node, null, "layers has the wrong type", "a list of layers", Values.Got(node),
                "write each layer as a list item: '- dense: {units: 10, activation: softmax}'");
            return null;
        }

        if (seq.Items.Count == 0)
        {
            diags.Add(node, null, "layers is empty", "at least one layer", "[]");
            return null;
        }

        int before = diags.Count;
        var configs = new List<LayerConfig?>();
        for (int i = 0; i < seq.Items.Count; i++) configs.Add(Read(seq.Items[i], i, diags));

        AssignNames(configs, diags);
        CheckSoftmax(configs, diags);

        // Shapes: follow the chain until the first layer that cannot be inferred.
        var nodes = new List<LayerNode>();
        var shape = input;
        foreach (var c in configs)
        {
            if (shape is null || c is null || !c.Complete) break;
            var n = ShapeInference.Infer(c, shape, diags);
            if (n is null) break;
            nodes.Add(n);
            shape = n.OutputShape;
        }

        bool allInferred = nodes.Count == configs.Count;
        if (allInferred && dataset is not null) CheckOutput(configs[^1]!, nodes[^1], dataset, diags);
        else if (dataset is not null && configs[^1] is { Complete: true, Type: "dense" } lastDense && lastDense.Units != dataset.NumClasses)
        {
            // The chain broke earlier, but a final dense layer's size does not depend on its input: still report it.
            ReportClassMismatch(lastDense, lastDense.Units, dataset, diags);
        }
        if (allInferred)
        {
            long total = nodes.Sum(n => n.ParameterCount);
            if (total > int.MaxValue)
            {
                diags.Add(seq, null, "the network has too many parameters", $"at most {int.MaxValue}", $"{total}");
            }
        }

        return diags.Count > before || !allInferred ? null : nodes;
    }

    private static LayerConfig? Read(YNode item, int index, DiagnosticBag diags)
    {
        string label = $"layers[{index}]";
        YScalar typeNode;
        YNode? body = null;
        if (item is YScalar s && !s.IsNull)
        {
            typeNode = s;
        }
        else if (item is YMap m && m.Entries.Count == 1)
        {
            typeNode = m.Entries[0].Key;
            body = m.Entries[0].Value;
        }
        else
        {
            string? hint = item is YMap { Entries.Count: > 1 } mm && mm.Entries[0].Value is YScalar { IsNull: true }
                ? $"indent the keys under the type: '- {mm.Entries[0].Key.Value}: {{...}}'"
                : "write '- dense: {units: 10}' or a bare '- flatten'";
            diags.Add(item, label, "a layer must be one 'type: {keys}' entry", "a single layer type",
                item is YMap m2 ? $"a mapping with {m2.Entries.Count} keys" : Values.Got(item), hint);
            return null;
        }

        var type = Registry.FindLayer(typeNode.Value);
        if (type is null)
        {
            diags.Add(typeNode, label, $"unknown layer type '{(typeNode.Value.Length > 40 ? typeNode.Value[..40] + "..." : typeNode.Value)}'",
                "one of " + string.Join(", ", Registry.LayerTypeNames), null, Suggest.Hint(typeNode.Value, Registry.LayerTypeNames));
            return null;
        }

        var c = new LayerConfig { Index = index, Type = type.Type, Item = item };
        label = c.Label;
        if (type.Type == "batchnorm") c.Initializer = Initializer.Ones;

        // Shorthand: - activation: relu
        if (type.Type == "activation" && body is YScalar { IsNull: false } act)
        {
            var a = Values.Choice(act, diags, label, "activation", Registry.ActivationNames);
            if (a is null) c.Complete = c.ActivationKnown = false;
            else c.Activation = Registry.ActivationOf(a);
            return c;
        }

        YMap map;
        if (body is YMap bm)
        {
            map = bm;
        }
        else if (body is null or YScalar { IsNull: true })
        {
            map = new YMap(item.Line, item.Column);
        }
        else
        {
            diags.Add(body, label, $"{type.Type} has the wrong type", $"a mapping of {type.Type} keys ({string.Join(", ", type.Keys)})",
                Values.Got(body));
            return null;
        }

        var nameNode = map.Entries.FirstOrDefault(e => e.Key.Value == "name").Value;
        if (nameNode is not null && GraphBuilder.CheckName(nameNode, "name", diags, label) is { } name)
        {
            c.Name = name;
            c.ExplicitName = true;
        }

        label = c.Label;
        var r = new MapReader(map, diags, label, "", type.AllKeys);
        c.Keys = r;
        foreach (var req in type.Required)
        {
            if (!r.Has(req))
            {
                c.Complete = false;
                if (map.Entries.Any(e => !r.Has(e.Key.Value) && Suggest.Closest(e.Key.Value, type.AllKeys) == req)) continue; // reported as a misspelling
                diags.Add(item, label, $"missing required key '{req}'", RequiredText(req), null,
                    $"write '- {type.Type}: {{{req}: {Example(req)}}}'");
            }
        }

        Read(c, r, label, diags);
        return c;
    }

    private static string RequiredText(string key) => key switch
    {
        "units" or "filters" => "integer >= 1",
        "kernel" or "pool" => "an integer or [height, width]",
        "rate" => "a number in [0, 1)",
        "activation" => "one of " + string.Join(", ", Registry.ActivationNames),
        _ => "a value",
    };

    private static string Example(string key) => key switch
    {
        "units" => "128",
        "filters" => "32",
        "kernel" => "3",
        "pool" => "2",
        "rate" => "0.5",
        "activation" => "relu",
        _ => "...",
    };

    /// <summary>Reads the type's keys into the config; a bad required value marks it incomplete.</summary>
    private static void Read(LayerConfig c, MapReader r, string label, DiagnosticBag diags)
    {
        var q = new Typed(r, diags, label);
        switch (c.Type)
        {
            case "dense":
                c.Units = q.Required(r.Node("units"), n => Values.Int(n, diags, label, "units", 1, 1 << 24), c) ?? 1;
                c.Activation = q.Activation("activation", c) ?? Activation.Linear;
                c.UseBias = q.Bool("use_bias", true);
                break;
            case "conv2d":
                c.Filters = q.Required(r.Node("filters"), n => Values.Int(n, diags, label, "filters", 1, 1 << 16), c) ?? 1;
                c.Kernel = q.Required(r.Node("kernel"), n => Values.Pair(n, diags, label, "kernel", 1, 1 << 16), c) ?? (1, 1);
                c.Stride = q.Pair("stride", (1, 1), c);
                c.Padding = q.Padding(c);
                c.Activation = q.Activation("activation", c) ?? Activation.Linear;
                c.UseBias = q.Bool("use_bias", true);
                break;
            case "maxpool2d" or "avgpool2d":
                c.Pool = q.Required(r.Node("pool"), n => Values.Pair(n, diags, label, "pool", 1, 1 << 16), c) ?? (1, 1);
                c.Stride = q.Pair("stride", null, c);
                c.Padding = q.Padding(c);
                break;
            case "dropout":
                c.Rate = q.Required(r.Node("rate"), n => Values.Double(n, diags, label, "rate", Range.Unit), c) ?? 0;
                break;
            case "activation":
                c.Activation = q.Required(r.Node("activation"), n => q.ActivationOf(n), c) ?? Activation.Linear;
                c.ActivationKnown = c.Complete;
                break;
            case "batchnorm":
                c.Momentum = q.Double("momentum", 0.99, Range.Unit);
                c.Epsilon = q.Double("epsilon", 0.001, Range.Positive);
                c.Center = q.Bool("center", true);
                c.Scale = q.Bool("scale", true);
                break;
        }

        if (r.Node("initializer") is { } init) c.Initializer = InitializerOf(init, diags, label) ?? c.Initializer;
        if (r.Node("bias_initializer") is { } binit) c.BiasInitializer = InitializerOf(binit, diags, label) ?? c.BiasInitializer;
    }

    /// <summary>Typed getters that also mark the config incomplete when a shape-relevant value is bad.</summary>
    private sealed class Typed(MapReader r, DiagnosticBag diags, string label)
    {
        public T? Required<T>(YNode? node, Func<YNode, T?> read, LayerConfig c) where T : struct
        {
            if (node is null)
            {
                c.Complete = false;
                return null;
            }

            var v = read(node);
            if (v is null) c.Complete = false;
            return v;
        }

        public bool Bool(string key, bool def) => r.Node(key) is { } n ? Values.Bool(n, diags, label, key) ?? def : def;

        public double Double(string key, double def, Range range) =>
            r.Node(key) is { } n ? Values.Double(n, diags, label, key, range) ?? def : def;

        public (int, int)? Pair(string key, (int, int)? def, LayerConfig c)
        {
            if (r.Node(key) is not { } n) return def;
            var v = Values.Pair(n, diags, label, key, 1, 1 << 16);
            if (v is null) c.Complete = false;
            return v ?? def;
        }

        public Padding Padding(LayerConfig c)
        {
            if (r.Node("padding") is not { } n) return Graph.Padding.Valid;
            var v = Values.Choice(n, diags, label, "padding", Registry.Paddings);
            if (v is null) c.Complete = false;
            return v == "same" ? Graph.Padding.Same : Graph.Padding.Valid;
        }

        public Activation? Activation(string key, LayerConfig c)
        {
            if (r.Node(key) is not { } n) return null;
            var a = ActivationOf(n);
            if (a is null) c.ActivationKnown = false;
            return a;
        }

        public Activation? ActivationOf(YNode n) =>
            Values.Choice(n, diags, label, "activation", Registry.ActivationNames) is { } a ? Registry.ActivationOf(a) : null;
    }

    /// <summary>A name (<c>he_normal</c>) or a one-key mapping (<c>{normal: {mean: 0, stddev: 0.01}}</c>).</summary>
    public static Initializer? InitializerOf(YNode node, DiagnosticBag diags, string label)
    {
        if (!Values.OneOf(node, diags, "initializer", Registry.InitializerNames, out var name, out var body, label)) return null;
        var (_, kind, keys) = Registry.Initializers.First(i => i.Name == name);
        var r = new MapReader(body ?? new YMap(node.Line, node.Column), diags, label, name + ".", keys);
        var init = new Initializer(kind);
        switch (kind)
        {
            case InitializerKind.Normal:
                return init with { Mean = r.Double("mean", 0.0, Range.Any), Stddev = r.Double("stddev", 0.05, Range.Positive) };
            case InitializerKind.Uniform:
                double lo = r.Double("minval", -0.05, Range.Any), hi = r.Double("maxval", 0.05, Range.Any);
                if (lo >= hi)
                {
                    diags.Add(r.LocationOf("maxval"), label, "uniform.maxval must be larger than minval", $"a number > {Values.Format(lo)}", Values.Format(hi));
                    return null;
                }

                return init with { MinVal = lo, MaxVal = hi };
            case InitializerKind.Constant:
                return init with { Value = r.Double("value", 0.0, Range.Any) };
            default:
                return init;
        }
    }

    /// <summary>Keras automatic names (a counter per type, in order; user-named layers take none) and the uniqueness check.</summary>
    private static void AssignNames(List<LayerConfig?> configs, DiagnosticBag diags)
    {
        var counters = new Dictionary<string, int>();
        var seen = new Dictionary<string, LayerConfig>();
        foreach (var c in configs)
        {
            if (c is null) continue;
            if (!c.ExplicitName)
            {
                var prefix = Registry.FindLayer(c.Type)!.AutoName;
                int k = counters.GetValueOrDefault(prefix);
                counters[prefix] = k + 1;
                c.Name = k == 0 ? prefix : $"{prefix}_{k}";
            }

            if (seen.TryGetValue(c.Name, out var first))
            {
                diags.Add(c.Where("name", diags), c.Label, $"duplicate layer name '{c.Name}'", "unique layer names", null,
                    $"layers[{first.Index}] is already named '{c.Name}'; give this layer another name");
                c.Complete = false;
            }
            else
            {
                seen[c.Name] = c;
            }
        }
    }

    /// <summary>With categorical_crossentropy, softmax belongs on the last layer and nowhere else.</summary>
    private static void CheckSoftmax(List<LayerConfig?> configs, DiagnosticBag diags)
    {
        for (int i = 0; i < configs.Count - 1; i++)
        {
            if (configs[i] is { HasActivation: true, ActivationKnown: true, Activation: Activation.Softmax } c)
            {
                diags.Add(c.Where("activation", diags), c.Label, "softmax is only allowed on the last layer", "relu, sigmoid, tanh or linear",
                    "softmax", "categorical_crossentropy expects one softmax, at the end of the network");
            }
        }

        if (configs[^1] is { } last && last.ActivationKnown && !(last.HasActivation && last.Activation == Activation.Softmax))
        {
            string got = last.HasActivation ? "activation " + Registry.NameOf(last.Activation) : "a " + last.Type + " layer";
            diags.Add(last.HasActivation ? last.Where("activation", diags) : diags.At(last.Item), last.Label,
                "the last layer must apply softmax for categorical_crossentropy", "activation: softmax", got,
                last.HasActivation ? "set activation: softmax on the last layer" : "end with '- dense: {units: 10, activation: softmax}'");
        }
    }

    private static void CheckOutput(LayerConfig last, LayerNode node, DatasetInfo dataset, DiagnosticBag diags)
    {
        if (node.OutputShape.Rank != 1)
        {
            diags.Add(last.Item, last.Label, "the network's output must be flat", $"[{dataset.NumClasses}]", node.OutputShape.ToString(),
                $"add a flatten layer and '- dense: {{units: {dataset.NumClasses}, activation: softmax}}'");
        }
        else if (node.OutputShape[0] != dataset.NumClasses)
        {
            ReportClassMismatch(last, node.OutputShape[0], dataset, diags);
        }
    }

    private static void ReportClassMismatch(LayerConfig last, int size, DatasetInfo dataset, DiagnosticBag diags)
    {
        bool isDense = last.Type == "dense";
        diags.Add(isDense ? last.Where("units", diags) : diags.At(last.Item), last.Label,
            $"the last layer's size does not match the {dataset.NumClasses} classes of '{dataset.Name}'",
            $"{dataset.NumClasses}", $"{size}",
            isDense ? $"set units: {dataset.NumClasses}" : $"end with '- dense: {{units: {dataset.NumClasses}, activation: softmax}}'");
    }
}
