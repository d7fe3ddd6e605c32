using Microsoft.ML.OnnxRuntime;

namespace NetForge.Runtime;

/// <summary>
/// How <see cref="NetForgeModel"/> creates its ONNX Runtime session. The defaults suit an app that classifies now and
/// then: ORT's thread count (one per physical core), every graph optimisation, and intra-op spinning off, so ORT's
/// workers sleep between calls instead of keeping a core busy.
/// </summary>
public sealed record NetForgeModelOptions
{
    private readonly int intraOpThreads;

    /// <summary>
    /// Threads inside one operator; 0 (the default) lets ORT choose, one per physical core. Validated here because ORT
    /// itself accepts negative values silently.
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

    /// <summary>
    /// Whether ORT's intra-op workers spin (busy-wait) for work after each call (<c>session.intra_op.allow_spinning</c>).
    /// Off by default: spinning shaves microseconds off back-to-back calls but keeps a core busy after every call.
    /// Turn it on for a tight loop of calls (benchmarks, batch scoring).
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Graph optimisation level; default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>Called last on the session options, for any other ORT setting (execution providers, profiling, ...).</summary>
    public Action<SessionOptions>? Configure { get; init; }

    internal SessionOptions Create()
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = IntraOpThreads,
            GraphOptimizationLevel = OptimizationLevel,
            // Every problem reaches the caller as an exception; ORT would also print it to stderr.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        try
        {
            string spin = AllowSpinning ? "1" : "0";
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", spin);
            options.AddSessionConfigEntry("session.inter_op.allow_spinning", spin);
            Configure?.Invoke(options);
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
