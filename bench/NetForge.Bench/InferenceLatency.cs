using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetForge.Export;
using NetForge.Runtime;
using NetForge.Spec;
using NetForge.Engine;
using NetForge.Train.Initializers;

namespace NetForge.Bench;

/// <summary>
/// <c>NetForge.Bench infer [--threads N] [--iterations N] [--batch N] [spec.yaml...]</c>: inference latency of each seed
/// spec, same weights (glorot init from the spec's seed), same random 0–255 input, same thread count, through
/// <list type="bullet">
/// <item>NetForge's own engine (<see cref="Network.Predict"/>, batch 1 only: its buffers are sized for one batch);</item>
/// <item><see cref="NetForgeModel.Predict(ReadOnlySpan{float}, int, Span{float})"/> into caller-owned buffers;</item>
/// <item>raw ONNX Runtime on the same session, the fastest way its API offers: OrtValues over pinned buffers bound once
/// (<see cref="OrtIoBinding"/>), then <see cref="InferenceSession.RunWithBinding(RunOptions, OrtIoBinding)"/>;</item>
/// <item>raw ONNX Runtime the common way: <c>Run(runOptions, names, OrtValues, outputNames)</c> returning new outputs.</item>
/// </list>
/// Spinning is off in every ORT session (NetForgeModel's default). Median and 10th/90th percentiles of single calls
/// after a warm-up; managed bytes allocated per NetForgeModel call. The last lines, one per spec, are
/// <c>infer &lt;spec&gt;: engine &lt;µs&gt; us, onnxruntime &lt;µs&gt; us, ratio &lt;engine/onnxruntime&gt;</c> (batch 1) and
/// <c>runtime &lt;spec&gt; batch &lt;N&gt;: netforge &lt;µs&gt; us, ort-binding &lt;µs&gt; us, ort-run &lt;µs&gt; us, overhead &lt;µs&gt; us, alloc &lt;B&gt; B/call</c>.
/// </summary>
internal static class InferenceLatency
{
    private static readonly string[] SeedSpecs = ["mlp", "deep_mlp", "dropout_mlp", "cnn", "cnn_keras"];

