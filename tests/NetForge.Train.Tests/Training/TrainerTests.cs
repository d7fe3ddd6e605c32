using NetForge.Spec.Graph;
using NetForge.Train.Checkpoints;
using NetForge.Train.Training;

namespace NetForge.Train.Tests.Training;

public class TrainerTests
{
    private static readonly NetForge.Data.ImageSet TrainSet = TinyModels.Data(600, seed: 1);
    private static readonly NetForge.Data.ImageSet TestSet = TinyModels.Data(200, seed: 2);

    private static (TrainingResult Result, Trainer Trainer) Train(ModelGraph graph, string dir, int threads = 1, bool resume = false, int? limit = null)
    {
        var trainer = new Trainer(NetForgeEngine.Factory, graph, TrainSet, TestSet, new TrainerOptions
        {
            RunDirectory = dir,
            Threads = threads,
            Resume = resume,
            Limit = limit,
            WriteResolvedSpec = false,
        });
        return (trainer.Run(), trainer);
    }

    [Fact]
    public void LearnsTheSyntheticTaskAndWritesTheRunFolder()
    {
        using var tmp = RepoPaths.NewTemp();
        var (result, _) = Train(TinyModels.Mlp(TinyModels.Adam(epochs: 4)), tmp.Path);
        Assert.Equal(TrainingStatus.Completed, result.Status);
        Assert.Equal(4, result.History.Count);
        Assert.True(result.History[^1].Loss < result.History[0].Loss * 0.8, $"loss {result.History[0].Loss} → {result.History[^1].Loss}");
        Assert.InRange(result.TestAccuracy!.Value, 0.85, 1.0);

        foreach (var f in new[] { RunFiles.History, RunFiles.HistoryCsv, RunFiles.Metrics, RunCheckpoints.Latest, RunCheckpoints.Previous })
            Assert.True(File.Exists(Path.Combine(tmp.Path, f)), f);
        Assert.False(File.Exists(Path.Combine(tmp.Path, RunFiles.Lock)));   // released and deleted
        var csv = File.ReadAllLines(Path.Combine(tmp.Path, RunFiles.HistoryCsv));
        Assert.Equal("epoch,loss,accuracy,val_loss,val_accuracy,lr,seconds", csv[0]);
        Assert.Equal(5, csv.Length);
        var metrics = RunFiles.ReadMetrics(tmp.Path);
        Assert.Equal(result.TestAccuracy!.Value, metrics.TestAccuracy);
        Assert.Equal(4, metrics.Epochs);
        Assert.Equal(12 * 16 + 12 + 3 * 12 + 3, metrics.ParameterCount);
        Assert.Equal(result.History.Select(h => h.Loss), RunFiles.ReadHistory(tmp.Path).Select(h => h.Loss));
        Assert.True(metrics.AllocatedBytesPerStep >= 0 && metrics.GcPauseFraction >= 0);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsForAnyThreadCount()
    {
        using var a = RepoPaths.NewTemp();
        using var b = RepoPaths.NewTemp();
        using var c = RepoPaths.NewTemp();
        var graph = TinyModels.Mlp(TinyModels.Adam(epochs: 2));
        var one = Train(graph, a.Path, threads: 1).Trainer.Weights();
        var two = Train(graph, b.Path, threads: 2).Trainer.Weights();
        var otherSeed = Train(TinyModels.Mlp(TinyModels.Adam(epochs: 2) with { Seed = 99 }), c.Path).Trainer.Weights();
        Assert.Equal(one, two);
        Assert.NotEqual(one, otherSeed);
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd_plateau_schedule")]
    public void TwoEpochsPlusResumeEqualsFourEpochs(string variant)
    {
        TrainSpec Spec(int epochs) => variant == "adam"
            ? TinyModels.Adam(epochs)
            : TinyModels.Train(new SgdSpec(0.05, 0.9, true), epochs, validationSplit: 0.2, clipNorm: 1.0,
                schedule: new StepScheduleSpec(1, 0.9),
                callbacks: CallbacksSpec.Default with { ReduceLrOnPlateau = new ReduceLrOnPlateauSpec("loss", MonitorMode.Max, 0.5, 1, 0, 0, 1e-4) });
        using var whole = RepoPaths.NewTemp();
        using var split = RepoPaths.NewTemp();
        var (full, fullTrainer) = Train(TinyModels.Mlp(Spec(4)), whole.Path);
        Train(TinyModels.Mlp(Spec(2)), split.Path);
        var (resumed, resumedTrainer) = Train(TinyModels.Mlp(Spec(4)), split.Path, resume: true);

        Assert.Equal(fullTrainer.Weights(), resumedTrainer.Weights());
        Assert.Equal(fullTrainer.OptimizerState(), resumedTrainer.OptimizerState());
        Assert.Equal(full.History.Select(h => (h.Loss, h.ValLoss, h.Lr)), resumed.History.Select(h => (h.Loss, h.ValLoss, h.Lr)));
        Assert.Equal(full.TestLoss, resumed.TestLoss);
    }

    [Fact]
    public void ResumeRejectsAChangedSpecAndAFolderWithoutCheckpoint()
    {
        using var tmp = RepoPaths.NewTemp();
        Assert.Contains("nothing to resume", Assert.Throws<TrainingException>(() => Train(TinyModels.Mlp(TinyModels.Adam(1)), tmp.Path, resume: true)).Message);
        Train(TinyModels.Mlp(TinyModels.Adam(1)), tmp.Path);
        var changed = TinyModels.Mlp(TinyModels.Train(new AdamSpec(0.02, 0.9, 0.999, 1e-7, false), epochs: 2));
        Assert.Contains("was written for a different spec than", Assert.Throws<TrainingException>(() => Train(changed, tmp.Path, resume: true)).Message);
        Assert.Contains("pass the same --limit", Assert.Throws<TrainingException>(() => Train(TinyModels.Mlp(TinyModels.Adam(2)), tmp.Path, resume: true, limit: 100)).Message);
        Assert.Contains("already holds a checkpoint", Assert.Throws<TrainingException>(() => Train(TinyModels.Mlp(TinyModels.Adam(2)), tmp.Path)).Message);
    }

    [Fact]
    public void ResumeFallsBackToThePreviousCheckpointWhenTheLatestIsCorrupt()
    {
        using var tmp = RepoPaths.NewTemp();
        Train(TinyModels.Mlp(TinyModels.Adam(2)), tmp.Path);
        string latest = Path.Combine(tmp.Path, RunCheckpoints.Latest);
        var bytes = File.ReadAllBytes(latest);
        File.WriteAllBytes(latest, bytes[..(bytes.Length / 2)]);
        var messages = new List<string>();
        var trainer = new Trainer(NetForgeEngine.Factory, TinyModels.Mlp(TinyModels.Adam(3)), TrainSet, TestSet,
            new TrainerOptions { RunDirectory = tmp.Path, Resume = true, WriteResolvedSpec = false }, new RecordingObserver(messages));
        var result = trainer.Run();
        Assert.Contains(messages, m => m.Contains("truncated") && m.Contains(RunCheckpoints.Latest));
        Assert.Contains(messages, m => m.Contains("resuming") && m.Contains("after epoch 1"));
        Assert.Equal(3, result.History.Count);
    }

    [Fact]
    public void ASecondTrainerOnTheSameFolderFailsClearly()
    {
        using var tmp = RepoPaths.NewTemp();
        using (RunFiles.AcquireLock(tmp.Path))
        {
            var e = Assert.Throws<TrainingException>(() => Train(TinyModels.Mlp(TinyModels.Adam(1)), tmp.Path));
            Assert.Contains("in use by another 'netforge train'", e.Message);
        }
        Assert.Equal(TrainingStatus.Completed, Train(TinyModels.Mlp(TinyModels.Adam(1)), tmp.Path).Result.Status);
    }

    [Fact]
    public void NonFiniteLossStopsAndKeepsTheLastGoodCheckpoint()
    {
        using var tmp = RepoPaths.NewTemp();
        // lr 1e30 makes the weights overflow within the first steps; the loss turns NaN or infinite.
        var graph = TinyModels.Mlp(TinyModels.Train(new SgdSpec(1e30, 0, false), epochs: 5));
        var (result, _) = Train(graph, tmp.Path);
        Assert.Equal(TrainingStatus.NonFiniteLoss, result.Status);
        Assert.Matches(@"loss became (NaN|infinite) at epoch \d+, batch \d+", result.Message);
        Assert.Null(result.TestAccuracy);
        if (result.History.Count > 0)
        {
            var state = Checkpoint.Load(Path.Combine(tmp.Path, RunCheckpoints.Latest)).State;
            Assert.Equal(result.History.Count, state.EpochsCompleted);
        }
    }

    [Fact]
    public void EarlyStoppingStopsAndRestoresTheBestWeights()
    {
        using var tmp = RepoPaths.NewTemp();
        using var one = RepoPaths.NewTemp();
        // Mode max on a falling loss: epoch 1 is the best, no later epoch improves → stop after epoch 3 (patience 2).
        var callbacks = CallbacksSpec.Default with { EarlyStopping = new EarlyStoppingSpec("loss", MonitorMode.Max, 2, 0, RestoreBest: true) };
        var (result, trainer) = Train(TinyModels.Mlp(TinyModels.Adam(10, callbacks)), tmp.Path);
        Assert.Equal(TrainingStatus.EarlyStopped, result.Status);
        Assert.Equal(3, result.History.Count);
        Assert.Contains("restored the weights of epoch 1", result.Message);
        var afterOne = Train(TinyModels.Mlp(TinyModels.Adam(1)), one.Path).Trainer.Weights();
        Assert.Equal(afterOne, trainer.Weights());
        // The checkpoint holds the restored weights and says the run is over.
        var (state, tensors) = Checkpoint.Load(Path.Combine(tmp.Path, RunCheckpoints.Latest));
        Assert.True(state.Stopped);
        Assert.Equal(afterOne.AsSpan(0, 12 * 16).ToArray(), tensors["layers.0.weight"].Data);
    }

    [Fact]
    public void LimitAndValidationSplitFollowKeras()
    {
        using var tmp = RepoPaths.NewTemp();
        var plans = new List<TrainingPlan>();
        var graph = TinyModels.Mlp(TinyModels.Train(new SgdSpec(0.01, 0, false), epochs: 1, batch: 64, validationSplit: 0.25));
        new Trainer(NetForgeEngine.Factory, graph, TrainSet, TestSet, new TrainerOptions { RunDirectory = tmp.Path, Limit = 201, WriteResolvedSpec = false }, new RecordingObserver([], plans)).Run();
        var plan = Assert.Single(plans);
        Assert.Equal(150, plan.TrainSamples);        // floor(201 · 0.75)
        Assert.Equal(51, plan.ValidationSamples);
        Assert.False(plan.ValidationIsTestSet);
        Assert.Equal(3, plan.StepsPerEpoch);         // 64 + 64 + 22: the partial batch is kept
    }

    [Fact]
    public void LearningRateFollowsTheScheduleAndThePlateauCallback()
    {
        using var a = RepoPaths.NewTemp();
        using var b = RepoPaths.NewTemp();
        var scheduled = Train(TinyModels.Mlp(TinyModels.Train(new SgdSpec(0.1, 0, false), epochs: 3, schedule: new StepScheduleSpec(1, 0.5))), a.Path).Result;
        Assert.Equal([0.1, 0.05, 0.025], scheduled.History.Select(h => h.Lr));
        // Mode max on a falling loss never improves after epoch 1: patience 1 halves lr at the end of epochs 2 and 3 (the second clamped at min_lr 0.03).
        var plateau = CallbacksSpec.Default with { ReduceLrOnPlateau = new ReduceLrOnPlateauSpec("loss", MonitorMode.Max, 0.5, 1, 0, 0, 0.03) };
        var reduced = Train(TinyModels.Mlp(TinyModels.Train(new SgdSpec(0.1, 0, false), epochs: 4, callbacks: plateau)), b.Path).Result;
        Assert.Equal([0.1, 0.1, 0.05, 0.03], reduced.History.Select(h => Math.Round(h.Lr, 12)));
    }

    [Fact]
    public void TrainingStepsAllocateNothing()
    {
        using var tmp = RepoPaths.NewTemp();
        var observer = new AllocationObserver();
        var graph = TinyModels.Mlp(TinyModels.Train(new AdamSpec(0.01, 0.9, 0.999, 1e-7, true), epochs: 2, batch: 16, clipNorm: 1.0));
        new Trainer(NetForgeEngine.Factory, graph, TrainSet, TestSet, new TrainerOptions { RunDirectory = tmp.Path, ProgressInterval = TimeSpan.Zero, WriteResolvedSpec = false }, observer).Run();
        // Between two progress reports of the same epoch lie one gather, ZeroGrad, TrainStep, clip and optimizer step.
        Assert.True(observer.Steps > 60, $"only {observer.Steps} steps observed");
        Assert.Equal(0, observer.MaxBytesBetweenSteps);
    }

    private sealed class AllocationObserver : ITrainingObserver
    {
        private long _last = -1;
        private int _epoch;
        public int Steps { get; private set; }
        public long MaxBytesBetweenSteps { get; private set; }
        public void OnTrainBegin(TrainingPlan plan) { }
        public void OnBatch(BatchProgress progress)
        {
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (progress.Epoch == _epoch && _last >= 0 && progress.Step > 2) MaxBytesBetweenSteps = Math.Max(MaxBytesBetweenSteps, now - _last);
            (_epoch, _last) = (progress.Epoch, GC.GetAllocatedBytesForCurrentThread());
            Steps++;
        }
        public void OnEpochEnd(EpochRecord record, TrainingPlan plan) { }
        public void OnMessage(string message) { }
    }

    [Fact]
    public void CsvLoggerWritesItsFile()
    {
        using var tmp = RepoPaths.NewTemp();
        var callbacks = CallbacksSpec.Default with { CsvLogger = new CsvLoggerSpec("log.csv", Append: false) };
        Train(TinyModels.Mlp(TinyModels.Adam(2, callbacks)), tmp.Path);
        var lines = File.ReadAllLines(Path.Combine(tmp.Path, "log.csv"));
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("2,", lines[2]);
    }

    private sealed class RecordingObserver(List<string> messages, List<TrainingPlan>? plans = null) : ITrainingObserver
    {
        public void OnTrainBegin(TrainingPlan plan) => plans?.Add(plan);
        public void OnBatch(BatchProgress progress) { }
        public void OnEpochEnd(EpochRecord record, TrainingPlan plan) { }
        public void OnMessage(string message) => messages.Add(message);
    }
}

/// <summary>
/// Alone in the process (a non-parallel collection): the allocation counter is process-wide, so other tests running at
/// the same time would be counted too.
/// </summary>
[CollectionDefinition(nameof(TrainerMemoryTests), DisableParallelization = true)]
public sealed class TrainerMemoryCollection;

[Collection(nameof(TrainerMemoryTests))]
public class TrainerMemoryTests
{
    [Fact]
    public void After_the_warm_up_epoch_a_step_allocates_nothing_and_the_gc_never_pauses_training()
    {
        using var tmp = RepoPaths.NewTemp();
        var trainer = new Trainer(NetForgeEngine.Factory, TinyModels.Mlp(TinyModels.Adam(epochs: 4)), TinyModels.Data(600, seed: 1), TinyModels.Data(200, seed: 2),
            new TrainerOptions { RunDirectory = tmp.Path, Threads = 2, WriteResolvedSpec = false });
        Assert.Equal(TrainingStatus.Completed, trainer.Run().Status);
        var metrics = RunFiles.ReadMetrics(tmp.Path);
        // metrics.json records both for the benchmark; a few bytes per epoch come from the stopwatch and the observer.
        Assert.InRange(metrics.AllocatedBytesPerStep, 0, 64);
        Assert.InRange(metrics.GcPauseFraction, 0, 0.01);
    }
}
