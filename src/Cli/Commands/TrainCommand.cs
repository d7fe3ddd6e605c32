using System.CommandLine;
using System.Globalization;
using NetForge.Data;
using NetForge.Engine;
using NetForge.Report;
using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Train.Checkpoints;
using NetForge.Train.Engines;
using NetForge.Train.Training;
using Spectre.Console;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge train &lt;spec&gt; [--epochs N] [--batch-size N] [--seed N] [--threads N] [--out DIR] [--limit N]
/// [--data DIR] [--quiet] [--resume RUNDIR]</c>: trains into a run folder (default <c>runs/&lt;name&gt;</c>).
/// On a terminal a Spectre.Console bar per epoch shows running loss/accuracy, samples/s and ETA; otherwise
/// one summary line per epoch. With <c>--resume RUNDIR</c> the spec may be omitted (the run folder's
/// <c>spec.resolved.yaml</c> is used) and <c>--epochs</c> is the new total.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var spec = new Argument<string?>("spec") { Description = "Path to a YAML network spec, e.g. specs/mlp.yaml (optional with --resume).", Arity = ArgumentArity.ZeroOrOne };
        var epochs = new Option<int?>("--epochs") { Description = "Override train.epochs (with --resume: the new total).", HelpName = "N" };
        var batch = new Option<int?>("--batch-size") { Description = "Override train.batch_size (1..65536).", HelpName = "N" };
        var seed = new Option<int?>("--seed") { Description = "Override train.seed.", HelpName = "N" };
        var threads = new Option<int>("--threads") { Description = "Worker threads, 1..64 (results are identical for any value).", HelpName = "N", DefaultValueFactory = _ => DefaultThreads };
        var output = new Option<string?>("--out") { Description = "Run folder (default: runs/<spec name>).", HelpName = "DIR" };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training samples only.", HelpName = "N" };
        var data = CliContext.DataOption();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the final result." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in RUNDIR from its last good checkpoint.", HelpName = "RUNDIR" };
        var engine = new Option<string?>("--engine")
        {
            Description = "Training engine: netforge (default; NetForge's own, bit-identical at any thread count) or torchsharp (TorchSharp/libtorch; a resumed run keeps its engine).",
            HelpName = "NAME",
        };
        engine.AcceptOnlyFromAmong(Engines.EngineCatalog.Names);
        var noReport = new Option<bool>("--no-report") { Description = "Do not evaluate the test set for report.html and the confusion matrix at the end." };
        var command = new Command("train", "Train a spec on its data (MNIST, IDX files, picture folders or a CSV table); writes checkpoints, history, metrics and a report to a run folder.")
        {
            spec, epochs, batch, seed, threads, output, limit, data, quiet, resume, noReport, engine,
        };
        command.SetAction(parse => Run(context, new Settings(
            parse.GetValue(spec), parse.GetValue(epochs), parse.GetValue(batch), parse.GetValue(seed), parse.GetValue(threads),
            parse.GetValue(output), parse.GetValue(limit), parse.GetValue(data), parse.GetValue(quiet), parse.GetValue(resume),
            parse.GetValue(noReport), parse.GetValue(engine))));
        return command;
    }

    internal static int DefaultThreads => Math.Clamp(Environment.ProcessorCount, 1, 64);

    internal sealed record Settings(
        string? Spec, int? Epochs, int? BatchSize, int? Seed, int Threads, string? Out, int? Limit, string? Data, bool Quiet, string? Resume,
        bool NoReport = false, string? Engine = null);

    internal static int Run(CliContext context, Settings s)
    {
        if (s.Threads is < 1 or > 64) throw new CliException($"--threads must be in 1..64, got {s.Threads}", ExitCodes.Usage);
        if (s.BatchSize is < 1 or > 65536) throw new CliException($"--batch-size must be in 1..65536, got {s.BatchSize}", ExitCodes.Usage);
        if (s.Epochs is < 1) throw new CliException($"--epochs must be at least 1, got {s.Epochs}", ExitCodes.Usage);
        if (s.Limit is < 1) throw new CliException($"--limit must be at least 1, got {s.Limit}", ExitCodes.Usage);
        if (s.Spec is null && s.Resume is null) throw new CliException("missing <spec> (or --resume RUNDIR)", ExitCodes.Usage);
        if (s.Resume is not null && s.Out is not null && Path.GetFullPath(s.Out) != Path.GetFullPath(s.Resume))
            throw new CliException("--out and --resume name different folders; a resumed run stays in its folder", ExitCodes.Usage);
        if (s.Resume is not null && !Directory.Exists(s.Resume)) throw new CliException($"run folder {s.Resume} not found");

        string specPath = s.Spec ?? Path.Combine(s.Resume!, RunFiles.ResolvedSpec);
        var graph = CliContext.LoadSpec(specPath);
        var train = graph.Train;
        graph = graph with
        {
            Train = train with
            {
                Epochs = s.Epochs ?? train.Epochs,
                BatchSize = s.BatchSize ?? train.BatchSize,
                Seed = s.Seed ?? train.Seed,
            },
        };
        string runDir = s.Resume ?? s.Out ?? Path.Combine("runs", graph.Name);

        int? limit = s.Limit;
        LoadedCheckpoint? checkpoint = null;
        if (s.Resume is not null && RunCheckpoints.Exists(runDir))
        {
            checkpoint = RunCheckpoints.LoadLatest(runDir, context.Progress);   // loaded and verified once; the trainer resumes from it
            limit ??= checkpoint.State.Limit;   // a resumed run keeps its --limit unless told otherwise
        }
        // A resumed run keeps the engine that wrote it unless told otherwise (the trainer refuses a mismatch).
        // Resolved before the data is loaded: an engine that cannot run here fails before any download.
        var engines = Engines.EngineCatalog.Resolve(s.Engine ?? checkpoint?.State.Engine ?? Engines.EngineCatalog.Default);
        var data = context.LoadData(graph, s.Data);
        graph = DataSources.Bind(graph, data);   // what the data decides: labels from folders or a label column, CSV features, normalize: auto
        var options = new TrainerOptions { RunDirectory = runDir, Threads = s.Threads, Limit = limit, Resume = s.Resume is not null, ResumeFrom = checkpoint };
        TrainingResult result;
        if (context.IsTerminal && !s.Quiet)
        {
            result = RunLive(context, engines, graph, data, options);
        }
        else
        {
            var observer = new PlainObserver(context, s.Quiet);
            result = new Trainer(engines, graph, data.Train, data.Test, options, observer).Run();
        }

        bool failed = result.Status is TrainingStatus.NonFiniteLoss or TrainingStatus.NonFiniteGradient;
        if (!s.NoReport && result.History.Count > 0) WriteReport(context, graph, runDir, failed ? null : result.Test, data.Test, s.Quiet || failed);
        if (failed)
        {
            context.Error.WriteLine($"error: {result.Message}");
            return ExitCodes.InvalidInput;
        }
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"test_loss: {result.TestLoss:F4} - test_accuracy: {result.TestAccuracy:F4} - {result.History.Count} epochs - {result.SamplesPerSecond:F0} samples/s - {runDir}"));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The end of a run: from the trainer's own test evaluation (confusion matrix, most confident mistakes: no second
    /// network, no second pass) prints the per-epoch table and the confusion matrix (unless quiet) and writes
    /// <c>report.html</c> into the run folder. A failure here is reported but never fails the finished training.
    /// </summary>
    private static void WriteReport(CliContext context, ModelGraph graph, string runDir, EvaluationResult? evaluation, SampleSet test, bool quiet)
    {
        try
        {
            var report = RunReport.Build(graph, SpecCompiler.ToResolvedYaml(graph), runDir, evaluation, test);
            if (!quiet && report.Model.Test is { } t)
            {
                if (context.IsTerminal)
                {
                    RenderEpochTable(context.Out, report.Model.Epochs);
                    EvaluateCommand.RenderTable(context.Out, t.Labels, t.Confusion);
                }
                else
                {
                    context.Out.Write(EvaluateCommand.RenderPlain(t.Labels, t.Confusion));
                }
            }
            string path = RunReport.Write(runDir, report.Model);
            if (!quiet) context.Error.WriteLine($"report: {path}");
        }
        catch (Exception e) when (e is ReportException or IOException or UnauthorizedAccessException or DataException)
        {
            context.Error.WriteLine($"warning: no report: {e.Message}");
        }
    }

    /// <summary>Epoch, loss, accuracy, val_loss, val_accuracy, lr, seconds as a Spectre table.</summary>
    private static void RenderEpochTable(TextWriter writer, IReadOnlyList<EpochPoint> epochs)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Training history") };
        foreach (var h in new[] { "epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "s", "samples/s" })
            table.AddColumn(new TableColumn(h).RightAligned());
        double bestVal = epochs.Select(e => e.ValAccuracy).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Max();
        foreach (var e in epochs)
        {
            string F(double v, string f) => double.IsNaN(v) ? "-" : v.ToString(f, CultureInfo.InvariantCulture);
            string val = F(e.ValAccuracy, "F4");
            table.AddRow(e.Epoch.ToString(CultureInfo.InvariantCulture), F(e.Loss, "F4"), F(e.Accuracy, "F4"), F(e.ValLoss, "F4"),
                e.ValAccuracy == bestVal ? $"[green]{val}[/]" : val, F(e.Lr, "G4"), F(e.Seconds, "F1"), F(e.SamplesPerSecond, "N0"));
        }
        console.Write(table);
    }

    /// <summary>"Epoch 3/10 - 4s - loss: 0.1234 - accuracy: 0.9612 - val_loss: ... - 12,345 samples/s" (Keras-like).</summary>
    internal static string EpochLine(EpochRecord r, TrainingPlan plan) => string.Create(CultureInfo.InvariantCulture,
        $"Epoch {r.Epoch}/{plan.Epochs} - {r.Seconds:F1}s - loss: {r.Loss:F4} - accuracy: {r.Accuracy:F4} - val_loss: {r.ValLoss:F4} - val_accuracy: {r.ValAccuracy:F4} - lr: {r.Lr:G4} - {r.SamplesPerSecond:F0} samples/s");

    private static string BeginLine(TrainingPlan p) => string.Create(CultureInfo.InvariantCulture,
        $"Training {CliContext.Count(p.ParameterCount)} parameters on {CliContext.Count(p.TrainSamples)} samples, validating on {CliContext.Count(p.ValidationSamples)} ({(p.ValidationIsTestSet ? "test set" : "validation_split")}); batch {p.BatchSize}, {p.StepsPerEpoch} steps/epoch, {p.Threads} threads -> {p.RunDirectory}");

    /// <summary>One line per epoch to stdout; notes to stderr. Used when stdout is not a terminal, and with --quiet (which prints nothing here).</summary>
    private sealed class PlainObserver(CliContext context, bool quiet) : ITrainingObserver
    {
        public void OnTrainBegin(TrainingPlan plan)
        {
            if (!quiet) context.Error.WriteLine(BeginLine(plan));
        }

        public void OnBatch(BatchProgress progress) { }

        public void OnEpochEnd(EpochRecord record, TrainingPlan plan)
        {
            if (!quiet) context.Out.WriteLine(EpochLine(record, plan));
        }

        public void OnMessage(string message)
        {
            if (!quiet) context.Error.WriteLine(message);
        }
    }

    private static TrainingResult RunLive(CliContext context, ITrainingEngineFactory engines, ModelGraph graph, DataSet data, TrainerOptions options)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Out) });
        TrainingResult? result = null;
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(ctx =>
            {
                var observer = new LiveObserver(ctx, console);
                result = new Trainer(engines, graph, data.Train, data.Test, options, observer).Run();
            });
        return result!;
    }

    /// <summary>A Spectre.Console task per epoch: the bar fills with steps; its text carries running loss/accuracy, samples/s and ETA, then the epoch summary.</summary>
    private sealed class LiveObserver(ProgressContext ctx, IAnsiConsole console) : ITrainingObserver
    {
        private ProgressTask? _task;
        private int _epoch;

        public void OnTrainBegin(TrainingPlan plan) => console.MarkupLine("[grey]" + Markup.Escape(BeginLine(plan)) + "[/]");

        public void OnBatch(BatchProgress p)
        {
            if (_task is null || _epoch != p.Epoch)
            {
                _epoch = p.Epoch;
                _task = ctx.AddTask($"Epoch {p.Epoch}/{p.Epochs}", maxValue: p.Steps);
            }
            _task.Value = p.Step;
            _task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Epoch {p.Epoch}/{p.Epochs} {p.Step}/{p.Steps} - loss: {p.Loss:F4} - accuracy: {p.Accuracy:F4} - {p.SamplesPerSecond:F0} samples/s - ETA {p.Eta:mm\\:ss}"));
            ctx.Refresh();
        }

        public void OnEpochEnd(EpochRecord record, TrainingPlan plan)
        {
            if (_task is null) return;
            _task.Description = Markup.Escape(EpochLine(record, plan));
            _task.Value = _task.MaxValue;
            _task.StopTask();
            ctx.Refresh();
        }

        public void OnMessage(string message) => console.MarkupLine("[yellow]" + Markup.Escape(message) + "[/]");
    }
}
