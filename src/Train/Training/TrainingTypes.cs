namespace NetForge.Train.Training;

/// <summary>How to run training; the model and its hyper-parameters come from the graph (CLI overrides applied).</summary>
public sealed record TrainerOptions
{
    /// <summary>The run folder (<c>runs/&lt;name&gt;</c> or <c>--out</c>); created when missing.</summary>
    public required string RunDirectory { get; init; }
    /// <summary>Worker threads of the engine, 1..64; results are bit-identical for any value.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Use only the first N training samples (<c>--limit</c>), before the validation split.</summary>
    public int? Limit { get; init; }
    /// <summary>Continue from the run folder's last good checkpoint instead of starting afresh.</summary>
    public bool Resume { get; init; }
    /// <summary>Least time between two <see cref="ITrainingObserver.OnBatch"/> calls (the last batch of an epoch is always reported).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Memory the up-front size check compares against (default: <see cref="GC.GetGCMemoryInfo()"/>'s TotalAvailableMemoryBytes).</summary>
    public long? AvailableMemoryBytes { get; init; }
    /// <summary>With <see cref="Resume"/>: the checkpoint already loaded by the caller (so it is read and verified once), else the trainer loads it.</summary>
    public Checkpoints.LoadedCheckpoint? ResumeFrom { get; init; }
    /// <summary>How many of the most confidently misclassified test samples the result's <see cref="TrainingResult.Test"/> keeps (for the report).</summary>
    public int TestMistakes { get; init; } = 24;
    /// <summary>Write <c>spec.resolved.yaml</c> with the spec compiler (off for hand-built graphs in tests).</summary>
    public bool WriteResolvedSpec { get; init; } = true;
}

/// <summary>What the trainer reports while it runs; the CLI renders it (Spectre.Console or plain lines). Called on the training thread.</summary>
public interface ITrainingObserver
{
    void OnTrainBegin(TrainingPlan plan);
    /// <summary>Throttled to <see cref="TrainerOptions.ProgressInterval"/>.</summary>
    void OnBatch(BatchProgress progress);
    void OnEpochEnd(EpochRecord record, TrainingPlan plan);
    /// <summary>Notes from callbacks and resume ("reducing learning rate to ...", "early stopping ...").</summary>
    void OnMessage(string message);
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullTrainingObserver : ITrainingObserver
{
    public static readonly NullTrainingObserver Instance = new();
    public void OnTrainBegin(TrainingPlan plan) { }
    public void OnBatch(BatchProgress progress) { }
    public void OnEpochEnd(EpochRecord record, TrainingPlan plan) { }
    public void OnMessage(string message) { }
}

/// <summary>The shape of the run: epochs are 1-based in reports; <see cref="FirstEpoch"/> &gt; 1 after a resume.</summary>
public sealed record TrainingPlan(
    int FirstEpoch, int Epochs, int StepsPerEpoch, int BatchSize, int TrainSamples, int ValidationSamples,
    bool ValidationIsTestSet, long ParameterCount, int Threads, string RunDirectory);

/// <summary>Running figures of the current epoch.</summary>
public readonly record struct BatchProgress(
    int Epoch, int Epochs, int Step, int Steps, double Loss, double Accuracy, double SamplesPerSecond, TimeSpan Eta);

/// <summary>One row of the history (epoch is 1-based, like Keras's display).</summary>
public sealed record EpochRecord(
    int Epoch, double Loss, double Accuracy, double ValLoss, double ValAccuracy, double Lr, double Seconds, double SamplesPerSecond);

public enum TrainingStatus
{
    /// <summary>Every epoch ran.</summary>
    Completed,
    /// <summary>Early stopping ended the run.</summary>
    EarlyStopped,
    /// <summary>The loss became NaN/Inf and terminate_on_nan stopped the run; the last good checkpoint was kept.</summary>
    NonFiniteLoss,
    /// <summary>The loss was finite but a gradient or an updated weight became NaN/Inf (terminate_on_nan); the message names the parameter; the last good checkpoint was kept.</summary>
    NonFiniteGradient,
}

/// <summary>The outcome: status, history, test metrics and evaluation (absent after a NaN stop).</summary>
public sealed record TrainingResult(
    TrainingStatus Status, string? Message, IReadOnlyList<EpochRecord> History,
    double? TestLoss, double? TestAccuracy, double SamplesPerSecond, string RunDirectory)
{
    /// <summary>The final weights' test-set evaluation: confusion matrix and most confident mistakes (null after a NaN stop).</summary>
    public EvaluationResult? Test { get; init; }
}

/// <summary>A run cannot start or continue (folder locked, nothing to resume, spec changed...); the message says why.</summary>
public sealed class TrainingException(string message) : Exception(message);
