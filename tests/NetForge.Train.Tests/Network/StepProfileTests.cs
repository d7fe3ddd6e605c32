using System.Diagnostics;
using NetForge.Spec;
using NetForge.Engine.Optimizers;
using NetForge.Train.Tests.Training;
using Xunit.Abstractions;

namespace NetForge.Train.Tests.Networks;

/// <summary>
/// Whole training steps (ZeroGrad, TrainStep, optimizer) of a seed spec, steady state: best and median of 15 windows
/// of steps, wall clock and process CPU time (docs/performance.md). A measurement, not a check: runs only with
/// NETFORGE_PROFILE=1; NETFORGE_PROFILE_THREADS (default 2).
/// </summary>
public class StepProfileTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("mlp", 20)]
    [InlineData("cnn", 3)]
    public void SteadyStateStep(string spec, int stepsPerWindow)
    {
        if (Environment.GetEnvironmentVariable("NETFORGE_PROFILE") != "1") return;
        int threads = int.TryParse(Environment.GetEnvironmentVariable("NETFORGE_PROFILE_THREADS"), out int t) ? t : 2;
        if (int.TryParse(Environment.GetEnvironmentVariable("NETFORGE_PROFILE_SPIN_US"), out int spin)) global::NetForge.Engine.Kernels.Parallel.WorkerPool.SpinMicroseconds = spin;
        var graph = SpecCompiler.Load(Path.Combine(RepoPaths.Root, "specs", spec + ".yaml"));
        int batch = graph.Train.BatchSize;
        var net = new Engine.Network(graph, batch, threads);
        net.Parameters.Initialize(7);
        var optimizer = Optimizer.Create(graph.Train.Optimizer, net.Parameters);
        var rng = new System.Random(1);
        var x = new float[batch * net.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(4) == 0 ? rng.Next(256) : 0;
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.Next(10);
        void Step(int s)
        {
            net.Parameters.ZeroGrad();
            net.TrainStep(x, labels, batch, (ulong)s);
            optimizer.Step(0.001f);
        }
        for (int s = 0; s < 3 * stepsPerWindow; s++) Step(s);
        var wall = new List<double>();
        var cpu = new List<double>();
        var proc = Process.GetCurrentProcess();
        for (int w = 0; w < 15; w++)
        {
            proc.Refresh();
            TimeSpan c0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            for (int s = 0; s < stepsPerWindow; s++) Step(s);
            double ms = sw.Elapsed.TotalMilliseconds / stepsPerWindow;
            proc.Refresh();
            wall.Add(ms);
            cpu.Add((proc.TotalProcessorTime - c0).TotalMilliseconds / stepsPerWindow);
        }
        wall.Sort();
        cpu.Sort();
        // Phases (best of 15 windows): zero, forward+backward (with the per-layer hook), optimizer.
        var phase = new double[3];
        var layerTicks = new double[2 * net.Layers.Count];
        Array.Fill(phase, double.MaxValue);
        for (int w = 0; w < 15; w++)
        {
            var sums = new double[3];
            var lt = new double[layerTicks.Length];
            net.Profile = (layer, backward, ticks) => lt[2 * layer + (backward ? 1 : 0)] += ticks;
            for (int s = 0; s < stepsPerWindow; s++)
            {
                long t0 = Stopwatch.GetTimestamp();
                net.Parameters.ZeroGrad();
                long t1 = Stopwatch.GetTimestamp();
                net.TrainStep(x, labels, batch, (ulong)s);
                long t2 = Stopwatch.GetTimestamp();
                optimizer.Step(0.001f);
                long t3 = Stopwatch.GetTimestamp();
                sums[0] += t1 - t0; sums[1] += t2 - t1; sums[2] += t3 - t2;
            }
            net.Profile = null;
            if (sums[1] < phase[1]) Array.Copy(lt, layerTicks, lt.Length);
            for (int i = 0; i < 3; i++) phase[i] = Math.Min(phase[i], sums[i]);
        }
        double us = 1e6 / Stopwatch.Frequency / stepsPerWindow;
        output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"  zero {phase[0] * us:F1} us, train step {phase[1] * us:F1} us, optimizer {phase[2] * us:F1} us"));
        for (int i = 0; i < net.Layers.Count; i++)
            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"    {i,2} {net.Layers[i].Node.Type,-10} fwd {layerTicks[2 * i] * us,8:F1} us  bwd {layerTicks[2 * i + 1] * us,8:F1} us"));
        output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{spec} batch {batch} threads {threads}: wall best {wall[0]:F3} median {wall[7]:F3} ms/step ({batch / wall[0] * 1000:F0} samples/s best); process CPU best {cpu[0]:F3} median {cpu[7]:F3} ms/step"));
    }
}
