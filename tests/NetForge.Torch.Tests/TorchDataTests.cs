using NetForge.Imaging;
using NetForge.Tests.Shared;
using Xunit.Abstractions;

namespace NetForge.Torch.Tests;

/// <summary>
/// The TorchSharp engine reads the same data as the own engine: RGB pictures in class folders (written here, decoded by
/// NetForge.Data) and a CSV table (iris, from Debian's python3-sklearn) train through <c>--engine torchsharp</c>, and
/// parity against TorchSharp's answers passes.
/// </summary>
public class TorchDataTests(ITestOutputHelper output)
{
    /// <summary>Class k: a bright band of colour k (red, green, blue) at rows 5k..5k+4 of a 15x12 picture, plus noise.</summary>
    private static void WriteBands(string dir, int perClass, int seed)
    {
        string[] names = ["blue", "green", "red"];
        var rng = new Random(seed);
        for (int label = 0; label < 3; label++)
        {
            Directory.CreateDirectory(Path.Combine(dir, names[label]));
            for (int i = 0; i < perClass; i++)
            {
                var rgb = new byte[15 * 12 * 3];
                for (int p = 0; p < 15 * 12; p++)
                {
                    int row = p / 12;
                    for (int c = 0; c < 3; c++) rgb[(3 * p) + c] = (byte)(rng.Next(60) + (row / 5 == label && c == 2 - label ? 180 : 0));
                }
                File.WriteAllBytes(Path.Combine(dir, names[label], $"{i:D4}.png"), Png.Encode(new Image(12, 15, PixelFormat.Rgb8, rgb)));
            }
        }
    }

    [Fact]
    public void Rgb_picture_folders_train_on_torchsharp_and_pass_parity_against_it()
    {
        ThisBuildAsEngine.Use();
        using var dir = new TempDir();
        WriteBands(dir.File("train"), 40, 1);
        WriteBands(dir.File("test"), 10, 2);
        string spec = dir.Write("bands.yaml",
            "name: bands\ninput: {shape: [3, 15, 12], scale: 0.00392156862745098}\nlayers:\n" +
            "  - conv2d: {filters: 4, kernel: 3, padding: same, activation: relu}\n  - maxpool2d: {pool: 2}\n  - flatten\n" +
            "  - dense: {units: 3, activation: softmax}\n" +
            "train:\n  dataset: {images: {train: train, test: test, color: rgb}}\n  optimizer: adam\n  batch_size: 16\n  epochs: 3\n  seed: 1\n");
        string run = dir.File("run");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = NetForge.Cli.Program.Run(["train", spec, "--engine", "torchsharp", "--out", run, "--quiet"], stdout, stderr);
        output.WriteLine(stdout.ToString() + stderr);
        Assert.Equal(0, code);
        Assert.Contains("labels: [blue, green, red]", File.ReadAllText(Path.Combine(run, "spec.resolved.yaml")), StringComparison.Ordinal);
        var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement;
        Assert.InRange(metrics.GetProperty("test_accuracy").GetDouble(), 0.9, 1.0);
        Assert.Equal(0, NetForge.Cli.Program.Run(["export", run], stdout, stderr));
        var parity = new StringWriter();
        Assert.Equal(0, NetForge.Cli.Program.Run(["parity", run], parity, stderr));
        Assert.Contains("reference engine: torchsharp", parity.ToString(), StringComparison.Ordinal);
        Assert.Contains("verdict: PASS", parity.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_csv_table_with_auto_normalisation_trains_on_torchsharp_like_the_own_engine_and_passes_parity()
    {
        ThisBuildAsEngine.Use();
        using var dir = new TempDir();
        SklearnTables.Iris(dir.Path);
        string spec = dir.Write("iris.yaml", File.ReadAllText(RepoRoot.Combine("specs", "iris_mlp.yaml"))
            .Replace("../data/tables/iris.csv", "iris.csv", StringComparison.Ordinal));
        var accuracy = new Dictionary<string, double>();
        foreach (string engine in new[] { "netforge", "torchsharp" })
        {
            string run = dir.File(engine);
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            int code = NetForge.Cli.Program.Run(["train", spec, "--engine", engine, "--out", run, "--quiet"], stdout, stderr);
            output.WriteLine(stdout.ToString() + stderr);
            Assert.Equal(0, code);
            accuracy[engine] = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement
                .GetProperty("test_accuracy").GetDouble();
            // both engines computed the same normalisation from the same training rows
            Assert.Contains("normalize: {mean: [5.8", File.ReadAllText(Path.Combine(run, "spec.resolved.yaml")), StringComparison.Ordinal);
        }
        output.WriteLine($"iris test accuracy: own {accuracy["netforge"]:F4}, torchsharp {accuracy["torchsharp"]:F4}");
        Assert.InRange(accuracy["torchsharp"], 0.85, 1.0);
        Assert.InRange(Math.Abs(accuracy["torchsharp"] - accuracy["netforge"]), 0, 0.1);   // 30 test rows: 3 rows apart at most

        string ts = dir.File("torchsharp");
        var (o, e) = (new StringWriter(), new StringWriter());
        Assert.Equal(0, NetForge.Cli.Program.Run(["export", ts], o, e));
        var parity = new StringWriter();
        Assert.Equal(0, NetForge.Cli.Program.Run(["parity", ts], parity, e));
        Assert.Contains("reference engine: torchsharp", parity.ToString(), StringComparison.Ordinal);
        Assert.Contains("preprocessing in the model: (x − mean) / std per feature", parity.ToString(), StringComparison.Ordinal);
        Assert.Contains("verdict: PASS", parity.ToString(), StringComparison.Ordinal);
    }
}
