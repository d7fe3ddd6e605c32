using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NetForge.Cli.Tests;

/// <summary>
/// The whole product path a user takes: train → evaluate → export → parity → parity --verify, then the embedding
/// sample classifying the test set with the exported model through NetForge.Runtime alone.
/// </summary>
public sealed partial class PipelineTests
{
    [Fact]
    public void Train_evaluate_export_parity_and_verify_from_the_command_line()
    {
        using var dir = new TempDir();
        string run = dir.File("cnn");

        var train = Cli.Run("train", Cli.Spec("cnn.yaml"), "--epochs", "1", "--limit", "2000", "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.ToString());
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement;
        Assert.InRange(metrics.GetProperty("test_accuracy").GetDouble(), 0.5, 1.0);

        var evaluate = Cli.Run("evaluate", run);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains("confusion matrix", evaluate.Out, StringComparison.Ordinal);

        var export = Cli.Run("export", run);
        Assert.True(export.ExitCode == 0, export.ToString());
        string model = Path.Combine(run, "model.onnx");
        Assert.True(File.Exists(model));

        var parity = Cli.Run("parity", run, "--limit", "300", "--batch-sizes", "1,2,300");
        Assert.True(parity.ExitCode == 0, parity.ToString());
        Assert.Contains("verdict: PASS", parity.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(model + ".parity.json"));

        var verify = Cli.Run("parity", "--verify", model, "--limit", "300");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("certificate verified", verify.Out, StringComparison.Ordinal);

        // A checkpoint that belongs to another spec (here: the same shapes, another seed) is refused by every command
        // that opens the run folder, with one message; before, parity certified it.
        string foreign = dir.File("foreign");
        Directory.CreateDirectory(foreign);
        foreach (var f in Directory.GetFiles(run)) File.Copy(f, Path.Combine(foreign, Path.GetFileName(f)));
        string specPath = Path.Combine(foreign, "spec.resolved.yaml");
        File.WriteAllText(specPath, Regex.Replace(File.ReadAllText(specPath), "(?m)^  seed: .*$", "  seed: 12345"));
        foreach (var command in new[] { new[] { "evaluate", foreign }, ["export", foreign], ["parity", foreign, "--limit", "10"], ["report", foreign],
                     ["train", "--resume", foreign, "--epochs", "2"] })
        {
            var refused = Cli.Run(command);
            Assert.True(refused.ExitCode == 1, string.Join(" ", command) + ": " + refused);
            Assert.Contains("was written for a different spec than " + specPath, refused.Err, StringComparison.Ordinal);
        }

        // A model changed after certification no longer verifies: flip one byte inside the weights (the end of the
        // file holds initializer data and metadata; the middle is inside the dense layer's weights).
        byte[] bytes = File.ReadAllBytes(model);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(model, bytes);
        var tampered = Cli.Run("parity", "--verify", model, "--limit", "300");
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains("hash", tampered.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_embedding_sample_reproduces_the_engines_test_accuracy_through_onnx_runtime()
    {
        using var dir = new TempDir();
        string run = dir.File("mlp");
        var train = Cli.Run("train", Cli.Spec("mlp.yaml"), "--epochs", "1", "--limit", "5000", "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.ToString());
        var export = Cli.Run("export", run);
        Assert.True(export.ExitCode == 0, export.ToString());
        double engineAccuracy = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement
            .GetProperty("test_accuracy").GetDouble();

        string mnist = NetForge.Data.Mnist.EnsureCached();
        var (exit, output) = RunEmbedDemo(Path.Combine(run, "model.onnx"),
            Path.Combine(mnist, "t10k-images-idx3-ubyte"), Path.Combine(mnist, "t10k-labels-idx1-ubyte"));

        Assert.True(exit == 0, output);
        var match = AccuracyLine().Match(output);
        Assert.True(match.Success, output);
        int correct = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        int total = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.Equal(10000, total);
        // Parity means the same argmax for every test image, so the counts agree exactly.
        Assert.Equal((int)Math.Round(engineAccuracy * total), correct);
    }

    [Fact]
    public void The_embedding_sample_classifies_csv_rows_by_column_name_with_the_normalisation_inside_the_model()
    {
        using var dir = new TempDir();
        SklearnTables.Iris(dir.Path);
        // specs/iris_mlp.yaml tested on the whole table, so the sample sees the engine's test rows
        string spec = dir.Write("iris.yaml", File.ReadAllText(Cli.Spec("iris_mlp.yaml"))
            .Replace("{train: ../data/tables/iris.csv, test_split: 0.2, label: species}", "{train: iris.csv, test: iris.csv, label: species}", StringComparison.Ordinal)
            .Replace("epochs: 40", "epochs: 10", StringComparison.Ordinal));
        string run = dir.File("run");
        var train = Cli.Run("train", spec, "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.True(Cli.Run("export", run).ExitCode == 0);
        double engineAccuracy = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement
            .GetProperty("test_accuracy").GetDouble();

        // the columns in another order and one extra: the sample picks the model's features by name
        var lines = File.ReadAllLines(Path.Combine(dir.Path, "iris.csv"));
        string shuffled = dir.Write("rows.csv", string.Join('\n', lines.Select(l => l.Split(',')).Select(f => $"{f[4]},{f[3]},note,{f[1]},{f[0]},{f[2]}")));
        var (exit, output) = RunEmbedDemo(Path.Combine(run, "model.onnx"), shuffled);
        Assert.True(exit == 0, output);
        Assert.Contains("4 features -> 3 classes (setosa versicolor virginica)", output, StringComparison.Ordinal);
        var match = TableAccuracyLine().Match(output);
        Assert.True(match.Success, output);
        Assert.Equal(150, int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal((int)Math.Round(engineAccuracy * 150), int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));

        var (bad, message) = RunEmbedDemo(Path.Combine(run, "model.onnx"), dir.Write("wrong.csv", "a,b\n1,2\n"));
        Assert.Equal(1, bad);
        Assert.Contains("no column 'sepal_length'", message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"accuracy over \d+ rows: [\d.]+% \((\d+)/(\d+)\)")]
    private static partial Regex TableAccuracyLine();

    [GeneratedRegex(@"accuracy over \d+ images: [\d.]+% \((\d+)/(\d+)\)")]
    private static partial Regex AccuracyLine();

    /// <summary>Runs samples/EmbedDemo's build output (built with the solution; this project references it).</summary>
    private static (int Exit, string Output) RunEmbedDemo(params string[] args)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";
        string dll = Path.Combine(Cli.RepoRoot, "samples", "EmbedDemo", "bin", configuration, "net10.0", "EmbedDemo.dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "EmbedDemo did not finish in 2 minutes");
        return (process.ExitCode, stdout + stderr.Result);
    }
}
