namespace NetForge.Runtime;

/// <summary>ONNX Runtime graph optimization levels (<c>GraphOptimizationLevel</c>).</summary>
public enum OptimizationLevel
{
    /// <summary>No graph optimizations.</summary>
    Disabled = 0,

    /// <summary>Constant folding and redundant-node elimination.</summary>
    Basic = 1,

    /// <summary>Basic plus node fusions.</summary>
    Extended = 2,

    /// <summary>Everything ORT has (its default).</summary>
    All = 99,
}

/// <summary>Options for creating an <see cref="InferenceSession"/>.</summary>
public sealed record SessionOptions
{
    private readonly int intraOpThreads;

    /// <summary>
    /// Threads used inside one operator; 0 (the default) lets ORT choose (one per physical core).
    /// Validated here because ORT itself silently accepts negative values.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int IntraOpThreads
    {
        get => intraOpThreads;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(IntraOpThreads));
            intraOpThreads = value;
        }
    }

    /// <summary>Graph optimization level; default <see cref="OptimizationLevel.All"/>.</summary>
    public OptimizationLevel OptimizationLevel { get; init; } = OptimizationLevel.All;
}
