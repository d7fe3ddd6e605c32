using System.Globalization;
using NetForge.Data;
using NetForge.Imaging;
using NetForge.Parity;
using NetForge.Engine;
using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Train.Training;

namespace NetForge.Report;

/// <summary>Settings of <c>RunReport.Build</c>.</summary>
public sealed record RunReportOptions
{
    /// <summary>Worker threads for the test-set evaluation (results do not depend on it).</summary>
    public int Threads { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 64);

    /// <summary>Evaluation batch size.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>How many misclassified test digits the report shows (most confident first).</summary>
    public int MaxMistakes { get; init; } = 24;

    /// <summary>Receives progress lines (loading the checkpoint, evaluating); null for none.</summary>
    public Action<string>? Progress { get; init; }
}

/// <summary>What <c>RunReport.Build</c> found besides the report: the evaluation it ran, for the terminal.</summary>
/// <param name="Model">The report's content.</param>
/// <param name="EpochsCompleted">Epochs of the checkpoint that was evaluated.</param>
public sealed record RunReportResult(ReportModel Model, int EpochsCompleted);

/// <summary>
/// Builds a training report from a run folder written by <c>netforge train</c>: <c>spec.resolved.yaml</c>,
/// <c>history.json</c>, <c>metrics.json</c>, the newest good checkpoint (evaluated on the test set for the
/// confusion matrix and the most confidently misclassified digits) and, when the run was exported, the parity
/// certificate beside the model (<c>model.onnx.parity.json</c>).
/// </summary>
public static class RunReport
{
    /// <summary>The report's file name inside the run folder.</summary>
    public const string FileName = "report.html";

    /// <summary>
    /// Collects everything the report shows, opening the run folder the way every command does (<see cref="RunFolder"/>).
    /// <paramref name="test"/> null skips the evaluation (no confusion matrix, no digits).
    /// </summary>
    /// <exception cref="ReportException">The folder is not a run folder, or its files cannot be read.</exception>
    public static RunReportResult Build(string runDirectory, SampleSet? test, RunReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        options ??= new RunReportOptions();
        RunFolder run;
        try
        {
            run = RunFolder.Open(runDirectory, options.Progress, requireCheckpoint: false);
        }
        catch (RunFolderException e)
        {
            throw new ReportException(e.Message, e);
        }
        return Build(run, test, options);
    }

    /// <summary>The report of an opened run folder (its checkpoint already loaded and verified); see the overload above.</summary>
    public static RunReportResult Build(RunFolder run, SampleSet? test, RunReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        options ??= new RunReportOptions();
        string runDirectory = run.Directory;
        EvaluationResult? evaluation = null;
        if (test is not null && run.Checkpoint is not null)
        {
            options.Progress?.Invoke($"report: evaluating {runDirectory} (epoch {run.EpochsCompleted}) on {test.Count:N0} test images");
            using var engine = run.CreateEngine(NetForgeEngine.Factory, Math.Clamp(options.BatchSize, 1, 65536), options.Threads);
            evaluation = Evaluation.Run(engine, test, options.MaxMistakes);
        }
        return Build(run.Graph, run.SpecText, runDirectory, evaluation, test, run.Checkpoint is null ? null : run.EpochsCompleted);
    }

    /// <summary>
    /// The report of a run whose test evaluation is already done (the end of <c>netforge train</c>: the trainer's engine
    /// evaluated the final weights): nothing is loaded, built or evaluated again.
    /// </summary>
    public static RunReportResult Build(ModelGraph graph, string specText, string runDirectory, EvaluationResult? evaluation, SampleSet? test, int? epochsCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(runDirectory);
        var summary = ModelSummary.From(graph);
        var history = RunFiles.ReadHistory(runDirectory);
        RunFiles.RunMetrics? metrics = File.Exists(Path.Combine(runDirectory, RunFiles.Metrics)) ? ReadMetrics(runDirectory) : null;
        var (results, mistakes) = evaluation is not null && test is not null ? Convert(evaluation, graph.Labels, test) : (null, []);

        var model = new ReportModel
        {
            Title = graph.Name,
            RunDirectory = runDirectory,
            NetForgeVersion = typeof(RunReport).Assembly.GetName().Version?.ToString(3) ?? "",
            Generated = DateTimeOffset.UtcNow,
            SpecYaml = specText,
            Summary = [.. summary.Rows.Select((r, i) => new SummaryRow(i, r.Name, r.KerasClass, r.OutputShape, r.Params))],
            TotalParameters = summary.TotalParams,
            TrainableParameters = summary.TrainableParams,
            Epochs = [.. history.Select(h => new EpochPoint(h.Epoch, h.Loss, h.Accuracy, h.ValLoss, h.ValAccuracy, h.Lr, h.Seconds, h.SamplesPerSecond))],
            ValidationLabel = graph.Train.ValidationSplit > 0 ? "validation" : "test set as validation",
            Test = results,
            Mistakes = mistakes,
            Parity = FindParity(runDirectory),
            Status = metrics is not null ? Words(metrics.Status) : history.Count > 0 ? "incomplete (no metrics.json: the run did not finish)" : "not trained yet",
        };
        return new RunReportResult(model, epochsCompleted ?? history.Count);
    }

