using NetForge.Spec.Graph;
using NetForge.Train.Checkpoints;

namespace NetForge.Train.Training;

/// <summary>
/// Keras 2 <c>EarlyStopping</c> (no baseline): an improvement is current + min_delta &lt; best (mode min)
/// or current − min_delta &gt; best (mode max); each epoch wait += 1, reset to 0 on improvement; stop when
/// wait ≥ patience (never after the first epoch). With restore_best the best weights are kept and put
/// back when the run is stopped — not when it simply runs out of epochs, as in Keras 2.
/// </summary>
public sealed class EarlyStopping
{
    private readonly EarlyStoppingSpec _spec;

    public EarlyStopping(EarlyStoppingSpec spec, EarlyStoppingState? state = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        State = state ?? new EarlyStoppingState(spec.Mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity, 0, 0, false);
    }

    public EarlyStoppingState State { get; private set; }

    public string Monitor => _spec.Monitor;

    public bool RestoreBest => _spec.RestoreBest;

    /// <summary>Feeds epoch <paramref name="epoch"/>'s (1-based) value; returns (improved, stop).</summary>
    public (bool Improved, bool Stop) OnEpochEnd(int epoch, double current)
    {
        var (best, wait, bestEpoch, hasBest) = State;
        wait++;
        bool improved = _spec.Mode == MonitorMode.Min
            ? current + _spec.MinDelta < best
            : current - _spec.MinDelta > best;
        if (improved)
        {
            best = current;
            bestEpoch = epoch;
            wait = 0;
            hasBest = _spec.RestoreBest;
        }
        State = new EarlyStoppingState(best, wait, bestEpoch, hasBest);
        return (improved, wait >= _spec.Patience && epoch > 1);
    }
}
