using NetForge.Spec.Graph;
using NetForge.Spec.Yaml;

namespace NetForge.Spec.Validation;

/// <summary>Reads the <c>train:</c> block: dataset, loss, optimizer (keras2 defaults), schedule, callbacks.</summary>
internal static class TrainBuilder
{
    public sealed record Result(TrainSpec? Spec, DatasetInfo? Dataset);

    public static readonly string[] Keys =
        ["dataset", "loss", "optimizer", "batch_size", "epochs", "validation_split", "seed", "metrics", "schedule", "callbacks", "clip_norm"];

    public const string DefaultOptimizer = "rmsprop";

    /// <summary>The keys of each schedule (docs/spec.md's examples are checked against these).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ScheduleKeys = new Dictionary<string, string[]>
    {
        ["step"] = ["step_size", "gamma"],
        ["exponential"] = ["gamma"],
        ["cosine"] = ["t_max", "min_lr"],
    };

    /// <summary>The callbacks and their keys (<c>terminate_on_nan</c> is a boolean and has none).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> CallbackSettingKeys = new Dictionary<string, string[]>
    {
        ["early_stopping"] = ["monitor", "mode", "patience", "min_delta", "restore_best"],
        ["reduce_lr_on_plateau"] = ["monitor", "mode", "factor", "patience", "min_delta", "cooldown", "min_lr"],
        ["terminate_on_nan"] = [],
        ["csv_logger"] = ["filename", "append"],
    };

    public static Result Build(YNode node, DiagnosticBag diags)
    {
        if (node is not YMap map)
        {
            diags.Add(node, null, "train has the wrong type", "a mapping with dataset, optimizer, ...", Values.Got(node));
            return new(null, null);
        }

        int before = diags.Count;
        var r = new MapReader(map, diags, null, "train.", Keys);
        DatasetInfo? dataset = null;
        if (r.Node("dataset") is null) r.Missing("dataset", "one of " + string.Join(", ", Datasets.Names));
        else if (r.Choice("dataset", null, Datasets.Names) is { } ds) dataset = Datasets.Get(ds);

        r.Choice("loss", Registry.Losses[0], Registry.Losses);
        var optimizer = r.Node("optimizer") is { } on ? Optimizer(on, diags) : CreateOptimizer(Registry.Optimizers.First(o => o.Name == DefaultOptimizer), null, diags);
        int batch = r.Int("batch_size", 32, 1, 1 << 20);
        int epochs = r.Int("epochs", 1, 1, 1_000_000);
        double split = r.Double("validation_split", 0.0, Range.Unit);
        int seed = r.Int("seed", 0, 0);
        var metrics = Metrics(r, diags);
        var schedule = r.Node("schedule") is { } sn ? Schedule(sn, diags) : null;
        var callbacks = r.Node("callbacks") is { } cn ? Callbacks(cn, diags, split) : CallbacksSpec.Default;
        double? clip = r.Node("clip_norm") is YScalar { IsNull: true } || !r.Has("clip_norm") ? null : r.Double("clip_norm", 1.0, Range.Positive);

        if (diags.Count > before || optimizer is null || callbacks is null || metrics is null) return new(null, dataset);
        var spec = new TrainSpec(dataset!.Name, LossKind.CategoricalCrossentropy, optimizer, batch, epochs, split, seed, metrics, schedule, callbacks, clip);
        return new(spec, dataset);
    }

    /// <summary>A name (<c>adam</c>) or a one-key mapping (<c>{adam: {learning_rate: 0.01}}</c>).</summary>
    private static OptimizerSpec? Optimizer(YNode node, DiagnosticBag diags)
    {
        if (!Values.OneOf(node, diags, "train.optimizer", Registry.OptimizerNames, out var name, out var body)) return null;
        var def = Registry.Optimizers.First(o => o.Name == name);
        return CreateOptimizer(def, body, diags);
    }

    private static OptimizerSpec? CreateOptimizer(Registry.OptimizerDef def, YMap? body, DiagnosticBag diags)
    {
        var values = def.Params.Select(p => p.Default).ToArray();
        if (body is null) return def.Create(values);
        var r = new MapReader(body, diags, null, $"train.optimizer.{def.Name}.", [.. def.Params.Select(p => p.Key)]);
        for (int i = 0; i < def.Params.Length; i++)
        {
            var p = def.Params[i];
            values[i] = p.Kind switch
            {
                Registry.ParamKind.Positive => r.Double(p.Key, p.Default, Range.Positive),
                Registry.ParamKind.Unit => r.Double(p.Key, p.Default, Range.Unit),
                Registry.ParamKind.NonNegative => r.Double(p.Key, p.Default, Range.NonNegative),
                _ => r.Bool(p.Key, p.Default != 0) ? 1 : 0,
            };
        }

        return def.Create(values);
    }

    private static List<string>? Metrics(MapReader r, DiagnosticBag diags)
    {
        if (r.Node("metrics") is not { } node) return [.. Registry.Metrics];
        if (node is not YSeq seq)
        {
            diags.Add(node, null, "train.metrics has the wrong type", "a list such as [accuracy]", Values.Got(node));
            return null;
        }

        var list = new List<string>();
        foreach (var item in seq.Items)
        {
            if (Values.Choice(item, diags, null, "metric", Registry.Metrics) is not { } m) return null;
            if (list.Contains(m))
            {
                diags.Add(item, null, $"duplicate metric '{m}'", "each metric once", null);
                return null;
            }

            list.Add(m);
        }

        return list;
    }

