using NetForge.Tests.Shared;
using NetForge.Train.Checkpoints;
using Xunit.Abstractions;

namespace NetForge.Torch.Tests;

/// <summary>
/// <c>netforge train SPEC --engine torchsharp</c> end to end, through the CLI's plugin loader (the engine folder is this
/// test's own output, which holds NetForge.TorchEngine.dll), then export, parity, evaluate and resume, unchanged.
/// </summary>
public class TorchCliTests(ITestOutputHelper output)
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = NetForge.Cli.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// On the run's weights: the own engine, the TorchSharp engine and ONNX Runtime (the exported model) on the 10,000
    /// test images; probabilities within 1e-5 pairwise and the same argmax except near-ties (top-two margin within the
    /// observed difference).
    /// </summary>
    private void ThreeWayParity(string run)
    {
        var folder = NetForge.Train.Training.RunFolder.Open(run);
        var test = NetForge.Data.Mnist.Load().Test;
        int n = test.Count, classes = folder.Graph.NumClasses, size = (int)folder.Graph.Input.Shape.Size;
        var pixels = test.Pixels.AsSpan(0, n * size).ToArray().Select(b => (float)b).ToArray();
        float[] Run(NetForge.Train.Engines.ITrainingEngine engine)
        {
            var (logits, probs) = (new float[n * classes], new float[n * classes]);
            for (int start = 0; start < n; start += 1000)
            {
                int count = Math.Min(1000, n - start);
                engine.Predict(pixels.AsSpan(start * size, count * size), count, logits.AsSpan(start * classes, count * classes), probs.AsSpan(start * classes, count * classes));
            }
            return probs;
        }
        float[] own, torch;
        using (var e = folder.CreateEngine(NetForge.Engine.NetForgeEngine.Factory, 1000, 2)) own = Run(e);
        using (var e = folder.CreateEngine(TorchSharpEngine.Factory, 1000, 2)) torch = Run(e);
        using var model = NetForge.Runtime.NetForgeModel.Open(Path.Combine(run, "model.onnx"));
        var ort = model.Predict(test.Pixels.AsSpan(0, n * size), n);
        foreach (var (name, a, b) in new[] { ("own vs TorchSharp", own, torch), ("own vs ONNX Runtime", own, ort), ("TorchSharp vs ONNX Runtime", torch, ort) })
        {
            double max = 0;
            int disagree = 0, ties = 0;
            for (int i = 0; i < n; i++)
            {
                var x = a.AsSpan(i * classes, classes);
                var y = b.AsSpan(i * classes, classes);
                for (int c = 0; c < classes; c++) max = Math.Max(max, Math.Abs(x[c] - y[c]));
                if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(x) == System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(y)) continue;
                var sorted = x.ToArray().OrderDescending().ToArray();
                if (sorted[0] - sorted[1] <= 1e-5) ties++;
                else disagree++;
            }
            output.WriteLine($"{name}: max |Δ probability| {max:E2}, {disagree} argmax disagreements, {ties} near-ties on {n} test images");
            Assert.True(max <= 1e-5, $"{name}: max |Δ probability| {max:E2}");
            Assert.Equal(0, disagree);
        }
    }

    [Fact]
    public void Train_with_torchsharp_then_export_parity_evaluate_and_resume()
    {
        ThisBuildAsEngine.Use();
        using var dir = new TempDir();
        string run = dir.File("mlp");
        var train = Cli("train", RepoRoot.Combine("specs", "mlp.yaml"), "--engine", "torchsharp", "--limit", "3000", "--epochs", "1",
            "--threads", "2", "--out", run, "--quiet");
        output.WriteLine(train.Out + train.Err);
        Assert.Equal(0, train.Code);
        Assert.Contains("test_accuracy: 0.", train.Out);
        Assert.Equal(TorchSharpEngine.EngineName, RunCheckpoints.LoadLatest(run, _ => { })!.State.Engine);
        Assert.True(File.Exists(Path.Combine(run, "report.html")));

        var export = Cli("export", run);
        Assert.True(export.Code == 0, export.Out + export.Err);
        var parity = Cli("parity", run, "--limit", "1000");
        output.WriteLine(parity.Out + parity.Err);
        Assert.True(parity.Code == 0, parity.Out + parity.Err);
        Assert.Contains("verdict: PASS", parity.Out + parity.Err);
        // A TorchSharp run is certified against TorchSharp's answers; --engine netforge certifies the own engine's instead.
        Assert.Contains("reference engine: torchsharp", parity.Out);
        var sidecar = NetForge.Parity.ParityCertificate.FromJson(File.ReadAllText(NetForge.Parity.Certificates.SidecarPath(Path.Combine(run, "model.onnx"))));
        Assert.Equal(TorchSharpEngine.EngineName, sidecar.Reference);
        var own = Cli("parity", run, "--limit", "500", "--engine", "netforge");
        Assert.True(own.Code == 0, own.Out + own.Err);
        Assert.Contains("reference engine: netforge", own.Out);
        var ownCertificate = NetForge.Parity.ParityCertificate.FromJson(File.ReadAllText(NetForge.Parity.Certificates.SidecarPath(Path.Combine(run, "model.onnx"))));
        Assert.Equal(sidecar.WeightsSha256, ownCertificate.WeightsSha256); // one weights hash whichever engine holds them
        var evaluate = Cli("evaluate", run);
        Assert.True(evaluate.Code == 0, evaluate.Out + evaluate.Err);
        ThreeWayParity(run);

        // Resume keeps the engine that wrote the run without being told.
        var resume = Cli("train", "--resume", run, "--epochs", "2", "--quiet");
        Assert.True(resume.Code == 0, resume.Out + resume.Err);
        var latest = RunCheckpoints.LoadLatest(run, _ => { })!;
        Assert.Equal(2, latest.State.EpochsCompleted);
        Assert.Equal(TorchSharpEngine.EngineName, latest.State.Engine);
    }
}
