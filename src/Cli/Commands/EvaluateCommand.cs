using System.CommandLine;
using System.Globalization;
using System.Text;
using NetForge.Engine;
using NetForge.Train.Training;
using Spectre.Console;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge evaluate &lt;rundir&gt; [--data DIR] [--threads N] [--batch-size N]</c>: loads the run folder's
/// <c>spec.resolved.yaml</c> and newest good checkpoint, evaluates the MNIST test set and prints test
/// loss, accuracy and the confusion matrix (rows: true label, columns: prediction).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var runDir = new Argument<string>("rundir") { Description = "Run folder written by 'netforge train', e.g. runs/mlp." };
        var data = CliContext.DataOption();
        var threads = new Option<int>("--threads") { Description = "Worker threads, 1..64.", HelpName = "N", DefaultValueFactory = _ => TrainCommand.DefaultThreads };
        var batch = new Option<int>("--batch-size") { Description = "Evaluation batch size, 1..65536.", HelpName = "N", DefaultValueFactory = _ => 1000 };
        var command = new Command("evaluate", "Evaluate a trained run on the test set: loss, accuracy, confusion matrix.") { runDir, data, threads, batch };
        command.SetAction(parse => Run(context, parse.GetValue(runDir)!, parse.GetValue(data), parse.GetValue(threads), parse.GetValue(batch)));
        return command;
    }

    internal static int Run(CliContext context, string runDir, string? dataDir, int threads, int batchSize)
    {
        if (threads is < 1 or > 64) throw new CliException($"--threads must be in 1..64, got {threads}", ExitCodes.Usage);
        if (batchSize is < 1 or > 65536) throw new CliException($"--batch-size must be in 1..65536, got {batchSize}", ExitCodes.Usage);
        var run = context.OpenRun(runDir);
        var graph = run.Graph;
        using var engine = run.CreateEngine(NetForgeEngine.Factory, batchSize, threads);
        var test = context.LoadData(graph, dataDir).Test;
        int classes = engine.NumClasses;
        var result = Evaluation.Run(engine, test);
        var (loss, accuracy, confusion) = (result.Loss, result.Accuracy, result.Confusion);

        var labels = graph.Labels.Count == classes ? graph.Labels : Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{runDir} (epoch {run.EpochsCompleted}): test_loss: {loss:F4} - test_accuracy: {accuracy:F4} ({CliContext.Count(test.Count)} samples)"));
        if (context.IsTerminal) RenderTable(context.Out, labels, confusion);
        else context.Out.Write(RenderPlain(labels, confusion));
        return ExitCodes.Ok;
    }

    /// <summary>Fixed-width text matrix: header of predicted labels, one row per true label.</summary>
    internal static string RenderPlain(IReadOnlyList<string> labels, IReadOnlyList<long> confusion)
    {
        int n = labels.Count;
        int width = Math.Max(labels.Max(l => l.Length), confusion.Max().ToString(CultureInfo.InvariantCulture).Length) + 1;
        var sb = new StringBuilder();
        sb.Append("confusion matrix (rows: true label, columns: predicted)\n");
        sb.Append("true\\pred".PadRight(10));
        foreach (var l in labels) sb.Append(l.PadLeft(width));
        sb.Append('\n');
        for (int r = 0; r < n; r++)
        {
            sb.Append(labels[r].PadRight(10));
            for (int c = 0; c < n; c++) sb.Append(confusion[r * n + c].ToString(CultureInfo.InvariantCulture).PadLeft(width));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    internal static void RenderTable(TextWriter writer, IReadOnlyList<string> labels, IReadOnlyList<long> confusion)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        int n = labels.Count;
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Confusion matrix (rows: true, columns: predicted)") };
        table.AddColumn("true \\ pred");
        foreach (var l in labels) table.AddColumn(new TableColumn(Markup.Escape(l)).RightAligned());
        for (int r = 0; r < n; r++)
        {
            var cells = new List<string> { Markup.Escape(labels[r]) };
            for (int c = 0; c < n; c++)
            {
                string v = CliContext.Count(confusion[r * n + c]);
                cells.Add(r == c ? $"[green]{v}[/]" : confusion[r * n + c] == 0 ? $"[grey]{v}[/]" : $"[red]{v}[/]");
            }
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
    }
}
