using NetForge.Spec.Graph;
using NetForge.Spec.Yaml;

namespace NetForge.Spec.Validation;

/// <summary>Reads the <c>train:</c> block: dataset, loss, optimizer (keras2 defaults), schedule, callbacks.</summary>
internal static class TrainBuilder
{
    /// <param name="Spec">The train block, or null when it has errors.</param>
    /// <param name="Dataset">The named dataset (<c>mnist</c>) whose shape and classes are known without reading it, else null.</param>
    /// <param name="Source">Where the data comes from; null when <c>dataset</c> is missing or invalid.</param>
    public sealed record Result(TrainSpec? Spec, DatasetInfo? Dataset, DataSourceSpec? Source);

    /// <summary>The forms of <c>train.dataset</c> besides a dataset name.</summary>
    public static readonly string[] SourceKinds = ["idx", "images", "csv"];

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
            return new(null, null, null);
        }

        int before = diags.Count;
        var r = new MapReader(map, diags, null, "train.", Keys);
        DatasetInfo? dataset = null;
        DataSourceSpec? source = null;
        if (r.Node("dataset") is not { } datasetNode) r.Missing("dataset", "one of " + string.Join(", ", Datasets.Names) + ", or {idx: FOLDER}");
        else (dataset, source) = Dataset(datasetNode, diags);

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

        if (diags.Count > before || optimizer is null || callbacks is null || metrics is null || source is null) return new(null, dataset, source);
        var spec = new TrainSpec(source.Kind, LossKind.CategoricalCrossentropy, optimizer, batch, epochs, split, seed, metrics, schedule, callbacks, clip);
        return new(spec, dataset, source);
    }

    /// <summary><c>mnist</c>, <c>{idx: FOLDER}</c> or <c>{idx: {train_images: F, train_labels: F, test_images: F, test_labels: F}}</c>.</summary>
    private static (DatasetInfo?, DataSourceSpec?) Dataset(YNode node, DiagnosticBag diags)
    {
        var location = diags.At(node);
        if (node is YScalar)
        {
            if (Values.Choice(node, diags, null, "train.dataset", Datasets.Names) is not { } name) return (null, null);
            return (Datasets.Get(name), MnistSourceSpec.Instance with { Location = location });
        }

        if (node is not YMap { Entries.Count: 1 } map)
        {
            diags.Add(node, null, "train.dataset has the wrong form", $"a dataset name ({string.Join(", ", Datasets.Names)}) or {{idx: FOLDER}}",
                node is YMap m ? $"a mapping with {m.Entries.Count} keys" : Values.Got(node));
            return (null, null);
        }

        var (key, value) = (map.Entries[0].Key, map.Entries[0].Value);
        if (!SourceKinds.Contains(key.Value))
        {
            diags.Add(key, null, $"unknown data source '{(key.Value.Length > 40 ? key.Value[..40] + "..." : key.Value)}'",
                "one of " + string.Join(", ", SourceKinds), null, Suggest.Hint(key.Value, [.. SourceKinds, .. Datasets.Names]));
            return (null, null);
        }

        string baseDir = SpecDirectory(diags.File);
        if (key.Value == "images") return (null, Images(value, baseDir, location, diags));
        if (key.Value == "csv") return (null, Csv(value, baseDir, location, diags));
        if (value is YScalar { IsNull: false } folder)
        {
            if (folder.Value.Length == 0) diags.Add(value, null, "train.dataset.idx is empty", "a folder holding the four IDX files");
            return folder.Value.Length == 0 ? (null, null) : (null, new IdxSourceSpec(Resolve(baseDir, folder.Value), null, null, null, null) { Location = location });
        }

        if (value is not YMap files)
        {
            diags.Add(value, null, "train.dataset.idx has the wrong type", "a folder, or a mapping with " + string.Join(", ", IdxSourceSpec.FileKeys), Values.Got(value));
            return (null, null);
        }

        int before = diags.Count;
        var r = new MapReader(files, diags, null, "train.dataset.idx.", IdxSourceSpec.FileKeys);
        var paths = new string?[IdxSourceSpec.FileKeys.Length];
        for (int i = 0; i < paths.Length; i++)
        {
            string k = IdxSourceSpec.FileKeys[i];
            if (r.Node(k) is null) r.Missing(k, "an IDX file (raw or .gz)", "give all four: " + string.Join(", ", IdxSourceSpec.FileKeys));
            else if (r.Text(k, null) is { Length: > 0 } p) paths[i] = Resolve(baseDir, p);
            else if (diags.Count == before) diags.Add(r.Node(k)!, null, $"train.dataset.idx.{k} is empty", "an IDX file (raw or .gz)");
        }

        if (diags.Count > before || paths.Any(p => p is null)) return (null, null);
        return (null, new IdxSourceSpec(null, paths[0], paths[1], paths[2], paths[3]) { Location = location });
    }

    /// <summary><c>{images: {train: FOLDER, test: FOLDER | test_split: F, color: gray | rgb, size: [H, W], skip_bad_files: B}}</c>.</summary>
    private static ImageFolderSourceSpec? Images(YNode value, string baseDir, SourceLocation location, DiagnosticBag diags)
    {
        if (value is not YMap map)
        {
            diags.Add(value, null, "train.dataset.images has the wrong type", "a mapping with train (a folder of class folders) and test or test_split",
                Values.Got(value), "write 'dataset: {images: {train: photos/train, test: photos/test}}'");
            return null;
        }

        int before = diags.Count;
        var r = new MapReader(map, diags, null, "train.dataset.images.", ImageFolderSourceSpec.Keys);
        var (train, test, split) = TrainAndTest(r, baseDir, before, "images", "a folder with one sub-folder per class", "folder",
            "a test folder with the same class folders");
        var color = r.Choice("color", "rgb", ["gray", "rgb"]) == "gray" ? ColorMode.Gray : ColorMode.Rgb;
        var size = r.Pair("size", null, 1, 16384);
        bool skip = r.Bool("skip_bad_files", false);
        if (diags.Count > before || train is null) return null;
        return new ImageFolderSourceSpec(train, test, test is null ? split : 0.0, color, size?.H, size?.W, skip, LabelsFromFolders: false) { Location = location };
    }

    /// <summary><c>{csv: {train: FILE, test: FILE | test_split: F, label: COLUMN, features: [COLUMNS], skip_bad_rows: B}}</c>.</summary>
    private static CsvSourceSpec? Csv(YNode value, string baseDir, SourceLocation location, DiagnosticBag diags)
    {
        if (value is not YMap map)
        {
            diags.Add(value, null, "train.dataset.csv has the wrong type", "a mapping with train (a CSV file), test or test_split, and label",
                Values.Got(value), "write 'dataset: {csv: {train: iris.csv, test_split: 0.2, label: species}}'");
            return null;
        }

        int before = diags.Count;
        var r = new MapReader(map, diags, null, "train.dataset.csv.", CsvSourceSpec.Keys);
        var (train, test, split) = TrainAndTest(r, baseDir, before, "csv", "a CSV file with a header row", "file", "a test CSV file with the same columns");
        string? label = null;
        if (r.Node("label") is null) r.Missing("label", "the name of the label column", "the header name of the column holding each row's class");
        else if (r.Text("label", null) is { Length: > 0 } l) label = l;
        else if (diags.Count == before) diags.Add(r.Node("label")!, null, "train.dataset.csv.label is empty", "the name of the label column");
        List<string>? features = null;
        if (r.Node("features") is { } fn)
        {
            if (fn is not YSeq seq || seq.Items.Count == 0 || seq.Items.Any(i => i is not YScalar { IsNull: false } s || s.Value.Length == 0))
            {
                diags.Add(fn, null, "train.dataset.csv.features has the wrong form", "a non-empty list of column names", Values.Got(fn),
                    "leave it out to take every column but the label");
            }
            else
            {
                features = [.. seq.Items.Select(i => ((YScalar)i).Value)];
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (item, name) in seq.Items.Zip(features))
                {
                    if (!seen.Add(name)) diags.Add(item, null, $"train.dataset.csv.features lists '{name}' twice", "each column once");
                    else if (name == label) diags.Add(item, null, $"train.dataset.csv.features lists the label column '{name}'", "feature columns only");
                }
            }
        }

        bool skip = r.Bool("skip_bad_rows", false);
        if (diags.Count > before || train is null || label is null) return null;
        return new CsvSourceSpec(train, test, test is null ? split : 0.0, label, features, skip, LabelsFromData: false) { Location = location };
    }

    /// <summary>
    /// The <c>train</c> path and <c>test</c> path or <c>test_split</c> fraction every file source has (exactly one of the
    /// two), with located diagnostics for a missing, empty or doubled entry.
    /// </summary>
    private static (string? Train, string? Test, double Split) TrainAndTest(MapReader r, string baseDir, int before, string kind, string trainWhat, string unit, string testWhat)
    {
        var diags = r.Diags;
        string? train = null, test = null;
        if (r.Node("train") is null) r.Missing("train", trainWhat);
        else if (r.Text("train", null) is { Length: > 0 } t) train = Resolve(baseDir, t);
        else if (diags.Count == before) diags.Add(r.Node("train")!, null, $"train.dataset.{kind}.train is empty", trainWhat);
        if (r.Has("test") && r.Text("test", null) is { Length: > 0 } te) test = Resolve(baseDir, te);
        double split = r.Double("test_split", 0.0, Range.Unit);
        if (r.Has("test") && r.Has("test_split"))
            diags.Add(r.Node("test_split")!, null, $"train.dataset.{kind} has both test and test_split", "one of them", null, $"a test {unit}, or the fraction of train to hold out");
        else if (!r.Has("test") && split <= 0 && diags.Count == before)
            r.Missing("test", testWhat + ", or test_split: 0.2", $"the test set evaluates the trained network: give test: {unit.ToUpperInvariant()} or test_split: FRACTION");
        return (train, test, split);
    }

    /// <summary>The folder relative data paths are resolved against: the spec file's own (the current folder for a spec without a file).</summary>
    private static string SpecDirectory(string file)
    {
        try
        {
            string? dir = string.IsNullOrEmpty(file) ? null : Path.GetDirectoryName(Path.GetFullPath(file));
            return string.IsNullOrEmpty(dir) ? Directory.GetCurrentDirectory() : dir;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return Directory.GetCurrentDirectory();
        }
    }

    private static string Resolve(string baseDir, string path)
    {
        if (path.StartsWith("~/", StringComparison.Ordinal))
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]);
        return Path.GetFullPath(path, baseDir);
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
