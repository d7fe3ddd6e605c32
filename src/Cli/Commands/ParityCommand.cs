using System.CommandLine;
using System.Globalization;
using NetForge.Data;
using NetForge.Export;
using NetForge.Parity;
using NetForge.Engine;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge parity &lt;rundir&gt; [model.onnx]</c>: runs the engine and ONNX Runtime on the MNIST test set at
/// several batch sizes, prints the differences, localises a failure to the first divergent layer, and stores a
/// parity certificate in the model and beside it. <c>netforge parity --verify model.onnx</c> re-checks a stored
/// certificate from the model file alone.
/// </summary>
internal static class ParityCommand
{
    public static Command Create(CliContext context)
    {
        var runDir = new Argument<string?>("rundir") { Description = "Run folder written by 'netforge train' and 'netforge export'.", Arity = ArgumentArity.ZeroOrOne };
        var model = new Argument<string?>("model") { Description = $"The ONNX model (default: <rundir>/{ExportCommand.DefaultFileName}).", Arity = ArgumentArity.ZeroOrOne };
        var verify = new Option<string?>("--verify") { Description = "Re-check the certificate stored in this ONNX model.", HelpName = "MODEL" };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N test images (default: all 10,000).", HelpName = "N" };
        var batches = new Option<string>("--batch-sizes") { Description = "ONNX Runtime batch sizes, comma-separated.", DefaultValueFactory = _ => "1,2,1000" };
        var data = CliContext.DataOption();
        var engine = new Option<string?>("--engine")
        {
            Description = "The reference engine ONNX Runtime is compared with (default: the engine that trained the run).",
            HelpName = "NAME",
        };
        engine.AcceptOnlyFromAmong(Engines.EngineCatalog.Names);
        var command = new Command("parity", "Prove that ONNX Runtime gives the trained network's answers; write a parity certificate.")
        {
            runDir, model, verify, limit, batches, data, engine,
        };
        command.SetAction(parse =>
        {
            var options = new ParityOptions { BatchSizes = ParseBatchSizes(parse.GetValue(batches)!) };
            string? verifyPath = parse.GetValue(verify);
            if (verifyPath is not null) return Verify(context, verifyPath, parse.GetValue(limit), parse.GetValue(data), options);
            string dir = parse.GetValue(runDir) ?? throw new CliException("give a run folder (netforge parity runs/x) or --verify MODEL", ExitCodes.Usage);
            return Run(context, dir, parse.GetValue(model), parse.GetValue(limit), parse.GetValue(data), options, parse.GetValue(engine));
        });
        return command;
    }

    internal static int Run(CliContext context, string runDir, string? modelPath, int? limit, string? dataDir, ParityOptions options, string? engineName = null)
    {
        var run = context.OpenRun(runDir);   // a checkpoint of another spec is refused here, as by every command
        modelPath ??= Path.Combine(runDir, ExportCommand.DefaultFileName);
        if (!File.Exists(modelPath)) throw new CliException($"{modelPath} not found (export it with 'netforge export {runDir}')");

        // The reference is the engine that trained the run (its answers are the ones the user saw), unless told otherwise.
        // Resolved before the data is loaded: an engine that cannot run here fails first.
        string referenceName = engineName ?? run.Engine;
        var factory = Engines.EngineCatalog.Resolve(referenceName);
        var graph = run.Graph;
        var data = context.LoadData(graph, dataDir);
        var test = data.Test;
        int count = Count(limit, test.Count);
        byte[] bytes = Certificates.ReadModelFile(modelPath);
        var proto = ParityChecker.ParseModel(bytes);
        context.Progress($"parity: {graph.Name}: {referenceName} engine vs ONNX Runtime {Runtime.NetForgeModel.OnnxRuntimeVersion} on {count:N0} test {(test is TableSet ? "rows" : "images")}, batch sizes {string.Join(", ", options.BatchSizes)}");
        ParityCertificate certificate;
        using (var reference = run.CreateEngine(factory, Math.Min(1000, count), options.EngineThreads))
            certificate = test is ImageSet images
                ? ParityChecker.Check(reference, bytes, proto, images.Pixels, count, DataDescription(data, count), options)
                : ParityChecker.Check(reference, bytes, proto, test.ToFloats(), count, DataDescription(data, count), options);
        if (!certificate.Passed)
        {
            // Layer by layer with the own engine (it exposes every layer's output); the same weights either way.
            using var own = NetForgeEngine.FromRun(run, Math.Min(1000, count), options.EngineThreads);
            var divergent = test is ImageSet images
                ? LayerLocator.FirstDivergent(own.Network, images.Pixels, Math.Min(count, 64))
                : LayerLocator.FirstDivergent(own.Network, test.ToFloats(), Math.Min(count, 64));
            certificate = certificate with { FirstDivergentLayer = divergent?.ToString() };
        }

        Print(context, certificate);
        Certificates.Store(modelPath, proto, certificate);
        context.Out.WriteLine($"certificate stored in {modelPath} (metadata '{ParityCertificate.MetadataKey}') and {Certificates.SidecarPath(modelPath)}");
        return certificate.Passed ? ExitCodes.Ok : ExitCodes.InvalidInput;
    }

