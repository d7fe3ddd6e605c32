namespace NetForge.Spec.Graph;

public enum LossKind
{
    /// <summary>Cross-entropy on a softmax output; labels are class indices (no one-hot copies).</summary>
    CategoricalCrossentropy,
}

/// <summary>Optimizer with every hyper-parameter resolved (dialect defaults filled in).</summary>
public abstract record OptimizerSpec(double LearningRate)
{
    /// <summary>The spec keyword: <c>sgd</c>, <c>adam</c>, ...</summary>
    public abstract string Type { get; }
}

public sealed record SgdSpec(double LearningRate, double Momentum, bool Nesterov) : OptimizerSpec(LearningRate)
{
    public override string Type => "sgd";
}

public sealed record RmsPropSpec(double LearningRate, double Rho, double Momentum, double Epsilon, bool Centered) : OptimizerSpec(LearningRate)
{
    public override string Type => "rmsprop";
}

public sealed record AdamSpec(double LearningRate, double Beta1, double Beta2, double Epsilon, bool Amsgrad) : OptimizerSpec(LearningRate)
{
    public override string Type => "adam";
}

/// <summary>Adam with decoupled weight decay: p -= lr·weight_decay·p before the Adam update.</summary>
public sealed record AdamWSpec(double LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay, bool Amsgrad) : OptimizerSpec(LearningRate)
{
    public override string Type => "adamw";
}

public sealed record AdadeltaSpec(double LearningRate, double Rho, double Epsilon) : OptimizerSpec(LearningRate)
{
    public override string Type => "adadelta";
}

public sealed record AdagradSpec(double LearningRate, double InitialAccumulatorValue, double Epsilon) : OptimizerSpec(LearningRate)
{
    public override string Type => "adagrad";
}

/// <summary>Learning-rate schedules, evaluated once at the start of each epoch (epochs counted from 0).</summary>
public abstract record ScheduleSpec
{
    public abstract string Type { get; }
}

/// <summary>lr = lr0 · gamma^floor(epoch / step_size).</summary>
public sealed record StepScheduleSpec(int StepSize, double Gamma) : ScheduleSpec
{
    public override string Type => "step";
}

/// <summary>lr = lr0 · gamma^epoch.</summary>
public sealed record ExponentialScheduleSpec(double Gamma) : ScheduleSpec
{
    public override string Type => "exponential";
}

/// <summary>lr = min_lr + (lr0 − min_lr)·(1 + cos(π·min(epoch, t_max)/t_max))/2.</summary>
public sealed record CosineScheduleSpec(int TMax, double MinLr) : ScheduleSpec
{
    public override string Type => "cosine";
}

/// <summary>Which metric a callback watches and whether smaller is better.</summary>
public enum MonitorMode
{
    Min,
    Max,
}

public sealed record EarlyStoppingSpec(string Monitor, MonitorMode Mode, int Patience, double MinDelta, bool RestoreBest);

public sealed record ReduceLrOnPlateauSpec(string Monitor, MonitorMode Mode, double Factor, int Patience, double MinDelta, int Cooldown, double MinLr);

public sealed record CsvLoggerSpec(string FileName, bool Append);

public sealed record CallbacksSpec(
    EarlyStoppingSpec? EarlyStopping,
    ReduceLrOnPlateauSpec? ReduceLrOnPlateau,
    bool TerminateOnNan,
    CsvLoggerSpec? CsvLogger)
{
    public static readonly CallbacksSpec Default = new(null, null, true, null);
}

/// <summary>The <c>train:</c> block with every default filled in.</summary>
public sealed record TrainSpec(
    string Dataset,
    LossKind Loss,
    OptimizerSpec Optimizer,
    int BatchSize,
    int Epochs,
    double ValidationSplit,
    int Seed,
    IReadOnlyList<string> Metrics,
    ScheduleSpec? Schedule,
    CallbacksSpec Callbacks,
    double? ClipNorm);
