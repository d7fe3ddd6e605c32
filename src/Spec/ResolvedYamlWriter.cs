using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NetForge.Spec.Graph;
using NetForge.Spec.Layers;
using NetForge.Spec.Validation;

namespace NetForge.Spec;

/// <summary>
/// Writes a <see cref="ModelGraph"/> as a spec with every default spelled out: the inverse of the
/// compiler (Keras <c>get_config</c>). One line per layer: each kind writes its own keys (<see cref="LayerKind"/>).
/// </summary>
internal static partial class ResolvedYamlWriter
{
    public static string Write(ModelGraph g)
    {
        var sb = new StringBuilder();
        sb.Append("# Resolved spec: every default filled in (dialect ").Append(g.Dialect).Append(").\n");
        sb.Append("name: ").Append(Str(g.Name)).Append('\n');
        sb.Append("description: ").Append(g.Description is null ? "null" : Str(g.Description)).Append('\n');
        sb.Append("dialect: ").Append(g.Dialect).Append('\n');
        sb.Append("input:\n");
        sb.Append("  shape: [").Append(string.Join(", ", g.Input.Shape)).Append("]\n");
        sb.Append("  scale: ").Append(Num(g.Input.Scale)).Append('\n');
        if (g.Input.Normalize is { } norm)
        {
            sb.Append("  normalize: ").Append(norm.IsAuto ? "auto"
                : "{mean: [" + string.Join(", ", norm.Mean!.Select(v => Num(v))) + "], std: [" + string.Join(", ", norm.Std!.Select(v => Num(v))) + "]}").Append('\n');
        }
        sb.Append("labels: [").Append(string.Join(", ", g.Labels.Select(Str))).Append("]\n");
        sb.Append("layers:\n");
        foreach (var layer in g.Layers)
        {
            sb.Append("  - ").Append(layer.Type).Append(": {").Append(string.Join(", ", LayerKeys(layer).Select(kv => kv.Key + ": " + kv.Value))).Append("}\n");
        }

        var t = g.Train;
        sb.Append("train:\n");
        sb.Append("  dataset: ").Append(g.Data switch
        {
            MnistSourceSpec => t.Dataset,
            IdxSourceSpec { Folder: { } folder } => $"{{idx: {Str(folder)}}}",
            IdxSourceSpec idx => $"{{idx: {{train_images: {Str(idx.TrainImages!)}, train_labels: {Str(idx.TrainLabels!)}, test_images: {Str(idx.TestImages!)}, test_labels: {Str(idx.TestLabels!)}}}}}",
            ImageFolderSourceSpec im => "{images: {train: " + Str(im.Train)
                + (im.Test is { } test ? ", test: " + Str(test) : ", test_split: " + Num(im.TestSplit))
                + ", color: " + (im.Color == ColorMode.Gray ? "gray" : "rgb")
                + (im.Height is { } h && im.Width is { } w ? $", size: [{Int(h)}, {Int(w)}]" : "")
                + ", skip_bad_files: " + Bool(im.SkipBadFiles) + "}}",
            CsvSourceSpec table => "{csv: {train: " + Str(table.Train)
                + (table.Test is { } test ? ", test: " + Str(test) : ", test_split: " + Num(table.TestSplit))
                + ", label: " + Str(table.Label)
                + (table.Features is { } features ? ", features: [" + string.Join(", ", features.Select(Str)) + "]" : "")
                + ", skip_bad_rows: " + Bool(table.SkipBadRows) + "}}",
            _ => throw new InvalidOperationException($"no resolved form for data source '{g.Data.Kind}'"),
        }).Append('\n');
        sb.Append("  loss: categorical_crossentropy\n");
        var def = Registry.Optimizers.First(o => o.Name == t.Optimizer.Type);
        var values = def.Values(t.Optimizer);
        sb.Append("  optimizer: {").Append(def.Name).Append(": {")
            .Append(string.Join(", ", def.Params.Select((p, i) => p.Key + ": " + (p.Kind == Registry.ParamKind.Bool ? Bool(values[i] != 0) : Num(values[i])))))
            .Append("}}\n");
        sb.Append("  batch_size: ").Append(Int(t.BatchSize)).Append('\n');
        sb.Append("  epochs: ").Append(Int(t.Epochs)).Append('\n');
        sb.Append("  validation_split: ").Append(Num(t.ValidationSplit)).Append('\n');
        sb.Append("  seed: ").Append(Int(t.Seed)).Append('\n');
        sb.Append("  metrics: [").Append(string.Join(", ", t.Metrics)).Append("]\n");
        sb.Append("  schedule: ").Append(t.Schedule switch
        {
            StepScheduleSpec s => $"{{step: {{step_size: {Int(s.StepSize)}, gamma: {Num(s.Gamma)}}}}}",
            ExponentialScheduleSpec e => $"{{exponential: {{gamma: {Num(e.Gamma)}}}}}",
            CosineScheduleSpec c => $"{{cosine: {{t_max: {Int(c.TMax)}, min_lr: {Num(c.MinLr)}}}}}",
            _ => "null",
        }).Append('\n');
        var cb = t.Callbacks;
        sb.Append("  callbacks:\n");
        sb.Append("    early_stopping: ").Append(cb.EarlyStopping is { } es
            ? $"{{monitor: {es.Monitor}, mode: {Mode(es.Mode)}, patience: {Int(es.Patience)}, min_delta: {Num(es.MinDelta)}, restore_best: {Bool(es.RestoreBest)}}}"
            : "false").Append('\n');
        sb.Append("    reduce_lr_on_plateau: ").Append(cb.ReduceLrOnPlateau is { } rp
            ? $"{{monitor: {rp.Monitor}, mode: {Mode(rp.Mode)}, factor: {Num(rp.Factor)}, patience: {Int(rp.Patience)}, min_delta: {Num(rp.MinDelta)}, cooldown: {Int(rp.Cooldown)}, min_lr: {Num(rp.MinLr)}}}"
            : "false").Append('\n');
        sb.Append("    terminate_on_nan: ").Append(Bool(cb.TerminateOnNan)).Append('\n');
        sb.Append("    csv_logger: ").Append(cb.CsvLogger is { } csv ? $"{{filename: {Str(csv.FileName)}, append: {Bool(csv.Append)}}}" : "false").Append('\n');
        sb.Append("  clip_norm: ").Append(t.ClipNorm is { } clip ? Num(clip) : "null").Append('\n');
        return sb.ToString();
    }