    private static ScheduleSpec? Schedule(YNode node, DiagnosticBag diags)
    {
        if (node is YScalar { IsNull: true }) return null;
        if (!Values.OneOf(node, diags, "train.schedule", Registry.Schedules, out var name, out var body)) return null;
        var empty = new YMap(node.Line, node.Column);
        switch (name)
        {
            case "step":
            {
                var r = new MapReader(body ?? empty, diags, null, "train.schedule.step.", ScheduleKeys["step"]);
                var size = r.RequiredInt("step_size", 1);
                var gamma = r.Double("gamma", 0.1, Range.Positive);
                return size is null ? null : new StepScheduleSpec(size.Value, gamma);
            }

            case "exponential":
            {
                var r = new MapReader(body ?? empty, diags, null, "train.schedule.exponential.", ScheduleKeys["exponential"]);
                var gamma = r.RequiredDouble("gamma", Range.Positive);
                return gamma is null ? null : new ExponentialScheduleSpec(gamma.Value);
            }

            default:
            {
                var r = new MapReader(body ?? empty, diags, null, "train.schedule.cosine.", ScheduleKeys["cosine"]);
                var tmax = r.RequiredInt("t_max", 1);
                var minLr = r.Double("min_lr", 0.0, Range.NonNegative);
                return tmax is null ? null : new CosineScheduleSpec(tmax.Value, minLr);
            }
        }
    }

    private static readonly string[] CallbackKeys = [.. CallbackSettingKeys.Keys];

    private static CallbacksSpec? Callbacks(YNode node, DiagnosticBag diags, double split)
    {
        if (node is YScalar { IsNull: true }) return CallbacksSpec.Default;
        if (node is not YMap map)
        {
            diags.Add(node, null, "train.callbacks has the wrong type", "a mapping of callbacks", Values.Got(node));
            return null;
        }

        int before = diags.Count;
        var r = new MapReader(map, diags, null, "train.callbacks.", CallbackKeys, "callback");
        EarlyStoppingSpec? early = null;
        ReduceLrOnPlateauSpec? plateau = null;
        CsvLoggerSpec? csv = null;

        if (Enabled(r, "early_stopping", diags) is { } es)
        {
            var c = new MapReader(es, diags, null, "train.callbacks.early_stopping.", CallbackSettingKeys["early_stopping"]);
            var (monitor, mode) = Monitor(c, diags, split);
            early = new EarlyStoppingSpec(monitor, mode, c.Int("patience", 0, 0), c.Double("min_delta", 0.0, Range.NonNegative), c.Bool("restore_best", false));
        }

        if (Enabled(r, "reduce_lr_on_plateau", diags) is { } rp)
        {
            var c = new MapReader(rp, diags, null, "train.callbacks.reduce_lr_on_plateau.",
                CallbackSettingKeys["reduce_lr_on_plateau"]);
            var (monitor, mode) = Monitor(c, diags, split);
            plateau = new ReduceLrOnPlateauSpec(monitor, mode, c.Double("factor", 0.1, new Range(0, false, 1, false)), c.Int("patience", 10, 0),
                c.Double("min_delta", 1e-4, Range.NonNegative), c.Int("cooldown", 0, 0), c.Double("min_lr", 0.0, Range.NonNegative));
        }

        bool nan = r.Bool("terminate_on_nan", true);

        if (Enabled(r, "csv_logger", diags) is { } cl)
        {
            var c = new MapReader(cl, diags, null, "train.callbacks.csv_logger.", CallbackSettingKeys["csv_logger"]);
            var file = c.Text("filename", "history.csv");
            if (file is null || !IsSafeRelativeFile(file))
            {
                diags.Add(c.LocationOf("filename"), null, "train.callbacks.csv_logger.filename is not a safe file name",
                    "a relative path inside the run folder, such as history.csv", file is null ? "null" : "\"" + file + "\"");
            }

            csv = new CsvLoggerSpec(file ?? "history.csv", c.Bool("append", false));
        }

        return diags.Count > before ? null : new CallbacksSpec(early, plateau, nan, csv);
    }

    private static bool IsSafeRelativeFile(string path) =>
        path.Length is > 0 and <= 255 && !Path.IsPathRooted(path) && !path.Contains('\\', StringComparison.Ordinal) &&
        !path.Contains(':', StringComparison.Ordinal) && path.Split('/').All(p => p.Length > 0 && p != ".." && p != ".") &&
        path.All(ch => !char.IsControl(ch));

    /// <summary>A callback is a mapping, or true/null for its defaults, or false for off.</summary>
    private static YMap? Enabled(MapReader r, string key, DiagnosticBag diags)
    {
        if (r.Node(key) is not { } node) return null;
        if (node is YMap m) return m;
        if (node is YScalar { IsNull: true }) return new YMap(node.Line, node.Column);
        var on = Values.Bool(node, diags, null, "train.callbacks." + key);
        return on == true ? new YMap(node.Line, node.Column) : null;
    }

    private static (string Monitor, MonitorMode Mode) Monitor(MapReader c, DiagnosticBag diags, double split)
    {
        var monitor = c.Choice("monitor", "val_loss", Registry.Monitors) ?? "val_loss";
        var mode = c.Choice("mode", "auto", ["auto", "min", "max"]) ?? "auto";
        if (monitor.StartsWith("val_", StringComparison.Ordinal) && split == 0)
        {
            diags.Add(c.LocationOf("monitor"), null, $"{c.Prefix}monitor '{monitor}' needs validation data", "train.validation_split > 0", "0",
                $"set train.validation_split (e.g. 0.1) or monitor: {monitor[4..]}");
        }

        var resolved = mode switch
        {
            "min" => MonitorMode.Min,
            "max" => MonitorMode.Max,
            _ => monitor.EndsWith("accuracy", StringComparison.Ordinal) ? MonitorMode.Max : MonitorMode.Min,
        };
        return (monitor, resolved);
    }
}
