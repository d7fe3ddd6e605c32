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

    [Fact]
    public void Train_with_torchsharp_then_export_parity_evaluate_and_resume()
    {
        using var engines = new TempDir();
        Directory.CreateSymbolicLink(engines.File("torchsharp"), AppContext.BaseDirectory.TrimEnd('/'));
        Environment.SetEnvironmentVariable("NETFORGE_ENGINES", engines.Path);
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
        var evaluate = Cli("evaluate", run);
        Assert.True(evaluate.Code == 0, evaluate.Out + evaluate.Err);

        // Resume keeps the engine that wrote the run without being told.
        var resume = Cli("train", "--resume", run, "--epochs", "2", "--quiet");
        Assert.True(resume.Code == 0, resume.Out + resume.Err);
        var latest = RunCheckpoints.LoadLatest(run, _ => { })!;
        Assert.Equal(2, latest.State.EpochsCompleted);
        Assert.Equal(TorchSharpEngine.EngineName, latest.State.Engine);
    }
}
