using System.Text.RegularExpressions;
using NetForge.Spec.Graph;
using NetForge.Spec.Yaml;

namespace NetForge.Spec.Validation;

/// <summary>
/// Turns the YAML tree of a spec into a <see cref="ModelGraph"/>: reads the top-level keys, the
/// input and labels, then hands <c>train:</c> to <see cref="TrainBuilder"/> and <c>layers:</c> to
/// <see cref="LayerBuilder"/>. Every problem is reported; the graph is returned only when there are none.
/// </summary>
internal static partial class GraphBuilder
{
    public static readonly string[] TopKeys = ["name", "description", "dialect", "input", "labels", "layers", "train"];

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}\\z")]
    public static partial Regex NamePattern();

    public static ModelGraph? Build(YNode root, DiagnosticBag diags)
    {
        if (root is not YMap map)
        {
            diags.Add(root, null, "a spec must be a mapping", "keys name, input, layers, train", root.Describe());
            return null;
        }

        int before = diags.Count;
        var top = new MapReader(map, diags, null, "", TopKeys);

        string? name = null;
        if (top.Node("name") is null) top.Missing("name", "a model name such as 'cnn'");
        else name = CheckName(top.Node("name")!, "name", diags, null);

        var description = top.Text("description", null);
        var dialect = top.Choice("dialect", Registry.Dialect, [Registry.Dialect]) ?? Registry.Dialect;

        TrainBuilder.Result? train = null;
        if (top.Node("train") is not { } trainNode) top.Missing("train", "a train: block with at least 'dataset: mnist'");
        else train = TrainBuilder.Build(trainNode, diags);

        var dataset = train?.Dataset;
        // Data from files (idx): its shape and classes are compared with the network when it is read, not here.
        bool fromFiles = train?.Source is not null and not MnistSourceSpec;
        var input = ReadInput(top, diags, dataset);
        var labels = ReadLabels(top, diags, dataset);

        List<LayerNode>? layers = null;
        if (top.Node("layers") is not { } layersNode) top.Missing("layers", "a list of layers");
        else layers = LayerBuilder.Build(layersNode, input?.Shape, dataset, diags);

        var source = train?.Source;
        if (source is ImageFolderSourceSpec images)
        {
            // No labels in the spec: the class folders' names become them when the data is read.
            if (top.Node("labels") is null) source = images = images with { LabelsFromFolders = true };
            if (input is not null && images.Height is { } h && images.Width is { } w)
            {
                var shape = input.Shape;
                int c = images.Channels;
                bool fits = shape.Rank == 3 ? shape[0] == c && shape[1] == h && shape[2] == w : shape[0] == c * h * w;
                if (!fits)
                {
                    diags.Add(top.Node("input")!, null, $"input.shape {shape} does not fit the images: {(c == 1 ? "gray" : "rgb")} pictures resized to {h}x{w}",
                        $"[{c}, {h}, {w}] (or [{c * h * w}] for an MLP)", shape.ToString());
                }
            }
        }

        if (source is CsvSourceSpec csv)
        {
            // No labels in the spec: the label column's class names (or 0..N-1 for integer labels) become them when the data is read.
            if (top.Node("labels") is null) source = csv = csv with { LabelsFromData = true };
            if (input is not null && input.Shape.Rank != 1)
            {
                diags.Add(top.Node("input")!, null, $"input.shape {input.Shape} does not fit a CSV table: a row is a list of features",
                    "[features]", input.Shape.ToString(), csv.Features is { } f ? $"input: {{shape: [{f.Count}]}}" : null);
            }
            else if (input is not null && csv.Features is { } features && input.Shape[0] != features.Count)
            {
                diags.Add(top.Node("input")!, null, $"input.shape {input.Shape} does not fit the {features.Count} feature columns train.dataset.csv.features lists",
                    $"[{features.Count}]", input.Shape.ToString());
            }
        }

        if (fromFiles && layers is { Count: > 0 } && layers[^1].OutputShape.Rank == 1 && diags.Count == before)
        {
            int classes = layers[^1].OutputShape[0];
            if (labels is null)
            {
                // No labels: the classes are 0..N-1 for the N outputs (the data's labels must fit, checked when it is read).
                labels = [.. Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            }
            else if (labels.Count != classes)
            {
                diags.Add(top.Node("labels")!, null, $"labels has {labels.Count} names but the last layer has {classes} units", $"{classes} labels",
                    $"{labels.Count}", "give one label per class (the data's label i is labels[i]), or leave labels out");
            }
        }

        if (diags.Count > before || name is null || input is null || labels is null || layers is null || train?.Spec is null || source is null)
        {
            return null;
        }

        return new ModelGraph(name, description, dialect, input, labels, layers, train.Spec, diags.File) { Data = source };
    }

    /// <summary>Reads a name key (model or layer): letters, digits, '_', '.', '-'; at most 128 characters.</summary>
    public static string? CheckName(YNode node, string key, DiagnosticBag diags, string? layer)
    {
        if (node is not YScalar s || s.IsNull)
        {
            diags.Add(node, layer, $"{key} has the wrong type", "a name", node.Describe());
            return null;
        }

        if (!NamePattern().IsMatch(s.Value))
        {
            diags.Add(node, layer, $"{key} is not a valid name", "letters, digits, '_', '.', '-' (at most 128)", s.Describe());
            return null;
        }

        return s.Value;
    }

    private static InputSpec? ReadInput(MapReader top, DiagnosticBag diags, DatasetInfo? dataset)
    {
        if (top.Node("input") is not { } node)
        {
            top.Missing("input", "an input: block with shape", "for MNIST write 'input: {shape: [784]}' or 'input: {shape: [1, 28, 28]}'");
            return null;
        }

        if (node is not YMap map)
        {
            diags.Add(node, null, "input has the wrong type", "a mapping with shape and scale", Values.Got(node));
            return null;
        }

        var r = new MapReader(map, diags, null, "input.", ["shape", "scale", "normalize"]);
        double scale = r.Double("scale", 1.0, Range.Positive);
        if (r.Node("shape") is not { } shapeNode)
        {
            r.Missing("shape", "[784] or [1, 28, 28]");
            return null;
        }

        if (shapeNode is not YSeq seq || (seq.Items.Count != 1 && seq.Items.Count != 3))
        {
            diags.Add(shapeNode, null, "input.shape must be [features] or [channels, height, width]", "a list of 1 or 3 integers",
                shapeNode is YSeq s ? $"{s.Items.Count} values" : Values.Got(shapeNode));
            return null;
        }

        var dims = new int[seq.Items.Count];
        bool ok = true;
        for (int i = 0; i < dims.Length; i++)
        {
            var v = Values.Int(seq.Items[i], diags, null, $"input.shape[{i}]", 1, 1 << 20);
            ok &= v is not null;
            dims[i] = v ?? 1;
        }

        if (!ok) return null;
        var shape = new Shape(dims);
        if (dataset is not null && shape.Size != dataset.InputSize)
        {
            diags.Add(shapeNode, null, $"input.shape {shape} does not hold one {dataset.Name} sample",
                $"{dataset.InputSize} elements ([{dataset.InputSize}] or {dataset.ImageShape})", $"{shape.Size} elements",
                $"an MLP uses [{dataset.InputSize}], a CNN {dataset.ImageShape}");
            return null;
        }

        var normalize = r.Node("normalize") is { } nn ? Normalize(nn, shape, diags) : null;
        if (r.Node("normalize") is not null && normalize is null) return null;
        return new InputSpec(shape, scale, diags.At(map)) { Normalize = normalize };
    }

    /// <summary><c>normalize: auto</c> or <c>normalize: {mean: M, std: S}</c>, each a number or one per channel ([C, H, W]) or feature ([F]).</summary>
    private static InputNormalization? Normalize(YNode node, Shape shape, DiagnosticBag diags)
    {
        int groups = shape[0];
        string what = shape.Rank == 3 ? $"{groups} (one per channel)" : $"{groups} (one per feature)";
        if (node is YScalar { IsNull: false, Value: "auto" }) return InputNormalization.Auto;
        if (node is not YMap map)
        {
            diags.Add(node, null, "input.normalize has the wrong form", "auto, or {mean: M, std: S}", Values.Got(node),
                "auto computes the mean and std from the training set");
            return null;
        }

        int before = diags.Count;
        var r = new MapReader(map, diags, null, "input.normalize.", ["mean", "std"]);
        float[]? ReadValues(string key, bool positive)
        {
            if (r.Node(key) is not { } n)
            {
                r.Missing(key, $"a number or a list of {what}");
                return null;
            }

            var items = n is YSeq seq ? seq.Items : [n];
            if (items.Count != 1 && items.Count != groups)
            {
                diags.Add(n, null, $"input.normalize.{key} has {items.Count} values for input {shape}", $"1 or {what}", $"{items.Count}");
                return null;
            }

            var result = new float[items.Count];
            for (int i = 0; i < items.Count; i++)
            {
                var v = Values.Double(items[i], diags, null, $"input.normalize.{key}", positive ? Range.Positive : Range.Any);
                if (v is null) return null;
                result[i] = (float)v.Value;
                if (positive && !(result[i] > 0) || !float.IsFinite(result[i]))
                {
                    diags.Add(items[i], null, $"input.normalize.{key} value {v.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} is out of float32 range{(positive ? " or not positive" : "")}", positive ? "a positive float32" : "a finite float32");
                    return null;
                }
            }

            return result;
        }

        var mean = ReadValues("mean", positive: false);
        var std = ReadValues("std", positive: true);
        return diags.Count > before || mean is null || std is null ? null : new InputNormalization(mean, std);
    }

    private static List<string>? ReadLabels(MapReader top, DiagnosticBag diags, DatasetInfo? dataset)
    {
        if (top.Node("labels") is not { } node) return dataset is null ? null : [.. dataset.DefaultLabels];
        if (node is not YSeq seq)
        {
            diags.Add(node, null, "labels has the wrong type", "a list of class names", Values.Got(node));
            return null;
        }

        var labels = new List<string>();
        bool ok = true;
        foreach (var item in seq.Items)
        {
            if (item is not YScalar s || s.IsNull || s.Value.Length == 0)
            {
                diags.Add(item, null, "a label must be a non-empty string", "a class name", item.Describe());
                ok = false;
            }
            else if (labels.Contains(s.Value))
            {
                diags.Add(item, null, $"duplicate label {s.Describe()}", "distinct class names", null);
                ok = false;
            }
            else
            {
                labels.Add(s.Value);
            }
        }

        if (dataset is not null && seq.Items.Count != dataset.NumClasses)
        {
            diags.Add(node, null, $"labels does not match the classes of dataset '{dataset.Name}'", $"{dataset.NumClasses} labels",
                $"{seq.Items.Count}", "give one label per class, or leave labels out to use the dataset's");
            return null;
        }

        return ok ? labels : null;
    }
}
