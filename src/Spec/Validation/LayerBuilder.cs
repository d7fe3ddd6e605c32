using NetForge.Spec.Graph;
using NetForge.Spec.Layers;
using NetForge.Spec.Yaml;

namespace NetForge.Spec.Validation;

/// <summary>
/// Reads the <c>layers:</c> list: each item is <c>- type: {keys}</c>, a bare <c>- flatten</c>, or a
/// shorthand such as <c>- activation: relu</c>. The item's form, its name and the common keys are read here;
/// its own keys, shape inference and parameters belong to its <see cref="LayerKind"/>. Assigns Keras-style
/// automatic names, checks names are unique, runs shape inference along the chain and checks the end of the
/// network against the dataset and loss.
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
        var configs = new List<LayerEntry?>();
        for (int i = 0; i < seq.Items.Count; i++) configs.Add(Read(seq.Items[i], i, diags));

        AssignNames(configs, diags);
        CheckSoftmax(configs, diags);

        // Shapes: follow the chain until the first layer that cannot be inferred.
        var nodes = new List<LayerNode>();
        var shape = input;
        foreach (var c in configs)
        {
            if (shape is null || c is null || !c.Complete) break;
            var site = new LayerSite(c.Index, c.Name, c.Label, diags.At(c.Item), shape, c.Initializer, c.BiasInitializer, k => c.Where(k, diags), diags);
            var n = c.Kind.Infer(c.Config!, site);
            if (n is null) break;
            nodes.Add(n);
            shape = n.OutputShape;
        }

        bool allInferred = nodes.Count == configs.Count;
        if (allInferred && dataset is not null) CheckOutput(configs[^1]!, nodes[^1], dataset, diags);
        else if (allInferred && nodes[^1].OutputShape.Rank != 1)
        {
            // Data read from files: the class count is compared with the data when it is read; the output must be flat now.
            diags.Add(configs[^1]!.Item, configs[^1]!.Label, "the network's output must be flat", "[classes]", nodes[^1].OutputShape.ToString(),
                "add a flatten layer and '- dense: {units: CLASSES, activation: softmax}'");
        }
        else if (dataset is not null && configs[^1] is { Complete: true, Config: DenseConfig lastDense } last && lastDense.Units != dataset.NumClasses)
        {
            // The chain broke earlier, but a final dense layer's size does not depend on its input: still report it.
            ReportClassMismatch(last, lastDense.Units, dataset, diags);
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

    private static LayerEntry? Read(YNode item, int index, DiagnosticBag diags)
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

        var type = LayerKinds.Find(typeNode.Value);
        if (type is null)
        {
            diags.Add(typeNode, label, $"unknown layer type '{(typeNode.Value.Length > 40 ? typeNode.Value[..40] + "..." : typeNode.Value)}'",
                "one of " + string.Join(", ", LayerKinds.Names), null, Suggest.Hint(typeNode.Value, [.. LayerKinds.Names]));
            return null;
        }

        var c = new LayerEntry { Index = index, Kind = type, Item = item, Initializer = type.DefaultInitializer };
        label = c.Label;

        // Shorthand: - activation: relu
        if (body is YScalar { IsNull: false } shorthand)
        {
            var reader = new LayerReader(new MapReader(new YMap(item.Line, item.Column), diags, label, "", type.AllKeys), diags, label);
            if (type.ReadShorthand(reader, shorthand) is { } config)
            {
                c.Config = config;
                (c.Complete, c.ActivationKnown) = (reader.Complete, reader.ActivationKnown);
                return c;
            }
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
            diags.Add(body, label, $"{type.Type} has the wrong type", $"a mapping of {type.Type} keys ({string.Join(", ", type.Keys.Select(k => k.Name))})",
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
        foreach (var req in type.Keys.Where(k => k.Required))
        {
            if (!r.Has(req.Name))
            {
                c.Complete = false;
                if (map.Entries.Any(e => !r.Has(e.Key.Value) && Suggest.Closest(e.Key.Value, [.. type.AllKeys]) == req.Name)) continue; // reported as a misspelling
                diags.Add(item, label, $"missing required key '{req.Name}'", req.Expected ?? "a value", null,
                    $"write '- {type.Type}: {{{req.Name}: {req.Example ?? "..."}}}'");
            }
        }

        var keys = new LayerReader(r, diags, label);
        c.Config = type.Read(keys);
        c.Complete &= keys.Complete;
        c.ActivationKnown = keys.ActivationKnown;
        if (r.Node("initializer") is { } init) c.Initializer = InitializerOf(init, diags, label) ?? c.Initializer;
        if (r.Node("bias_initializer") is { } binit) c.BiasInitializer = InitializerOf(binit, diags, label) ?? c.BiasInitializer;
        return c;
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
    private static void AssignNames(List<LayerEntry?> configs, DiagnosticBag diags)
    {
        var counters = new Dictionary<string, int>();
        var seen = new Dictionary<string, LayerEntry>();
        foreach (var c in configs)
        {
            if (c is null) continue;
            if (!c.ExplicitName)
            {
                var prefix = c.Kind.AutoName;
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
    private static void CheckSoftmax(List<LayerEntry?> configs, DiagnosticBag diags)
    {
        for (int i = 0; i < configs.Count - 1; i++)
        {
            if (configs[i] is { ActivationKnown: true, Config.AppliedActivation: Activation.Softmax } c)
            {
                diags.Add(c.Where("activation", diags), c.Label, "softmax is only allowed on the last layer", "relu, sigmoid, tanh or linear",
                    "softmax", "categorical_crossentropy expects one softmax, at the end of the network");
            }
        }

        if (configs[^1] is { Config: { } lastConfig } last && last.ActivationKnown && lastConfig.AppliedActivation != Activation.Softmax)
        {
            string got = lastConfig.AppliedActivation is { } a ? "activation " + Registry.NameOf(a) : "a " + last.Type + " layer";
            diags.Add(last.HasActivation ? last.Where("activation", diags) : diags.At(last.Item), last.Label,
                "the last layer must apply softmax for categorical_crossentropy", "activation: softmax", got,
                last.HasActivation ? "set activation: softmax on the last layer" : "end with '- dense: {units: 10, activation: softmax}'");
        }
    }

    private static void CheckOutput(LayerEntry last, LayerNode node, DatasetInfo dataset, DiagnosticBag diags)
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

    private static void ReportClassMismatch(LayerEntry last, int size, DatasetInfo dataset, DiagnosticBag diags)
    {
        bool isDense = last.Config is DenseConfig;
        diags.Add(isDense ? last.Where("units", diags) : diags.At(last.Item), last.Label,
            $"the last layer's size does not match the {dataset.NumClasses} classes of '{dataset.Name}'",
            $"{dataset.NumClasses}", $"{size}",
            isDense ? $"set units: {dataset.NumClasses}" : $"end with '- dense: {{units: {dataset.NumClasses}, activation: softmax}}'");
    }
}

/// <summary>
/// One item of the <c>layers:</c> list while it is read: its kind, name, typed config and initializers, and
/// whether shapes can be inferred through it.
/// </summary>
internal sealed class LayerEntry
{
    public required int Index { get; init; }
    public required LayerKind Kind { get; init; }
    public required YNode Item { get; init; }
    public string Type => Kind.Type;
    public string Name { get; set; } = "";
    public bool ExplicitName { get; set; }
    public MapReader? Keys { get; set; }
    public LayerConfig? Config { get; set; }

    /// <summary>False when a required key is missing or invalid: shapes cannot be inferred past it.</summary>
    public bool Complete { get; set; } = true;

    /// <summary>False when the activation was given but is not valid (then softmax checks skip the layer).</summary>
    public bool ActivationKnown { get; set; } = true;
    public required Initializer Initializer { get; set; }
    public Initializer BiasInitializer { get; set; } = Initializer.Zeros;

    /// <summary>True when the layer applies an activation (dense, conv2d, activation).</summary>
    public bool HasActivation => Config?.AppliedActivation is not null;

    /// <summary>The name when the user gave one, else <c>layers[3] (conv2d)</c>.</summary>
    public string Label => ExplicitName ? Name : $"layers[{Index}] ({Type})";

    /// <summary>Where a key's value is, else where the layer starts.</summary>
    public SourceLocation Where(string key, DiagnosticBag diags) => Keys?.Node(key) is { } n ? diags.At(n) : diags.At(Item);
}