    public static int Run(string[] args)
    {
        int threads = BenchArgs.Int(args, "--threads", 1);
        int iterations = BenchArgs.Int(args, "--iterations", 2000);
        int[] batches = [1, BenchArgs.Int(args, "--batch", 1000)];
        var specs = args.Where(a => a.EndsWith(".yaml", StringComparison.Ordinal)).ToList();
        if (specs.Count == 0) specs = [.. SeedSpecs.Select(BenchArgs.SeedSpec)];

        Console.WriteLine($"inference, {threads} thread(s), {iterations} calls each after warm-up (batch > 1: a tenth of them); ONNX Runtime {NetForgeModel.OnnxRuntimeVersion}");
        Console.WriteLine("| spec | batch | engine median µs | NetForgeModel median µs (p10–p90) | ORT binding median µs (p10–p90) | ORT Run median µs | NetForgeModel − ORT binding | alloc B/call |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var lines = new List<string>();
        foreach (string path in specs)
        {
            var graph = SpecCompiler.Load(path);
            var network = new Network(graph, maxBatch: 1, threads);
            network.Parameters.Initialize((ulong)graph.Train.Seed);
            var weights = network.Parameters.Slices.ToDictionary(s => s.Path, s => network.Parameters.Value(s).ToArray());
            byte[] bytes = OnnxExporter.Export(graph, weights, new ExportOptions()).ToByteArray();
            using var model = NetForgeModel.Open(bytes, new NetForgeModelOptions { IntraOpThreads = threads }, graph.Name);
            using var options = new SessionOptions { IntraOpNumThreads = threads };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            using var session = new InferenceSession(bytes, options);
            using var runOptions = new RunOptions();
            int size = network.InputSize, classes = network.NumClasses;
            string name = graph.Name;

            foreach (int batch in batches)
            {
                int calls = batch == 1 ? iterations : Math.Max(20, iterations / 10);
                var random = new Random(1);
                var input = GC.AllocateArray<float>(batch * size, pinned: true);
                for (int i = 0; i < input.Length; i++) input[i] = random.Next(256);
                var probabilities = GC.AllocateArray<float>(batch * classes, pinned: true);
                var logits = new float[classes];

                (double Median, double P10, double P90) engine = (double.NaN, 0, 0);
                if (batch == 1) engine = Time(calls, () => network.Predict(input, 1, logits, probabilities));
                double alloc = AllocatedPerCall(calls, () => model.Predict(input, batch, probabilities));

                long[] inShape = [batch, .. graph.Input.Shape.Select(d => (long)d)];
                using var inValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(), inShape);
                using var outValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, probabilities.AsMemory(), [batch, classes]);
                using var binding = session.CreateIoBinding();
                binding.BindInput(OnnxExporter.InputName, inValue);
                binding.BindOutput(OnnxExporter.ProbabilitiesName, outValue);
                // Interleaved, call by call, so that drift of the machine (frequency, neighbours) hits both alike.
                var (nf, ortBinding) = TimePair(calls, () => model.Predict(input, batch, probabilities), () => session.RunWithBinding(runOptions, binding));
                string[] inNames = [OnnxExporter.InputName], outNames = [OnnxExporter.ProbabilitiesName];
                OrtValue[] inValues = [inValue];
                var ortRun = Time(calls, () =>
                {
                    using var outputs = session.Run(runOptions, inNames, inValues, outNames);
                });

                double overhead = nf.Median - ortBinding.Median;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {batch} | {(batch == 1 ? engine.Median.ToString("F1", CultureInfo.InvariantCulture) : "–")} | {nf.Median:F1} ({nf.P10:F1}–{nf.P90:F1}) | {ortBinding.Median:F1} ({ortBinding.P10:F1}–{ortBinding.P90:F1}) | {ortRun.Median:F1} | {overhead:+0.00;-0.00} | {alloc:F1} |"));
                if (batch == 1)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture,
                        $"infer {name}: engine {engine.Median:F1} us, onnxruntime {nf.Median:F1} us, ratio {engine.Median / nf.Median:F2}"));
                }

                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"runtime {name} batch {batch}: netforge {nf.Median:F2} us, ort-binding {ortBinding.Median:F2} us, ort-run {ortRun.Median:F2} us, overhead {overhead:F2} us, alloc {alloc:F1} B/call"));
            }
        }

        Console.WriteLine();
        foreach (string line in lines) Console.WriteLine(line);
        return 0;
    }

    /// <summary>Managed bytes allocated per call on this thread, after the timing's warm-up.</summary>
    private static double AllocatedPerCall(int calls, Action call)
    {
        call();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) call();
        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    }

    /// <summary><see cref="Time"/> of two calls made alternately in one loop.</summary>
    private static ((double Median, double P10, double P90) A, (double Median, double P10, double P90) B) TimePair(int iterations, Action a, Action b)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < iterations / 4 || warm.ElapsedMilliseconds < 500; i++)
        {
            a();
            b();
        }

        var sa = new double[iterations];
        var sb = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            a();
            long middle = Stopwatch.GetTimestamp();
            b();
            sb[i] = Stopwatch.GetElapsedTime(middle).TotalMicroseconds;
            sa[i] = Stopwatch.GetElapsedTime(start, middle).TotalMicroseconds;
        }

        return (Stats(sa), Stats(sb));
    }

    private static (double Median, double P10, double P90) Stats(double[] samples)
    {
        Array.Sort(samples);
        return (samples[samples.Length / 2], samples[samples.Length / 10], samples[samples.Length * 9 / 10]);
    }

    /// <summary>Per-call microseconds: median, 10th and 90th percentile, after a warm-up of at least 0.5 s (JIT tiering).</summary>
    private static (double Median, double P10, double P90) Time(int iterations, Action call)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < iterations / 4 || warm.ElapsedMilliseconds < 500; i++) call();
        var samples = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        return Stats(samples);
    }
}
