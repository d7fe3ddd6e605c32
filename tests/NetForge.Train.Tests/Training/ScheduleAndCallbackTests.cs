using NetForge.Spec.Graph;
using NetForge.Train.Schedules;
using NetForge.Train.Training;

namespace NetForge.Train.Tests.Training;

public class ScheduleAndCallbackTests
{
    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(2, 0.1)]
    [InlineData(3, 0.05)]
    [InlineData(7, 0.025)]
    public void StepSchedule(int epoch, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.At(new StepScheduleSpec(3, 0.5), 0.1, epoch), 12);

    [Fact]
    public void ExponentialAndCosineSchedules()
    {
        Assert.Equal(0.1 * 0.9 * 0.9, LearningRateSchedule.At(new ExponentialScheduleSpec(0.9), 0.1, 2), 12);
        var cosine = new CosineScheduleSpec(TMax: 10, MinLr: 0.001);
        Assert.Equal(0.1, LearningRateSchedule.At(cosine, 0.1, 0), 12);
        Assert.Equal(0.001 + 0.099 / 2, LearningRateSchedule.At(cosine, 0.1, 5), 12);   // halfway
        Assert.Equal(0.001, LearningRateSchedule.At(cosine, 0.1, 10), 12);
        Assert.Equal(0.001, LearningRateSchedule.At(cosine, 0.1, 25), 12);              // stays at min_lr
        Assert.Equal(0.3, LearningRateSchedule.At(null, 0.3, 4));
    }

    [Fact]
    public void ReduceLrOnPlateauFollowsKeras()
    {
        // patience 2, cooldown 1, factor 0.5, min_lr 0.02, min_delta 0.01 on val_loss (min).
        var plateau = new ReduceLrOnPlateau(new ReduceLrOnPlateauSpec("val_loss", MonitorMode.Min, 0.5, 2, 0.01, 1, 0.02));
        double lr = 0.1;
        var reductions = new List<int>();
        double[] losses = [1.0, 0.995, 0.99, 0.98, 0.98, 0.98, 0.98, 0.98, 0.98, 0.98, 0.98];
        for (int e = 0; e < losses.Length; e++)
        {
            if (plateau.OnEpochEnd(losses[e], lr) is double next) { lr = next; reductions.Add(e); }
        }
        // e0 improves; e1 (0.995 is not < 1.0 − 0.01) wait 1; e2 wait 2 → reduce to 0.05, cooldown 1;
        // e3 the cooldown ends (counter 1 → 0, wait 0) and 0.98 < 0.99 improves, best 0.98; e4 wait 1;
        // e5 wait 2 → 0.025, cooldown 1; e6 cooldown ends, and as in Keras the same epoch already counts:
        // wait 1; e7 wait 2 → 0.02 (clamped at min_lr); e9 would reduce but lr is at min_lr (float32 compare).
        Assert.Equal([2, 5, 7], reductions);
        Assert.Equal(0.02, lr, 12);
        Assert.Equal(0.2, plateau.State.Scale, 12);
    }

    [Fact]
    public void EarlyStoppingFollowsKeras()
    {
        var early = new EarlyStopping(new EarlyStoppingSpec("val_accuracy", MonitorMode.Max, Patience: 2, MinDelta: 0.01, RestoreBest: true));
        Assert.Equal((true, false), early.OnEpochEnd(1, 0.90));
        Assert.Equal((false, false), early.OnEpochEnd(2, 0.905));   // below min_delta
        Assert.Equal((true, false), early.OnEpochEnd(3, 0.92));
        Assert.Equal((false, false), early.OnEpochEnd(4, 0.92));
        Assert.Equal((false, true), early.OnEpochEnd(5, 0.80));
        Assert.Equal(3, early.State.BestEpoch);
        Assert.True(early.State.HasBestWeights);
    }

    [Fact]
    public void UnknownMonitorIsRejected() =>
        Assert.Contains("unknown monitor 'val_los'", Assert.Throws<TrainingException>(() => Trainer.MonitorValue("val_los", new EpochRecord(1, 0, 0, 0, 0, 0, 0, 0))).Message);
}