    private static IEnumerable<KeyValuePair<string, string>> LayerKeys(LayerNode layer)
    {
        var kind = LayerKinds.Of(layer);
        yield return new("name", Str(layer.Name));
        foreach (var (key, value) in kind.Write(layer)) yield return new(key, value);
        if (kind.HasWeights)
        {
            var weight = layer.Parameters.FirstOrDefault(p => p.Name is "weight" or "gamma")?.Initializer ?? kind.DefaultInitializer;
            var bias = layer.Parameters.FirstOrDefault(p => p.Name is "bias" or "beta")?.Initializer ?? Initializer.Zeros;
            yield return new("initializer", Init(weight));
            yield return new("bias_initializer", Init(bias));
        }
    }

    private static string Init(Initializer i) => i.Kind switch
    {
        InitializerKind.Normal => $"{{normal: {{mean: {Num(i.Mean)}, stddev: {Num(i.Stddev)}}}}}",
        InitializerKind.Uniform => $"{{uniform: {{minval: {Num(i.MinVal)}, maxval: {Num(i.MaxVal)}}}}}",
        InitializerKind.Constant => $"{{constant: {{value: {Num(i.Value)}}}}}",
        _ => Registry.NameOf(i.Kind),
    };

    private static string Mode(MonitorMode m) => m == MonitorMode.Min ? "min" : "max";

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Bool(bool b) => b ? "true" : "false";

    private static string Num(double v) => Values.Format(v);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.\\-]*\\z")]
    private static partial Regex PlainWord();

    /// <summary>A plain word when it cannot be read as anything else, else a double-quoted YAML string.</summary>
    internal static string Str(string s)
    {
        if (PlainWord().IsMatch(s) && s.ToLowerInvariant() is not ("null" or "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n"))
        {
            return s;
        }

        var sb = new StringBuilder("\"");
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (ch < 0x20 || (ch >= 0x7F && ch <= 0x9F) || char.IsSurrogate(ch) || ch is '\uFEFF' or '\uFFFE' or '\uFFFF' or '\u2028' or '\u2029')
                    {
                        sb.Append("\\u").Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
