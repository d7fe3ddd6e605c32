using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using NetForge.Export;
using NetForge.Runtime;
using NetForge.Spec;
using NetForge.Train;
using NetForge.Train.Initializers;

namespace NetForge.Bench;

/// <summary>
/// <c>NetForge.Bench infer [--threads N] [--iterations N] [spec.yaml...]</c>: batch-1 inference latency of each seed
/// spec through NetForge's own engine (<see cref="Network.Predict"/>) and through ONNX Runtime 1.30 on the exported
/// model, the two an app can embed. Same weights (glorot init from the spec's seed), same random 0–255 input, same
/// thread count; median and 10th/90th percentiles of single calls after a warm-up. The last lines, one per spec, are
/// <c>infer &lt;spec&gt;: engine &lt;µs&gt; us, onnxruntime &lt;µs&gt; us, ratio &lt;engine/onnxruntime&gt;</c>.
/// </summary>
internal static class InferenceLatency
{
    private static readonly string[] SeedSpecs = ["mlp", "deep_mlp", "dropout_mlp", "cnn", "cnn_keras"];

    public static int Run(string[] args)
    {
        int threads = BenchArgs.Int(args, "--threads", 1);
        int iterations = BenchArgs.Int(args, "--iterations", 2000);
        var specs = args.Where(a => a.EndsWith(".yaml", StringComparison.Ordinal)).ToList();
        if (specs.Count == 0) specs = [.. SeedSpecs.Select(BenchArgs.SeedSpec)];

        Console.WriteLine($"batch-1 inference, {threads} thread(s), {iterations} calls each after warm-up; ONNX Runtime {OrtLibrary.Version}");
        Console.WriteLine("| spec | engine median µs | engine p10–p90 | ONNX Runtime median µs | ORT p10–p90 | engine / ORT |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var lines = new List<string>();
        foreach (string path in specs)
        {
            var graph = SpecCompiler.Load(path);
            var network = new Network(graph, maxBatch: 1, threads);
            Initializers.Apply(network.Parameters, (ulong)graph.Train.Seed);
            var weights = network.Parameters.Slices.ToDictionary(s => s.Path, s => network.Parameters.Value(s).ToArray());
            var model = OnnxExporter.Export(graph, weights, new ExportOptions());
            using var session = new InferenceSession(model.ToByteArray(), new SessionOptions { IntraOpThreads = threads });

            var random = new Random(1);
            var input = new float[network.InputSize];
            for (int i = 0; i < input.Length; i++) input[i] = random.Next(256);
            var logits = new float[network.NumClasses];
            var probabilities = new float[network.NumClasses];
            long[] shape = [1, .. graph.Input.Shape.Select(d => (long)d)];
            string inputName = session.Inputs[0].Name;

            var engine = Time(iterations, () => network.Predict(input, 1, logits, probabilities));
            var ort = Time(iterations, () =>
            {
                using var result = session.Run(inputName, input, shape, "probabilities");
            });
            string name = graph.Name;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {engine.Median:F1} | {engine.P10:F1}–{engine.P90:F1} | {ort.Median:F1} | {ort.P10:F1}–{ort.P90:F1} | {engine.Median / ort.Median:F2} |"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"infer {name}: engine {engine.Median:F1} us, onnxruntime {ort.Median:F1} us, ratio {engine.Median / ort.Median:F2}"));
        }
        Console.WriteLine();
        foreach (string line in lines) Console.WriteLine(line);
        return 0;
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
        Array.Sort(samples);
        return (samples[iterations / 2], samples[iterations / 10], samples[iterations * 9 / 10]);
    }
}
