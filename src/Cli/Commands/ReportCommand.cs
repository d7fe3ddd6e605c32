using System.CommandLine;
using NetForge.Report;
using NetForge.Train.Training;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge report &lt;rundir&gt; [--data DIR] [--threads N] [--output FILE]</c>: writes the run's training report,
/// <c>&lt;rundir&gt;/report.html</c> (curves, confusion matrix, misclassified digits, parity certificate; one
/// self-contained file). <c>netforge report --compare &lt;rundir&gt; &lt;rundir&gt;...</c> overlays the curves of
/// several runs in one file (default <c>comparison.html</c>).
/// </summary>
internal static class ReportCommand
{
    public const string ComparisonFile = "comparison.html";

    public static Command Create(CliContext context)
    {
        var runs = new Argument<string[]>("rundir") { Description = "Run folder(s) written by 'netforge train', e.g. runs/cnn.", Arity = ArgumentArity.OneOrMore };
        var compare = new Option<bool>("--compare") { Description = "Overlay the curves of several runs in one report." };
        var output = new Option<string?>("--output", "-o") { Description = $"Where to write the report (default: <rundir>/{RunReport.FileName}; with --compare: {ComparisonFile}).", HelpName = "FILE" };
        var data = CliContext.DataOption();
        var threads = new Option<int>("--threads") { Description = "Worker threads for the test-set evaluation, 1..64.", HelpName = "N", DefaultValueFactory = _ => TrainCommand.DefaultThreads };
        var command = new Command("report", "Write a run's HTML training report: curves, confusion matrix, misclassified digits, parity.")
        {
            runs, compare, output, data, threads,
        };
        command.SetAction(parse => Run(context, parse.GetValue(runs)!, parse.GetValue(compare), parse.GetValue(output), parse.GetValue(data), parse.GetValue(threads)));
        return command;
    }

    internal static int Run(CliContext context, IReadOnlyList<string> runs, bool compare, string? output, string? dataDir, int threads)
    {
        if (threads is < 1 or > 64) throw new CliException($"--threads must be in 1..64, got {threads}", ExitCodes.Usage);
        if (!compare && runs.Count != 1) throw new CliException($"one run folder expected, got {runs.Count} (use --compare to put several in one report)", ExitCodes.Usage);
        if (compare && runs.Count < 2) throw new CliException("--compare needs at least two run folders", ExitCodes.Usage);
        var folders = runs.Select(r => context.OpenRun(r, requireCheckpoint: false)).ToList();   // every folder opened (once) before any data is loaded

        var options = new RunReportOptions { Threads = threads, Progress = context.Progress };
        // runs on the same data read it once; the seed is part of the key because it picks a test_split's rows
        var sets = new Dictionary<(NetForge.Spec.Graph.DataSourceSpec, long), Data.SampleSet>();
        Data.SampleSet TestSet(NetForge.Spec.Graph.ModelGraph graph)
        {
            var key = (graph.Data with { Location = default }, (long)graph.Train.Seed);
            if (!sets.TryGetValue(key, out var set)) sets[key] = set = context.LoadData(graph, dataDir).Test;
            return set;
        }
        var models = folders.Select(f => RunReport.Build(f, TestSet(f.Graph), options).Model).ToList();
        string path;
        if (compare)
        {
            path = output ?? ComparisonFile;
            RunFiles.WriteAtomic(path, HtmlReport.RenderComparison(models));
        }
        else if (output is null)
        {
            path = RunReport.Write(runs[0], models[0]);
        }
        else
        {
            path = output;
            RunFiles.WriteAtomic(path, HtmlReport.Render(models[0]));
        }

        long bytes = new FileInfo(path).Length;
        context.Out.WriteLine($"{path} ({bytes / 1024.0:F0} KB)");
        return ExitCodes.Ok;
    }
}
