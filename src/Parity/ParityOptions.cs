namespace NetForge.Parity;

/// <summary>How a parity check runs and what it accepts.</summary>
public sealed record ParityOptions
{
    /// <summary>The default acceptance threshold on probabilities: max |engine − ORT| ≤ 1e-5.</summary>
    public const double DefaultProbabilityTolerance = 1e-5;

    /// <summary>Batch sizes ONNX Runtime is run at; each must reproduce the engine's answers.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 2, 1000];

    /// <summary>Acceptance threshold on the max absolute difference of probabilities.</summary>
    public double ProbabilityTolerance { get; init; } = DefaultProbabilityTolerance;

    /// <summary>ORT intra-op threads (0 = ORT's default).</summary>
    public int OrtThreads { get; init; } = 1;

    /// <summary>Engine threads.</summary>
    public int EngineThreads { get; init; } = Math.Max(1, Environment.ProcessorCount);
}
