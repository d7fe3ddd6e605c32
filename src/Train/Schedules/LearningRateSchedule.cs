using NetForge.Spec.Graph;

namespace NetForge.Train.Schedules;

/// <summary>Per-epoch learning rates of the spec's <c>schedule:</c> (epochs counted from 0, evaluated at epoch start).</summary>
public static class LearningRateSchedule
{
    /// <summary>The scheduled learning rate of <paramref name="epoch"/>; <paramref name="initial"/> when there is no schedule.</summary>
    public static double At(ScheduleSpec? schedule, double initial, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return schedule switch
        {
            null => initial,
            StepScheduleSpec s => initial * Math.Pow(s.Gamma, epoch / s.StepSize),
            ExponentialScheduleSpec s => initial * Math.Pow(s.Gamma, epoch),
            CosineScheduleSpec s => s.MinLr + (initial - s.MinLr) * (1 + Math.Cos(Math.PI * Math.Min(epoch, s.TMax) / s.TMax)) / 2,
            _ => throw new NotSupportedException($"schedule '{schedule.Type}' is not supported"),
        };
    }
}
