using System.CommandLine;
using NetForge.Spec;
using Spectre.Console;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge summary &lt;spec&gt;</c>: <see cref="ModelSummary"/> of the compiled graph (layer, type,
/// output shape, parameters, MACs per sample, with totals). A Spectre.Console table on a terminal;
/// <see cref="ModelSummary.Render"/>'s plain Keras-like text when stdout is redirected (pipes, files,
/// tests), so the output is stable and greppable.
/// </summary>
internal static class SummaryCommand
{
    public static Command Create(CliContext context)
    {
        var spec = CliContext.SpecArgument();
        var command = new Command("summary", "Print the layers, output shapes, parameter counts and MACs of a spec.") { spec };
        command.SetAction(parse => Run(context, parse.GetValue(spec)!));
        return command;
    }

    internal static int Run(CliContext context, string path)
    {
        var summary = ModelSummary.From(CliContext.LoadSpec(path));
        if (context.IsTerminal) RenderTable(summary, context.Out);
        else context.Out.Write(summary.Render());
        return ExitCodes.Ok;
    }

    /// <summary>Keras-style byte size, "945.55 KB" (1 KB = 1024 bytes); shared by the commands.</summary>
    internal static string Bytes(long bytes) => ModelSummary.Bytes(bytes);

    private static void RenderTable(ModelSummary summary, TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        var table = new Table
        {
            Border = TableBorder.Rounded,
            Title = new TableTitle($"Model: {Markup.Escape(summary.Graph.Name)}"),
            ShowFooters = true,
        };
        table.AddColumn(new TableColumn("[bold]Layer[/]") { Footer = new Markup("[bold]Total[/]") });
        table.AddColumn(new TableColumn("[bold]Type[/]"));
        table.AddColumn(new TableColumn("[bold]Output shape[/]"));
        table.AddColumn(new TableColumn("[bold]Params[/]") { Footer = new Markup($"[bold]{CliContext.Count(summary.TotalParams)}[/]") }.RightAligned());
        table.AddColumn(new TableColumn("[bold]MACs[/]") { Footer = new Markup($"[bold]{CliContext.Count(summary.TotalMacs)}[/]") }.RightAligned());
        foreach (var row in summary.Rows)
        {
            table.AddRow(
                Markup.Escape(row.Name), Markup.Escape(row.Type), Markup.Escape(row.OutputShape),
                CliContext.Count(row.Params), CliContext.Count(row.Macs));
        }
        console.Write(table);
        console.WriteLine($"Total params: {CliContext.Count(summary.TotalParams)} ({ModelSummary.Bytes(summary.ParameterBytes)})");
        console.WriteLine($"Trainable params: {CliContext.Count(summary.TrainableParams)}");
        console.WriteLine($"Non-trainable params: {CliContext.Count(summary.NonTrainableParams)}");
        console.WriteLine($"MACs per sample: {CliContext.Count(summary.TotalMacs)}");
    }
}
