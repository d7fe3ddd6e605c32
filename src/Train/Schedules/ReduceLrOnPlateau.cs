using NetForge.Spec.Graph;

namespace NetForge.Train.Schedules;

/// <summary>Everything <see cref="ReduceLrOnPlateau"/> remembers between epochs; saved in checkpoints.</summary>
public sealed record PlateauState(double Best, int Wait, int CooldownCounter, double Scale);

/// <summary>
/// Keras 2 <c>ReduceLROnPlateau</c>: an improvement is current &lt; best − min_delta (mode min) or
/// current &gt; best + min_delta (mode max); during cooldown the wait counter stays 0; after
/// <c>patience</c> epochs without improvement lr becomes max(lr·factor, min_lr) and cooldown starts.
/// The reduction is kept as a <see cref="PlateauState.Scale"/> on top of the epoch's scheduled rate.
/// </summary>
public sealed class ReduceLrOnPlateau
{
    private readonly ReduceLrOnPlateauSpec _spec;

    public ReduceLrOnPlateau(ReduceLrOnPlateauSpec spec, PlateauState? state = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        State = state ?? new PlateauState(spec.Mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity, 0, 0, 1.0);
    }

    public PlateauState State { get; private set; }

    public string Monitor => _spec.Monitor;

    /// <summary>Feeds the epoch's monitored value; returns the new learning rate when it was reduced, else null.</summary>
    public double? OnEpochEnd(double current, double learningRate)
    {
        var (best, wait, cooldown, scale) = State;
        bool inCooldown = cooldown > 0;
        if (inCooldown)
        {
            cooldown--;
            wait = 0;
        }
        double? reduced = null;
        bool improved = _spec.Mode == MonitorMode.Min ? current < best - _spec.MinDelta : current > best + _spec.MinDelta;
        if (improved)
        {
            best = current;
            wait = 0;
        }
        else if (cooldown <= 0)
        {
            wait++;
            if (wait >= _spec.Patience && (float)learningRate > (float)_spec.MinLr)   // Keras compares in float32
            {
                double newLr = Math.Max(learningRate * _spec.Factor, _spec.MinLr);
                scale *= newLr / learningRate;
                reduced = newLr;
                cooldown = _spec.Cooldown;
                wait = 0;
            }
        }
        State = new PlateauState(best, wait, cooldown, scale);
        return reduced;
    }
}
