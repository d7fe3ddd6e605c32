using System.Text.Json;
using System.Text.RegularExpressions;
using NetForge.Data;
using NetForge.Imaging;
using NetForge.Runtime;

namespace NetForge.Cli.Tests;

/// <summary>One short mlp run shared by the report and predict tests: trained, exported and parity-checked once.</summary>
public sealed class TrainedRunFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public TrainedRunFixture()
    {
        Run = _dir.File("mlp");
        Train = Cli.Run("train", Cli.Spec("mlp.yaml"), "--epochs", "2", "--limit", "4000", "--out", Run);
        Assert.True(Train.ExitCode == 0, Train.ToString());
        var export = Cli.Run("export", Run);
        Assert.True(export.ExitCode == 0, export.ToString());
        var parity = Cli.Run("parity", Run, "--limit", "200", "--batch-sizes", "1,200");
        Assert.True(parity.ExitCode == 0, parity.ToString());
        Test = Mnist.Load().Test;
    }

    public string Run { get; }

    public string Model => Path.Combine(Run, "model.onnx");

    internal CliResult Train { get; }

    public ImageSet Test { get; }

    internal TempDir Scratch => _dir;

    public void Dispose() => _dir.Dispose();
}

public sealed partial class ReportAndPredictTests(TrainedRunFixture run) : IClassFixture<TrainedRunFixture>
{
    [Fact]
    public void Train_ends_with_the_confusion_matrix_and_writes_the_report()
    {
        Assert.Contains("confusion matrix (rows: true label, columns: predicted)", run.Train.Out, StringComparison.Ordinal);
        Assert.Contains($"report: {Path.Combine(run.Run, "report.html")}", run.Train.Err, StringComparison.Ordinal);
        string html = File.ReadAllText(Path.Combine(run.Run, "report.html"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);   // misclassified digits
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(src|href)=\"https?:|url\\(https?:", html);   // nothing fetched from anywhere
    }

