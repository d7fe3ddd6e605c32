using BenchmarkDotNet.Attributes;
using NetForge.Engine.Kernels;

namespace NetForge.Bench;

/// <summary>SGEMM through <see cref="Gemm.Multiply"/> at every <see cref="GemmCase"/> on 1 and 2 threads.</summary>
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    /// <summary>Which shape cases to run; <see cref="Program"/> narrows it for quick runs.</summary>
    public static IReadOnlyList<GemmCase> Cases { get; set; } = GemmCase.All;

    /// <summary>The shape.</summary>
    [ParamsSource(nameof(CaseValues))]
    public GemmCase Case { get; set; } = GemmCase.All[0];

    /// <summary>Threads given to <see cref="Gemm.Multiply"/>.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>BenchmarkDotNet's source for <see cref="Case"/>.</summary>
    public static IEnumerable<GemmCase> CaseValues() => Cases;

    /// <summary>
    /// FMA peak (FLOP/s) measured in each case's setup on the case's thread count, keyed by (case, threads): the CPU is
    /// shared, so each row is compared with a probe taken moments before it. Filled in-process only.
    /// </summary>
    public static Dictionary<(GemmCase Case, int Threads), double> PeakAtSetup { get; } = [];

    /// <summary>Random inputs in [−1, 1), then the adjacent peak probe.</summary>
    [GlobalSetup]
    public void Setup()
    {
        PeakAtSetup[(Case, Threads)] = FmaPeak.Measure(Threads);
        var rng = new Random(42);
        _a = Enumerable.Range(0, Case.M * Case.K).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        _b = Enumerable.Range(0, Case.K * Case.N).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        _c = new float[Case.M * Case.N];
    }

    /// <summary>One call, C overwritten.</summary>
    [Benchmark]
    public void Multiply() =>
        Gemm.Multiply(_c, _a, _b, Case.M, Case.N, Case.K, Case.TransA, Case.TransB, accumulate: false, Threads);
}

/// <summary>The FMA peak probe (<see cref="FmaPeak"/>) on 1 and 2 threads.</summary>
public class PeakBenchmarks
{
    /// <summary>Threads running the probe, one chain set each.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>One probe run.</summary>
    [Benchmark]
    public float Fma() => FmaPeak.Run(Threads);
}
