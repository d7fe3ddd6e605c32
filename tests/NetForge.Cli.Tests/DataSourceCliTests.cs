using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using NetForge.Imaging;

namespace NetForge.Cli.Tests;

/// <summary>
/// Specs that train on data in files: Debian's Fashion-MNIST (real data; .ci/run installs dataset-fashion-mnist) and a
/// small IDX set of another image size and class count, through check, data inspect, train, evaluate, export, parity,
/// parity --verify, report and predict.
/// </summary>
public class DataSourceCliTests
{
    private const string Fashion = "/usr/share/datasets/fashion-mnist";

    private static void RequireFashion() =>
        Assert.True(Directory.Exists(Fashion), $"{Fashion} not found: install Debian's dataset-fashion-mnist (.ci/run does)");

    /// <summary>An IDX set of 12x10 images in 3 classes: class k is a bright horizontal band at rows 4k..4k+3, plus noise.</summary>
    private static void WriteBands(string dir, string prefix, int count, int seed)
    {
        const int Rows = 12, Cols = 10;
        var rng = new Random(seed);
        var images = new byte[16 + count * Rows * Cols];
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), Rows);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), Cols);
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count; i++)
        {
            int label = i % 3;
            labels[8 + i] = (byte)label;
            for (int p = 0; p < Rows * Cols; p++)
                images[16 + i * Rows * Cols + p] = (byte)(rng.Next(80) + (p / Cols / 4 == label ? 150 : 0));
        }

        using (var gz = new GZipStream(File.Create(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz")), CompressionLevel.Fastest))
            gz.Write(images);
        File.WriteAllBytes(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte"), labels);
    }

    private static string BandsSpec(TempDir dir, string input = "[1, 12, 10]", int units = 3) =>
        $"name: bands\ninput: {{shape: {input}, scale: 0.00392156862745098}}\nlabels: [top, middle, bottom]\nlayers:\n" +
        "  - conv2d: {filters: 4, kernel: 3, padding: same, activation: relu}\n  - maxpool2d: {pool: 2}\n  - flatten\n" +
        $"  - dense: {{units: {units}, activation: softmax}}\ntrain:\n  dataset: {{idx: data}}\n  optimizer: adam\n  batch_size: 32\n  epochs: 3\n  seed: 1\n";

    private static TempDir Bands(string? spec = null)
    {
        var dir = new TempDir();
        Directory.CreateDirectory(dir.File("data"));
        WriteBands(dir.File("data"), "train", 600, 1);
        WriteBands(dir.File("data"), "t10k", 150, 2);
        File.WriteAllText(dir.File("bands.yaml"), spec ?? BandsSpec(dir));
        return dir;
    }

    [Fact]
    public void Check_reads_the_data_of_a_file_source_and_locates_what_does_not_fit()
    {
        RequireFashion();
        var fashion = Cli.Run("check", Cli.Spec("fashion_cnn.yaml"));
        Assert.True(fashion.ExitCode == 0, fashion.ToString());
        Assert.EndsWith($"data: 60,000 train and 10,000 test images of 28x28 (IDX set in {Fashion})\n", fashion.Out, StringComparison.Ordinal);

        using var dir = Bands();
        File.WriteAllText(dir.File("bad.yaml"), BandsSpec(dir, input: "[1, 28, 28]", units: 2).Replace("labels: [top, middle, bottom]\n", ""));
        var bad = Cli.Run("check", dir.File("bad.yaml"));
        Assert.True(bad.ExitCode == 1, bad.ToString());
        string train = Path.Combine(dir.Path, "data", "train-images-idx3-ubyte.gz");
        Assert.Contains($"{dir.File("bad.yaml")}:2:8: error: input.shape [1, 28, 28] does not fit the data: {train} holds 12x10 gray images, expected [1, 12, 10] (or [120] for an MLP)", bad.Err, StringComparison.Ordinal);
        Assert.Contains($"{dir.File("bad.yaml")}:7:5: error: dense: the last layer's 2 units do not cover the data's classes", bad.Err, StringComparison.Ordinal);
        Assert.EndsWith("2 errors\n", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_inspect_prints_counts_per_class_and_whether_the_data_fits()
    {
        RequireFashion();
        var r = Cli.Run("data", "inspect", Cli.Spec("fashion_mlp.yaml"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"fashion_mlp: IDX set in {Fashion}", r.Out, StringComparison.Ordinal);
        Assert.Contains("images: 28x28 gray (the network takes [784]); pixels 0..255", r.Out, StringComparison.Ordinal);
        Assert.Contains("    9  Ankle boot      6,000     1,000", r.Out, StringComparison.Ordinal);
        Assert.Contains("fits ", r.Out, StringComparison.Ordinal);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void A_set_of_another_size_and_class_count_trains_exports_and_passes_parity()
    {
        using var dir = Bands();
        string run = dir.File("run");
        var train = Cli.Run("train", dir.File("bands.yaml"), "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.InRange(JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.GetProperty("test_accuracy").GetDouble(), 0.95, 1.0);
        var evaluate = Cli.Run("evaluate", run);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains("bottom", evaluate.Out, StringComparison.Ordinal);
        Assert.True(Cli.Run("export", run).ExitCode == 0);
        var parity = Cli.Run("parity", run);
        Assert.True(parity.ExitCode == 0, parity.ToString());
        var certificate = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model.onnx.parity.json"))).RootElement;
        Assert.Equal($"IDX set in {Path.Combine(dir.Path, "data")} t10k (first 150 images)", certificate.GetProperty("data").GetString());
        var verify = Cli.Run("parity", "--verify", Path.Combine(run, "model.onnx"));
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.True(File.Exists(Path.Combine(run, "report.html")));
        var report = Cli.Run("report", run);
        Assert.True(report.ExitCode == 0, report.ToString());
        // Resume finds the data through the run's resolved spec (the paths in it are absolute).
        var resume = Cli.Run("train", "--resume", run, "--epochs", "4", "--quiet");
        Assert.True(resume.ExitCode == 0, resume.ToString());
    }

    [Fact]
    public void Fashion_mnist_trains_exports_passes_parity_and_predicts_a_picture()
    {
        RequireFashion();
        using var dir = new TempDir();
        string run = dir.File("fashion");
        var train = Cli.Run("train", Cli.Spec("fashion_mlp.yaml"), "--epochs", "1", "--limit", "6000", "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.ToString());
        double accuracy = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.InRange(accuracy, 0.70, 1.0);
        Assert.True(Cli.Run("export", run).ExitCode == 0);
        var parity = Cli.Run("parity", run, "--limit", "2000");
        Assert.True(parity.ExitCode == 0, parity.ToString());

        // The first test image (an ankle boot) as a PNG, classified through ONNX Runtime as the model sees it.
        var test = NetForge.Data.DataSources.Load(NetForge.Spec.SpecCompiler.Load(Cli.Spec("fashion_mlp.yaml"))).Test as NetForge.Data.ImageSet ?? throw new InvalidOperationException("IDX data reads as images");
        string png = dir.File("boot.png");
        Png.Write(png, new Image(28, 28, PixelFormat.Gray8, test.Image(0).ToArray()));
        using var model = NetForge.Runtime.NetForgeModel.Open(Path.Combine(run, "model.onnx"));
        var probabilities = model.Predict(test.Pixels.AsSpan(0, 784), 1);
        string expected = model.Contract.Labels[NetForge.Runtime.NetForgeModel.ArgMax(probabilities)];
        var predict = Cli.Run("predict", Path.Combine(run, "model.onnx"), png, "--invert", "never", "--top", "1");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.StartsWith($"{png}: {expected} ", predict.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Rgb_picture_folders_train_with_the_folders_as_labels_and_predict_a_jpeg()
    {
        RequireFashion();
        using var dir = new TempDir();
        PictureFolders.Write(dir.File("train"), "train", 60, rgb: true);
        var test = PictureFolders.Write(dir.File("test"), "t10k", 20, rgb: true);
        string spec = dir.Write("pictures.yaml",
            "name: pictures\ninput: {shape: [3, 20, 20], scale: 0.00392156862745098}\nlayers:\n" +
            "  - conv2d: {filters: 8, kernel: 3, padding: same, activation: relu}\n  - maxpool2d: {pool: 2}\n  - flatten\n" +
            "  - dense: {units: 3, activation: softmax}\n" +
            "train:\n  dataset: {images: {train: train, test: test, color: rgb, size: [20, 20]}}\n  optimizer: adam\n  batch_size: 16\n  epochs: 4\n  seed: 3\n");
        var check = Cli.Run("check", spec);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("data: 180 train and 60 test images of 20x20 RGB", check.Out, StringComparison.Ordinal);
        var inspect = Cli.Run("data", "inspect", spec);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        Assert.Contains("    2  tshirt", inspect.Out, StringComparison.Ordinal);

        string run = dir.File("run");
        var train = Cli.Run("train", spec, "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.InRange(JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.GetProperty("test_accuracy").GetDouble(), 0.8, 1.0);
        Assert.Contains("labels: [pullover, trouser, tshirt]", File.ReadAllText(Path.Combine(run, "spec.resolved.yaml")), StringComparison.Ordinal);
        Assert.True(Cli.Run("evaluate", run).ExitCode == 0);
        Assert.True(Cli.Run("export", run).ExitCode == 0);
        var parity = Cli.Run("parity", run);
        Assert.True(parity.ExitCode == 0, parity.ToString());
        var report = Cli.Run("report", run);
        Assert.True(report.ExitCode == 0, report.ToString());
        // The uint8 variant takes raw [N, 3, H, W] bytes and passes parity too.
        string u8 = Path.Combine(run, "model_u8.onnx");
        Assert.True(Cli.Run("export", run, "-o", u8, "--input-dtype", "uint8").ExitCode == 0);
        var parityU8 = Cli.Run("parity", run, u8);
        Assert.True(parityU8.ExitCode == 0, parityU8.ToString());

        // A JPEG of the test folder (28x28, stretched to 20x20 as in training) gives ONNX Runtime's answer for the set's sample.
        string model = Path.Combine(run, "model.onnx");
        var jpeg = test.First(p => p.Path.EndsWith(".jpg", StringComparison.Ordinal));
        var predict = Cli.Run("predict", model, jpeg.Path, "--top", "1", "--json");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var answer = JsonDocument.Parse(predict.Out).RootElement;
        Assert.Contains("28x28 RGB; stretched to 20x20", answer.GetProperty("preprocessing").GetString(), StringComparison.Ordinal);
        var planes = Preprocess.ResizePlanes(Preprocess.ToPlanes(ImageFile.Load(jpeg.Path), 3), 3, 28, 28, 20, 20);
        using var onnx = NetForge.Runtime.NetForgeModel.Open(model);
        string expected = onnx.Contract.Labels[NetForge.Runtime.NetForgeModel.ArgMax(onnx.Predict(planes, 1))];
        Assert.Equal(expected, answer.GetProperty("top")[0].GetProperty("label").GetString());
    }

    [Fact]
    public void Data_export_writes_a_spec_s_data_as_class_folders_that_train_back()
    {
        RequireFashion();
        using var dir = new TempDir();
        var export = Cli.Run("data", "export", Cli.Spec("fashion_mlp.yaml"), dir.File("pictures"), "--format", "jpeg", "--limit", "200");
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal($"wrote 400 JPEG pictures in 10 class folders under {Path.Combine(dir.File("pictures"), "train")} and {Path.Combine(dir.File("pictures"), "test")}\n", export.Out);
        Assert.Equal(200, Directory.GetFiles(dir.File("pictures/train"), "*.jpg", SearchOption.AllDirectories).Length);
        Assert.True(Directory.Exists(dir.File("pictures/train/T-shirt_top")));
        Assert.True(Directory.Exists(dir.File("pictures/test/Ankle boot")));
        var again = Cli.Run("data", "export", Cli.Spec("fashion_mlp.yaml"), dir.File("pictures"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("is not empty", again.Err, StringComparison.Ordinal);
    }
}
