using System.Diagnostics;
using BenchmarkDotNet.Configs;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NetForge.Bench;
using NetForge.Engine.Kernels;

// Usage: dotnet run -c Release --project bench/NetForge.Bench -- gemm [--quick] [--all-shapes] [--threshold]
//        dotnet run -c Release --project bench/NetForge.Bench -- infer [--threads N] [--iterations N] [spec.yaml...]
//   gemm              BenchmarkDotNet (in-process, short job) over every shape, 1 and 2 threads, then a GFLOP/s table
//   gemm --quick      a Stopwatch loop over a few shapes (add --all-shapes for all): seconds instead of minutes
//   gemm --threshold  1 vs 2 threads on growing cubes, to place Gemm's single-thread threshold (m·n·k)
//   infer             batch-1 inference latency: NetForge's engine vs ONNX Runtime on the exported model, per seed spec
//   conv              per-layer forward/backward ms of the CNN specs' conv layers in training steps (beside bench/peer/conv_layers.py)
if (args.Length > 0 && args[0] == "infer") return InferenceLatency.Run(args[1..]);
if (args.Length > 0 && args[0] == "conv") return ConvLayers.Run(args[1..]);
if (args.Length == 0 || args[0] != "gemm")
{
    Console.Error.WriteLine("usage: NetForge.Bench gemm [--quick] [--all-shapes] [--threshold] | infer [--threads N] [--iterations N] [spec.yaml...] | conv [--threads N] [--steps N] [cnn] [cnn_keras]");
    return 2;
}
if (args.Contains("--threshold"))
{
    // Multiply runs on one thread below the threshold: lower it to 0 to time both everywhere.
    long saved = Gemm.ParallelThreshold;
    Gemm.ParallelThreshold = 0;
    Console.WriteLine("| m=n=k | m·n·k | 1 thread µs | 2 threads µs | speed-up |");
    Console.WriteLine("|---:|---:|---:|---:|---:|");
    foreach (int size in (int[])[48, 64, 80, 96, 128, 160, 192, 256, 320])
    {
        var bench = new GemmBenchmarks { Case = new GemmCase("cube", size, size, size, false, false) };
        bench.Setup();
        bench.Threads = 1;
        double one = BestSeconds(bench.Multiply, bench.Case.Flops);
        bench.Threads = 2;
        double two = BestSeconds(bench.Multiply, bench.Case.Flops);
        Console.WriteLine($"| {size} | {(long)size * size * size} | {one * 1e6:F1} | {two * 1e6:F1} | {one / two:F2} |");
    }
    Gemm.ParallelThreshold = saved;
    Console.WriteLine($"current threshold: {saved} multiply-adds");
    return 0;
}
bool quick = args.Contains("--quick");
bool allShapes = args.Contains("--all-shapes");
IReadOnlyList<GemmCase> cases = quick && !allShapes ? GemmCase.Quick : GemmCase.All;
int[] threadCounts = [1, 2];

var rows = new List<(GemmCase Case, int Threads, double Seconds)>();
var peakAtStart = new Dictionary<int, double>();
if (quick)
{
    foreach (GemmCase gemmCase in cases)
    {
        foreach (int t in threadCounts)
        {
            var bench = new GemmBenchmarks { Case = gemmCase, Threads = t };
            bench.Setup();
            rows.Add((gemmCase, t, BestSeconds(bench.Multiply, gemmCase.Flops)));
        }
    }
}
else
{
    GemmBenchmarks.Cases = cases;
    IConfig config = DefaultConfig.Instance
        .AddJob(Job.ShortRun
            .WithIterationTime(TimeInterval.FromMilliseconds(100))
            .WithIterationCount(9)
            .WithToolchain(InProcessEmitToolchain.Instance))
        .WithOptions(ConfigOptions.DisableOptimizationsValidator)
        .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
    Summary peakSummary = BenchmarkRunner.Run<PeakBenchmarks>(config);
    Summary gemmSummary = BenchmarkRunner.Run<GemmBenchmarks>(config);
    foreach (BenchmarkReport report in peakSummary.Reports)
    {
        if (report.ResultStatistics is null) continue;
        int t = (int)report.BenchmarkCase.Parameters["Threads"];
        peakAtStart[t] = FmaPeak.Flops(t) / (report.ResultStatistics.Median * 1e-9);
    }
    foreach (BenchmarkReport report in gemmSummary.Reports)
    {
        if (report.ResultStatistics is null) continue;
        var gemmCase = (GemmCase)report.BenchmarkCase.Parameters["Case"];
        int t = (int)report.BenchmarkCase.Parameters["Threads"];
        rows.Add((gemmCase, t, report.ResultStatistics.Median * 1e-9));
    }
}

Console.WriteLine();
Console.WriteLine($"SGEMM ({(quick ? "quick, Stopwatch best-of" : "BenchmarkDotNet median")}); {(FmaPeak.Lanes == 16 ? "AVX-512" : "AVX2")} machine; shapes m×k×n");
foreach (int t in threadCounts)
{
    double best = GemmBenchmarks.PeakAtSetup.Where(p => p.Key.Threads == t).Select(p => p.Value).DefaultIfEmpty(0).Max();
    Console.WriteLine($"FMA peak, {t} thread(s): best probe {best / 1e9:F1} GFLOP/s" +
        (peakAtStart.TryGetValue(t, out double s) ? $", BenchmarkDotNet probe {s / 1e9:F1} GFLOP/s" : ""));
}
Console.WriteLine("% of peak: against the probe taken in the same row's setup (the CPU is shared; load drifts).");
Console.WriteLine();
Console.WriteLine("| case | op | m×k×n | threads | µs | GFLOP/s | % of peak (row's probe) |");
Console.WriteLine("|---|---|---|---:|---:|---:|---:|");
foreach (var (gemmCase, t, seconds) in rows.OrderBy(r => cases.ToList().IndexOf(r.Case)).ThenBy(r => r.Threads))
{
    double gflops = gemmCase.Flops / seconds / 1e9;
    double percent = GemmBenchmarks.PeakAtSetup.TryGetValue((gemmCase, t), out double p) && p > 0 ? 100 * gflops * 1e9 / p : double.NaN;
    Console.WriteLine($"| {gemmCase.Name} | {gemmCase.Trans} | {gemmCase.M}×{gemmCase.K}×{gemmCase.N} | {t} | {seconds * 1e6:F1} | {gflops:F1} | {percent:F0} % |");
}
return 0;

// Best time of several batches of calls, each batch long enough (~20 ms) to swamp the timer.
static double BestSeconds(Action call, double flopsPerCall)
{
    call();
    int reps = (int)Math.Clamp(2e9 / flopsPerCall, 1, 100_000);
    double best = double.MaxValue;
    for (int batch = 0; batch < 7; batch++)
    {
        long start = Stopwatch.GetTimestamp();
        for (int r = 0; r < reps; r++) call();
        best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / reps);
    }
    return best;
}
