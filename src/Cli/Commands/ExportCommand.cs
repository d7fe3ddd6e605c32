using System.CommandLine;
using NetForge.Export;
using NetForge.Train.Training;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge export &lt;rundir&gt; [-o out.onnx] [--opset N] [--input-dtype float32|uint8]</c>: reads the run
/// folder the trainer wrote (<c>spec.resolved.yaml</c> + the newest checkpoint that verifies) and writes an
/// ONNX model, by default <c>&lt;rundir&gt;/model.onnx</c>. See docs/export.md.
/// </summary>
internal static class ExportCommand
{
    /// <summary>File name of the exported model inside the run folder when no <c>-o</c> is given.</summary>
    public const string DefaultFileName = "model.onnx";

    public static Command Create(CliContext context)
    {
        var runDir = new Argument<string>("rundir") { Description = "Run folder written by 'netforge train', e.g. runs/cnn." };
        var output = new Option<string?>("--output", "-o") { Description = $"Where to write the model (default: <rundir>/{DefaultFileName}).", HelpName = "FILE" };
        var opset = new Option<int>("--opset")
        {
            Description = $"ai.onnx opset, {ExportOptions.MinOpset} to {ExportOptions.MaxOpset}.",
            DefaultValueFactory = _ => ExportOptions.DefaultOpset,
        };
        var dtype = new Option<string>("--input-dtype")
        {
            Description = "Element type of the model input: float32 or uint8 (raw 0-255 pixels either way).",
            DefaultValueFactory = _ => "float32",
        };
        dtype.AcceptOnlyFromAmong("float32", "uint8");
        var command = new Command("export", "Export a trained run to ONNX (logits + probabilities, metadata, labels).") { runDir, output, opset, dtype };
        command.SetAction(parse => Run(context, parse.GetValue(runDir)!, parse.GetValue(output), parse.GetValue(opset),
            parse.GetValue(dtype) == "uint8" ? InputDType.UInt8 : InputDType.Float32));
        return command;
    }

    internal static int Run(CliContext context, string runDir, string? output, int opset, InputDType inputDType)
    {
        var run = context.OpenRun(runDir);
        var graph = run.Graph;
        var weights = run.Weights();
        int epochs = run.EpochsCompleted;

        var metadata = new Dictionary<string, string>
        {
            ["training_epochs"] = epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        string metricsPath = Path.Combine(runDir, RunFiles.Metrics);
        if (File.Exists(metricsPath)) metadata["training_metrics"] = File.ReadAllText(metricsPath);

        var options = new ExportOptions { Opset = opset, InputDType = inputDType, Metadata = metadata };
        var model = OnnxExporter.Export(graph, weights, options);
        string target = output ?? Path.Combine(runDir, DefaultFileName);
        OnnxExporter.Write(model, target);

        long bytes = new FileInfo(target).Length;
        string outputs = string.Join(", ", model.Graph.Output.Select(o => o.Name));
        context.Out.WriteLine($"wrote {target} ({SummaryCommand.Bytes(bytes)}; opset {opset}, IR {model.IrVersion}; input {inputDType.ToString().ToLowerInvariant()} " +
            $"[batch, {string.Join(", ", graph.Input.Shape)}]; outputs {outputs}; {CliContext.Count(graph.ParameterCount)} parameters from epoch {epochs})");
        return ExitCodes.Ok;
    }
}