    /// <summary>"EarlyStopped" → "early stopped".</summary>
    internal static string Words(string status) =>
        string.Concat(status.Select((c, i) => char.IsUpper(c) ? (i > 0 ? " " : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>Renders <paramref name="model"/> and writes it atomically to <c>&lt;run&gt;/report.html</c>; returns the path.</summary>
    public static string Write(string runDirectory, ReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string path = Path.Combine(runDirectory, FileName);
        try
        {
            RunFiles.WriteAtomic(path, HtmlReport.Render(model));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportException($"cannot write {path}: {e.Message}", e);
        }
        return path;
    }

    private static RunFiles.RunMetrics ReadMetrics(string runDirectory)
    {
        try
        {
            return RunFiles.ReadMetrics(runDirectory);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or TrainingException)
        {
            throw new ReportException($"{Path.Combine(runDirectory, RunFiles.Metrics)}: not valid metrics: {e.Message}", e);
        }
    }

    /// <summary>An evaluation in the report's terms: label names, and the mistakes with their thumbnails.</summary>
    internal static (TestResults Results, List<Mistake> Mistakes) Convert(EvaluationResult evaluation, IReadOnlyList<string> labels, SampleSet test)
    {
        int classes = evaluation.Classes;
        var names = labels.Count == classes ? labels : [.. Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        var mistakes = evaluation.Mistakes
            .Select(w => test is TableSet table
                ? new Mistake(w.Index, names[w.Label], names[w.Predicted], w.Probability, w.TrueProbability, "") { Row = Row(table, w.Index) }
                : new Mistake(w.Index, names[w.Label], names[w.Predicted], w.Probability, w.TrueProbability, Thumbnail((ImageSet)test, w.Index)))
            .ToList();
        return (new TestResults(evaluation.Loss, evaluation.Accuracy, names, evaluation.Confusion), mistakes);
    }

    /// <summary>A test row as the report shows it: <c>file:line</c> and its feature values.</summary>
    internal static MistakeRow Row(TableSet table, int index)
    {
        var values = table.Row(index);
        var features = new List<(string, string)>(table.Features);
        for (int f = 0; f < table.Features; f++) features.Add((table.FeatureNames[f], values[f].ToString("G6", CultureInfo.InvariantCulture)));
        return new MistakeRow($"{Path.GetFileName(table.File)}:{table.Lines[index].ToString(CultureInfo.InvariantCulture)}", features);
    }

    /// <summary>A test image as a PNG data URI, gray or RGB as the model saw it (MNIST's own look: white digit on black).</summary>
    internal static string Thumbnail(ImageSet set, int index)
    {
        var image = Preprocess.FromPlanes(set.Image(index), set.Channels, set.Cols, set.Rows);
        return "data:image/png;base64," + System.Convert.ToBase64String(Png.Encode(image));
    }

    /// <summary>The parity certificate beside <c>model.onnx</c> in the run folder, else the newest <c>*.parity.json</c> there.</summary>
    internal static ParityView? FindParity(string runDirectory)
    {
        string suffix = Certificates.SidecarPath("");   // ".parity.json"
        var candidates = Directory.EnumerateFiles(runDirectory, "*" + suffix)
            .Select(p => new FileInfo(p))
            .OrderByDescending(f => f.Name == Path.GetFileName(Certificates.SidecarPath("model.onnx")))
            .ThenByDescending(f => f.LastWriteTimeUtc)
            .ToList();
        foreach (var file in candidates)
        {
            ParityCertificate certificate;
            try
            {
                certificate = ParityCertificate.FromJson(File.ReadAllText(file.FullName));
            }
            catch (Exception e) when (e is ParityException or IOException)
            {
                continue;   // a damaged sidecar is not shown; `netforge parity --verify` names the problem
            }

            string model = file.Name[..^suffix.Length];
            var fields = new List<(string, string)>
            {
                ("verdict", certificate.Verdict),
                ("samples", $"{certificate.Samples:N0} ({certificate.Data})"),
                ("max |Δ| probabilities", certificate.MaxAbsDiffProbabilities.ToString("G3", CultureInfo.InvariantCulture)),
                ("tolerance", certificate.Tolerance.ToString("G3", CultureInfo.InvariantCulture)),
                ("max |Δ| logits", certificate.MaxAbsDiffLogits.ToString("G3", CultureInfo.InvariantCulture)),
                ("argmax agreement", certificate.ArgmaxAgreement.ToString("P2", CultureInfo.InvariantCulture)),
                ("ONNX Runtime", certificate.OnnxRuntimeVersion),
                ("NetForge", certificate.NetForgeVersion),
                ("model sha256", certificate.ModelSha256),
                ("weights sha256", certificate.WeightsSha256),
            };
            if (certificate.FirstDivergentLayer is { } layer) fields.Add(("first divergent layer", layer));
            return new ParityView(model, fields,
                [.. certificate.Batches.Select(b => new ParityBatchRow(b.BatchSize, b.MaxAbsDiffProbabilities, b.MaxAbsDiffLogits, b.ArgmaxDisagreements))],
                certificate.Passed);
        }
        return null;
    }
}

/// <summary>A report could not be built or written; the message names the file and the cause.</summary>
public sealed class ReportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ReportException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public ReportException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception (serialization-free default).</summary>
    public ReportException() { }
}
