using System.Text.Json;
using System.Text.Json.Serialization;
using NetForge.Train.Schedules;

namespace NetForge.Train.Checkpoints;

/// <summary>Early stopping's memory between epochs (Keras 2 semantics); saved in checkpoints.</summary>
public sealed record EarlyStoppingState(double Best, int Wait, int BestEpoch, bool HasBestWeights);

/// <summary>
/// The training state stored as JSON in a checkpoint's <c>__metadata__</c>: with the tensors it is
/// everything a resumed run needs — randomness is a pure function of (seed, epoch, step).
/// </summary>
public sealed record CheckpointState
{
    /// <summary>Bumped when the layout changes incompatibly; loading rejects other versions.</summary>
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    /// <summary>Epochs fully trained (and validated) when the checkpoint was written.</summary>
    public required int EpochsCompleted { get; init; }
    /// <summary>Optimizer steps taken over the whole run.</summary>
    public required long GlobalStep { get; init; }
    /// <summary>The learning rate of the last completed epoch (after any plateau reduction).</summary>
    public required double LearningRate { get; init; }
    public required int Seed { get; init; }
    /// <summary>The <c>--limit</c> the run trains with (null: all samples); a resume must use the same.</summary>
    public int? Limit { get; init; }
    /// <summary>SHA-256 of the resolved spec with <c>epochs</c> normalised, so <c>--epochs</c> can change on resume.</summary>
    public required string SpecSha256 { get; init; }
    /// <summary>Optimizer keyword (<c>adam</c>, ...) and its state section names in tensor order.</summary>
    public required string Optimizer { get; init; }
    public IReadOnlyList<string> OptimizerState { get; init; } = [];
    public EarlyStoppingState? EarlyStopping { get; init; }
    public PlateauState? Plateau { get; init; }
    /// <summary>The engine that trained the run (<c>netforge</c>; checkpoints from before engines were recorded are NetForge's).</summary>
    public string Engine { get; init; } = "netforge";
    /// <summary>True once early stopping or NaN detection ended the run: resume then has nothing left to do.</summary>
    public bool Stopped { get; init; }

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
    };
}