    internal static int Verify(CliContext context, string modelPath, int? limit, string? dataDir, ParityOptions options)
    {
        if (!File.Exists(modelPath)) throw new CliException($"{modelPath} not found");
        // The data the model was trained on, named by the spec embedded in it.
        var graph = Certificates.GraphFromModel(ParityChecker.ParseModel(Certificates.ReadModelFile(modelPath)), modelPath);
        var data = context.LoadData(graph, dataDir);
        var test = data.Test;
        int count = Count(limit, test.Count);
        var result = test is ImageSet images
            ? Certificates.Verify(modelPath, images.Pixels, count, DataDescription(data, count), options)
            : Certificates.Verify(modelPath, test.ToFloats(), count, DataDescription(data, count), options);
        context.Out.WriteLine($"stored certificate: {result.Stored.Verdict}, max abs diff {Format(result.Stored.MaxAbsDiffProbabilities)} on {result.Stored.Samples:N0} samples (ORT {result.Stored.OnnxRuntimeVersion}, reference engine {result.Stored.Reference})");
        context.Out.WriteLine($"re-measured under ONNX Runtime {result.Remeasured.OnnxRuntimeVersion} against the stored tolerance {Format(result.Stored.Tolerance)}"
            + (result.Stored.OnnxRuntimeVersion == result.Remeasured.OnnxRuntimeVersion ? "" : $" (certified under {result.Stored.OnnxRuntimeVersion})"));
        Print(context, result.Remeasured);
        if (result.Ok)
        {
            context.Out.WriteLine($"{modelPath}: certificate verified");
            return ExitCodes.Ok;
        }

        foreach (var problem in result.Problems) context.Error.WriteLine($"error: {problem}");
        return ExitCodes.InvalidInput;
    }

    private static void Print(CliContext context, ParityCertificate c)
    {
        var o = context.Out;
        o.WriteLine($"{"batch",6}  {"max |dp|",10}  {"max |dlogit|",12}  {"disagree",8}  {"near-ties",9}");
        foreach (var b in c.Batches)
            o.WriteLine($"{b.BatchSize,6}  {Format(b.MaxAbsDiffProbabilities),10}  {Format(b.MaxAbsDiffLogits),12}  {b.ArgmaxDisagreements,8}  {b.NearTies,9}");
        o.WriteLine($"probabilities: max abs diff {Format(c.MaxAbsDiffProbabilities)} (tolerance {Format(c.Tolerance)}), max rel diff {Format(c.MaxRelDiffProbabilities)}");
        o.WriteLine($"logits: max abs diff {Format(c.MaxAbsDiffLogits)}, max rel diff {Format(c.MaxRelDiffLogits)}");
        o.WriteLine($"argmax agreement {c.ArgmaxAgreement:P2} ({c.ArgmaxDisagreements} disagreements, {c.NearTies} near-ties); worst sample #{c.Worst.Index} at batch {c.Worst.BatchSize}: {Format(c.Worst.AbsDiff)}");
        if (c.FirstDivergentLayer is not null) o.WriteLine($"first divergent layer: {c.FirstDivergentLayer}");
        o.WriteLine($"reference engine: {c.Reference}");
        if (c.Preprocessing.Length > 0) o.WriteLine($"preprocessing in the model: {c.Preprocessing}");
        o.WriteLine($"verdict: {c.Verdict.ToUpperInvariant()}");
    }

    private static string Format(double value) => value.ToString("0.00E+00", CultureInfo.InvariantCulture);

    private static string DataDescription(Data.DataSet data, int count) =>
        data.Test is TableSet ? $"{data.Description} test rows (first {count})" : $"{data.Description} t10k (first {count} images)";

    private static int Count(int? limit, int available)
    {
        if (limit is null) return available;
        if (limit <= 0 || limit > available) throw new CliException($"--limit must be between 1 and {available}, got {limit}", ExitCodes.Usage);
        return limit.Value;
    }

    internal static int[] ParseBatchSizes(string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int b) || b <= 0 || b > 65536)
                throw new CliException($"--batch-sizes: '{part}' is not a batch size (1..65536)", ExitCodes.Usage);
            sizes.Add(b);
        }

        return sizes.Count > 0 ? [.. sizes] : throw new CliException("--batch-sizes needs at least one size", ExitCodes.Usage);
    }
}
