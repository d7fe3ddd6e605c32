// A TorchSharp user's own CNN, trained in their own loop on MNIST, exported to ONNX with one call, then checked:
// ONNX Runtime against TorchSharp on the test set, and NetForge's parity certificate (ONNX Runtime against NetForge's
// engine on the exported weights). Usage: dotnet run --project samples/TorchSharpExport [-- --limit N --out model.onnx]
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using NetForge.Data;
using NetForge.Engine;
using NetForge.Parity;
using NetForge.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NetForge.Samples.TorchSharpExport;

public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out);

    public static int Run(string[] args, TextWriter log)
    {
        int limit = Option(args, "--limit", 12000);
        string path = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "torchsharp_cnn.onnx";
        TorchSharpRuntime.EnsureAvailable();
        torch.manual_seed(1);
        var mnist = Mnist.Load(progress: log.WriteLine);

        // 1. The user's model and loop: nothing NetForge-specific.
        var model = nn.Sequential(
            ("conv1", nn.Conv2d(1, 16, 5, padding: 2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(16, 32, 3, padding: 1)), ("bn", nn.BatchNorm2d(32)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()), ("dropout", nn.Dropout(0.25)), ("fc1", nn.Linear(32 * 7 * 7, 64)), ("relu3", nn.ReLU()),
            ("fc2", nn.Linear(64, 10)), ("out", nn.LogSoftmax(1)));
        var optimizer = optim.Adam(model.parameters(), 0.002);
        model.train();
        int n = Math.Min(limit, mnist.Train.Count), batch = 64;
        for (int start = 0; start + batch <= n; start += batch)
        {
            using var scope = NewDisposeScope();
            var (x, y) = Batch(mnist.Train, start, batch);
            optimizer.zero_grad();
            var loss = nn.functional.nll_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            if (start / batch % 50 == 0) log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {start / batch}: loss {loss.item<float>():F4}"));
        }
        model.eval();

        // 2. One call: the exported model takes raw 0-255 pixels (the 1/255 scaling the loop used is part of it).
        TorchSharpOnnx.Export(model, [1, 28, 28], path, inputScale: 1.0 / 255, name: "torchsharp_cnn");
        log.WriteLine($"exported {path}");

        // 3. ONNX Runtime against TorchSharp on the test set.
        var test = mnist.Test;
        using var session = new InferenceSession(path);
        double maxDiff = 0;
        int agree = 0, correct = 0;
        for (int start = 0; start < test.Count; start += 1000)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(1000, test.Count - start);
            var (x, y) = Batch(test, start, count);
            float[] expected;
            using (no_grad()) expected = model.forward(x).exp().data<float>().ToArray();
            var raw = new float[count * 784];
            for (int i = 0; i < raw.Length; i++) raw[i] = test.Pixels[start * 784 + i];
            var feed = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(raw, [count, 1, 28, 28]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", feed)]);
            var actual = results.Single(r => r.Name == "probabilities").AsTensor<float>().ToArray();
            var labels = y.data<long>().ToArray();
            for (int s = 0; s < count; s++)
            {
                var e = expected.AsSpan(s * 10, 10);
                var a = actual.AsSpan(s * 10, 10);
                for (int c = 0; c < 10; c++) maxDiff = Math.Max(maxDiff, Math.Abs(e[c] - a[c]));
                int ea = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(e), aa = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(a);
                if (ea == aa) agree++;
                if (aa == labels[s]) correct++;
            }
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TorchSharp vs ONNX Runtime on {test.Count} test images: max |Δ probability| {maxDiff:E2}, argmax agreement {agree * 100.0 / test.Count:F2} %, test accuracy {correct * 100.0 / test.Count:F2} %"));

        // 4. NetForge's parity certificate: ONNX Runtime against NetForge's engine on the exported weights.
        var (graph, weights) = TorchSharpOnnx.ToGraph(model, [1, 28, 28], "torchsharp_cnn", 1.0 / 255);
        using var engine = new NetForgeEngine(graph, 1000, 2);
        engine.WriteParameters(graph.Parameters.SelectMany(p => weights[p.Path]).ToArray());
        var certificate = ParityChecker.Check(engine.Network, File.ReadAllBytes(path), test.Pixels, test.Count, "MNIST test set (10,000)");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"NetForge parity: max |Δ probability| {certificate.MaxAbsDiffProbabilities:E2}, {certificate.ArgmaxDisagreements} argmax disagreements, verdict {certificate.Verdict}"));
        return certificate.Passed && maxDiff <= 1e-5 && agree == test.Count ? 0 : 1;
    }

    private static (Tensor X, Tensor Y) Batch(ImageSet set, int start, int count)
    {
        var x = new float[count * 784];
        for (int i = 0; i < x.Length; i++) x[i] = set.Pixels[start * 784 + i] / 255f;
        var y = new long[count];
        for (int i = 0; i < count; i++) y[i] = set.Labels[start + i];
        return (torch.tensor(x, [count, 1, 28, 28]), torch.tensor(y, [count]));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int v) ? v : fallback;
    }
}