    [Fact]
    public void Report_command_rebuilds_the_report_with_the_parity_certificate()
    {
        string target = run.Scratch.File("again.html");
        var r = Cli.Run("report", run.Run, "--output", target);
        Assert.True(r.ExitCode == 0, r.ToString());
        string html = File.ReadAllText(target);
        // The certificate written by `parity` beside the model is shown, with its verdict.
        var certificate = JsonDocument.Parse(File.ReadAllText(run.Model + ".parity.json")).RootElement;
        Assert.Equal("pass", certificate.GetProperty("verdict").GetString());
        Assert.Contains(certificate.GetProperty("model_sha256").GetString()!, html, StringComparison.Ordinal);
        // The test accuracy in the report is the one the run recorded.
        double accuracy = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Run, "metrics.json"))).RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.Contains((accuracy * 100).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "%", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_compare_overlays_two_runs()
    {
        string other = run.Scratch.File("mlp_b");
        var train = Cli.Run("train", Cli.Spec("deep_mlp.yaml"), "--epochs", "1", "--limit", "1000", "--out", other, "--quiet", "--no-report");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.False(File.Exists(Path.Combine(other, "report.html")));
        string target = run.Scratch.File("cmp.html");
        var r = Cli.Run("report", "--compare", run.Run, other, "-o", target);
        Assert.True(r.ExitCode == 0, r.ToString());
        string html = File.ReadAllText(target);
        Assert.Contains(">mlp<", html, StringComparison.Ordinal);
        Assert.Contains(">deep_mlp<", html, StringComparison.Ordinal);

        var notARun = Cli.Run("report", run.Scratch.Path);
        Assert.Equal(1, notARun.ExitCode);
        Assert.Contains("is not a run folder: spec.resolved.yaml is missing", notARun.Err, StringComparison.Ordinal);
        var one = Cli.Run("report", "--compare", run.Run);
        Assert.Equal(2, one.ExitCode);
        var two = Cli.Run("report", run.Run, other);
        Assert.Equal(2, two.ExitCode);
    }

    [Fact]
    public void Predict_on_pngs_of_test_digits_agrees_with_onnx_runtime_on_the_raw_pixels()
    {
        const int N = 10;
        var paths = new List<string>();
        for (int i = 0; i < N; i++)
        {
            string path = run.Scratch.File($"digit{i}.png");
            Png.Write(path, new Image(28, 28, PixelFormat.Gray8, run.Test.Image(i).ToArray()));
            paths.Add(path);
        }

        var r = Cli.Run(["predict", run.Model, .. paths]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(N, lines.Length);

        int[] expected = RuntimeClassify(Enumerable.Range(0, N).Select(i => run.Test.Image(i).ToArray()));
        for (int i = 0; i < N; i++)
        {
            var m = PredictLine().Match(lines[i]);
            Assert.True(m.Success, lines[i]);
            Assert.Equal(paths[i], m.Groups["file"].Value);
            Assert.Equal(expected[i].ToString(System.Globalization.CultureInfo.InvariantCulture), m.Groups["top"].Value);
            Assert.Equal(3, Regex.Matches(lines[i], @"\d+\.\d\d%").Count);   // top-3 by default
        }
        // A trained model gets most of them right.
        Assert.True(expected.Select((p, i) => p == run.Test.Labels[i]).Count(x => x) >= 8);
    }

    [Fact]
    public void Predict_inverts_dark_on_light_and_fits_large_pictures_like_mnist()
    {
        const int N = 10;
        int[] original = RuntimeClassify(Enumerable.Range(0, N).Select(i => run.Test.Image(i).ToArray()));
        var paths = new List<string>();
        for (int i = 0; i < N; i++)
        {
            // Black ink on white paper, twice the size, as an RGB picture.
            var src = run.Test.Image(i);
            var rgb = new byte[56 * 56 * 3];
            for (int y = 0; y < 56; y++)
                for (int x = 0; x < 56; x++)
                    rgb.AsSpan((y * 56 + x) * 3, 3).Fill((byte)(255 - src[(y / 2) * 28 + x / 2]));
            string path = run.Scratch.File($"paper{i}.png");
            Png.Write(path, new Image(56, 56, PixelFormat.Rgb8, rgb));
            paths.Add(path);
        }

        var r = Cli.Run(["predict", run.Model, .. paths, "--top", "1", "--json"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var results = r.Out.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(N, results.Count);
        int agree = 0;
        for (int i = 0; i < N; i++)
        {
            Assert.Equal(paths[i], results[i].GetProperty("file").GetString());
            Assert.Contains("invert", results[i].GetProperty("preprocessing").GetString(), StringComparison.Ordinal);
            var top = results[i].GetProperty("top");
            Assert.Equal(1, top.GetArrayLength());
            agree += top[0].GetProperty("class").GetInt32() == original[i] ? 1 : 0;
        }
        // The digit fit re-centres and rescales, so pixels differ slightly from the original 28x28; the answers should not.
        Assert.True(agree >= 9, $"only {agree}/{N} agree with the 28x28 originals:\n{r.Out}");
    }

    [Fact]
    public void Predict_reads_pgm_and_idx_and_reports_a_corrupt_file_without_stopping()
    {
        var pixels = run.Test.Image(0).ToArray();
        string pgm = run.Scratch.File("digit.pgm");
        File.WriteAllBytes(pgm, [.. "P5\n# a comment\n28 28\n255\n"u8.ToArray(), .. pixels]);
        string idx = run.Scratch.File("three-idx3-ubyte");
        var header = new byte[16];
        header[2] = 0x08;
        header[3] = 0x03;
        header[7] = 3;
        header[11] = 28;
        header[15] = 28;
        File.WriteAllBytes(idx, [.. header, .. run.Test.Pixels.AsSpan(0, 3 * 784).ToArray()]);
        string corrupt = run.Scratch.File("corrupt.png");
        var png = Png.Encode(new Image(28, 28, PixelFormat.Gray8, pixels));
        png[png.Length / 2] ^= 0xFF;
        File.WriteAllBytes(corrupt, png);

        var r = Cli.Run("predict", run.Model, pgm, corrupt, idx);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("corrupt.png", r.Err, StringComparison.Ordinal);
        var lines = r.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);   // the PGM and the three IDX images; the corrupt PNG only on stderr
        Assert.StartsWith(pgm + ": ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(idx + "[2]: ", lines[3], StringComparison.Ordinal);
        Assert.Equal(PredictLine().Match(lines[0]).Groups["top"].Value, PredictLine().Match(lines[1]).Groups["top"].Value);   // same digit

        var missing = Cli.Run("predict", run.Scratch.File("nope.onnx"), pgm);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not found", missing.Err, StringComparison.Ordinal);
        var badTop = Cli.Run("predict", run.Model, pgm, "--top", "0");
        Assert.Equal(2, badTop.ExitCode);
        var badFit = Cli.Run("predict", run.Model, pgm, "--fit", "crop");
        Assert.Equal(2, badFit.ExitCode);
        // --fit stretch on a 28x28 picture is the identity; --invert always turns the digit into black on white.
        var stretched = Cli.Run("predict", run.Model, pgm, "--fit", "stretch", "--invert", "never");
        Assert.Equal(PredictLine().Match(lines[0]).Groups["top"].Value, PredictLine().Match(stretched.Out).Groups["top"].Value);
        var inverted = Cli.Run("predict", run.Model, pgm, "--invert", "always", "--json");
        Assert.Contains("invert", JsonDocument.Parse(inverted.Out).RootElement.GetProperty("preprocessing").GetString(), StringComparison.Ordinal);
    }

    private int[] RuntimeClassify(IEnumerable<byte[]> images)
    {
        var list = images.ToList();
        using var model = NetForgeModel.Open(run.Model);
        var batch = list.SelectMany(p => p.Select(b => (float)b)).ToArray();
        return model.Classify(batch, list.Count);
    }

    [GeneratedRegex(@"^(?<file>.+?): (?<top>\S+) \d+\.\d\d%")]
    private static partial Regex PredictLine();
}
