using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetForge.Engine.Kernels.Parallel;

namespace NetForge.Bench;

/// <summary>
/// The machine's FMA throughput ceiling: 16 independent chains of packed FMAs (enough to cover the FMA latency on
/// every pipe), no memory traffic, on Vector512 when accelerated, else Vector256. The denominator of "% of peak".
/// </summary>
public static class FmaPeak
{
    /// <summary>Loop trips per chain in one <see cref="Run"/> call per thread.</summary>
    public const int Iterations = 1 << 20;

    private const int Chains = 16;

    private static readonly float[] Sink = new float[WorkerPool.MaxThreads];

    /// <summary>Floating-point operations of one <see cref="Run"/> call on <paramref name="threads"/> threads.</summary>
    public static double Flops(int threads) => 2.0 * Chains * Lanes * Iterations * threads;

    /// <summary>Floats per vector of the probe.</summary>
    public static int Lanes => Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? 16 : 8;

    /// <summary>Runs the probe on <paramref name="threads"/> threads through the <see cref="WorkerPool"/>; returns a checksum.</summary>
    public static float Run(int threads)
    {
        WorkerPool.For(threads, threads, default(Body));
        return Sink[0];
    }

    /// <summary>Best FLOP/s of five probe runs on <paramref name="threads"/> threads (a Stopwatch measurement).</summary>
    public static double Measure(int threads)
    {
        Run(threads);
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            Run(threads);
            best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return Flops(threads) / best;
    }

    private readonly struct Body : IParallelBody
    {
        public void Invoke(int start, int end)
        {
            for (int t = start; t < end; t++) Sink[t] = Lanes == 16 ? Chains512() : Chains256();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains512()
    {
        // x ← x·s + d converges to d/(1−s): no overflow, no denormals, nothing the JIT can fold.
        Vector512<float> s = Vector512.Create(0.999f), d = Vector512.Create(1e-3f);
        Vector512<float> x0 = Vector512.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
        Vector512<float> x8 = x0, x9 = x0, x10 = x0, x11 = x0, x12 = x0, x13 = x0, x14 = x0, x15 = x0;
        for (int i = 0; i < Iterations; i++)
        {
            x0 = Avx512F.FusedMultiplyAdd(x0, s, d); x1 = Avx512F.FusedMultiplyAdd(x1, s, d);
            x2 = Avx512F.FusedMultiplyAdd(x2, s, d); x3 = Avx512F.FusedMultiplyAdd(x3, s, d);
            x4 = Avx512F.FusedMultiplyAdd(x4, s, d); x5 = Avx512F.FusedMultiplyAdd(x5, s, d);
            x6 = Avx512F.FusedMultiplyAdd(x6, s, d); x7 = Avx512F.FusedMultiplyAdd(x7, s, d);
            x8 = Avx512F.FusedMultiplyAdd(x8, s, d); x9 = Avx512F.FusedMultiplyAdd(x9, s, d);
            x10 = Avx512F.FusedMultiplyAdd(x10, s, d); x11 = Avx512F.FusedMultiplyAdd(x11, s, d);
            x12 = Avx512F.FusedMultiplyAdd(x12, s, d); x13 = Avx512F.FusedMultiplyAdd(x13, s, d);
            x14 = Avx512F.FusedMultiplyAdd(x14, s, d); x15 = Avx512F.FusedMultiplyAdd(x15, s, d);
        }
        Vector512<float> sum = x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + x12 + x13 + x14 + x15;
        return Vector512.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains256()
    {
        Vector256<float> s = Vector256.Create(0.999f), d = Vector256.Create(1e-3f);
        Vector256<float> x0 = Vector256.Create(1f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
        Vector256<float> x8 = x0, x9 = x0, x10 = x0, x11 = x0, x12 = x0, x13 = x0, x14 = x0, x15 = x0;
        for (int i = 0; i < Iterations; i++)
        {
            x0 = Vector256.FusedMultiplyAdd(x0, s, d); x1 = Vector256.FusedMultiplyAdd(x1, s, d);
            x2 = Vector256.FusedMultiplyAdd(x2, s, d); x3 = Vector256.FusedMultiplyAdd(x3, s, d);
            x4 = Vector256.FusedMultiplyAdd(x4, s, d); x5 = Vector256.FusedMultiplyAdd(x5, s, d);
            x6 = Vector256.FusedMultiplyAdd(x6, s, d); x7 = Vector256.FusedMultiplyAdd(x7, s, d);
            x8 = Vector256.FusedMultiplyAdd(x8, s, d); x9 = Vector256.FusedMultiplyAdd(x9, s, d);
            x10 = Vector256.FusedMultiplyAdd(x10, s, d); x11 = Vector256.FusedMultiplyAdd(x11, s, d);
            x12 = Vector256.FusedMultiplyAdd(x12, s, d); x13 = Vector256.FusedMultiplyAdd(x13, s, d);
            x14 = Vector256.FusedMultiplyAdd(x14, s, d); x15 = Vector256.FusedMultiplyAdd(x15, s, d);
        }
        Vector256<float> sum = x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11 + x12 + x13 + x14 + x15;
        return Vector256.Sum(sum);
    }
}
