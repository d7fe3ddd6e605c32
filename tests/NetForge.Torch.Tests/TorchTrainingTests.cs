using NetForge.Data;
using NetForge.Engine;
using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Tests.Shared;
using NetForge.Train.Checkpoints;
using NetForge.Train.Tests.Training;
using NetForge.Train.Training;
using Xunit.Abstractions;

namespace NetForge.Torch.Tests;

/// <summary>The shared loop drives the TorchSharp engine: the same run folder, the same learning, exact resume.</summary>
public class TorchTrainingTests(ITestOutputHelper output)
{
    private static ModelGraph Tiny(int epochs, OptimizerSpec? optimizer = null) =>
        TinyModels.Mlp(TinyModels.Train(optimizer ?? new AdamSpec(0.01, 0.9, 0.999, 1e-7, false), epochs));

    private static readonly ImageSet TrainSet = TinyModels.Data(600, seed: 1), TestSet = TinyModels.Data(200, seed: 2);

    private static (TrainingResult Result, float[] Weights) Run(Train.Engines.ITrainingEngineFactory factory, ModelGraph graph, string dir, bool resume = false)
    {
        var trainer = new Trainer(factory, graph, TrainSet, TestSet, new TrainerOptions { RunDirectory = dir, Resume = resume, WriteResolvedSpec = false });
        var result = trainer.Run();
        var weights = new float[graph.ParameterCount];
        trainer.Engine.ReadParameters(weights);
        return (result, weights);
    }

    [Fact]
    public void Trains_in_the_shared_loop_like_the_own_engine_and_records_itself()
    {
        using var torchDir = new TempDir();
        using var ownDir = new TempDir();
        var (torch, _) = Run(TorchSharpEngine.Factory, Tiny(3), torchDir.Path);
        var (own, _) = Run(NetForgeEngine.Factory, Tiny(3), ownDir.Path);
        output.WriteLine(string.Join(" | ", torch.History.Select(h => $"torch loss {h.Loss:F4}")) + " || " + string.Join(" | ", own.History.Select(h => $"own loss {h.Loss:F4}")));
        Assert.Equal(TrainingStatus.Completed, torch.Status);
        Assert.True(torch.History[^1].Loss < torch.History[0].Loss);
        Assert.InRange(torch.TestAccuracy!.Value, 0.9, 1.0);
        // Same initial bits, same batches and masks: the two trajectories differ only by float rounding.
        for (int e = 0; e < 3; e++) Assert.Equal(own.History[e].Loss, torch.History[e].Loss, 1e-3);
        Assert.Equal(own.TestAccuracy!.Value, torch.TestAccuracy.Value, 0.02);

        var checkpoint = RunCheckpoints.LoadLatest(torchDir.Path, _ => { })!;
        Assert.Equal(TorchSharpEngine.EngineName, checkpoint.State.Engine);
        Assert.Equal(["exp_avg", "exp_avg_sq"], checkpoint.Tensors.Keys.Where(k => k.StartsWith(RunCheckpoints.OptimizerPrefix, StringComparison.Ordinal)).Select(k => k[RunCheckpoints.OptimizerPrefix.Length..]).Order());
        Assert.Contains("layers.0.weight", checkpoint.Tensors.Keys);
    }

    public static TheoryData<string> Optimizers() => ["sgd", "sgd_nesterov", "rmsprop_centered", "adam", "adamw_amsgrad", "adadelta", "adagrad"];

    private static OptimizerSpec OptimizerOf(string name) => name switch
    {
        "sgd" => new SgdSpec(0.05, 0, false),
        "sgd_nesterov" => new SgdSpec(0.05, 0.9, true),
        "rmsprop_centered" => new RmsPropSpec(0.005, 0.9, 0.5, 1e-7, true),
        "adam" => new AdamSpec(0.01, 0.9, 0.999, 1e-7, false),
        "adamw_amsgrad" => new AdamWSpec(0.01, 0.9, 0.999, 1e-7, 0.01, true),
        "adadelta" => new AdadeltaSpec(1.0, 0.95, 1e-7),
        "adagrad" => new AdagradSpec(0.05, 0.1, 1e-7),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Resume_after_two_epochs_gives_the_bits_of_an_uninterrupted_run(string optimizer)
    {
        using var straight = new TempDir();
        using var resumed = new TempDir();
        var spec = OptimizerOf(optimizer);
        var (whole, expected) = Run(TorchSharpEngine.Factory, Tiny(3, spec), straight.Path);
        Run(TorchSharpEngine.Factory, Tiny(2, spec), resumed.Path);
        var (again, actual) = Run(TorchSharpEngine.Factory, Tiny(3, spec), resumed.Path, resume: true);
        Assert.Equal(3, again.History.Count);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(whole.History[^1].Loss, again.History[^1].Loss);
    }

    [Fact]
    public void Resume_with_the_other_engine_is_refused()
    {
        using var dir = new TempDir();
        Run(TorchSharpEngine.Factory, Tiny(1), dir.Path);
        var ex = Assert.Throws<TrainingException>(() => Run(NetForgeEngine.Factory, Tiny(2), dir.Path, resume: true));
        Assert.Contains("trained by the torchsharp engine", ex.Message);
    }
}
