using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NetForge.Data;
using NetForge.Imaging;
using NetForge.Runtime;

namespace NetForge.Cli.Commands;

/// <summary>
/// <c>netforge predict &lt;model.onnx&gt; &lt;image&gt;... [--top K] [--fit auto|stretch|digit] [--invert auto|always|never] [--json]</c>:
/// classifies pictures with an exported model through NetForge.Runtime (ONNX Runtime) and prints the top-K labels
/// with probabilities. Reads PNG (8/16-bit gray, RGB, palette, alpha, interlaced), PGM (P2/P5) and IDX image files
/// (every image in the file). Each picture becomes one model input: gray (alpha over white), inverted when its
/// background is light (MNIST digits are white on black), fitted to the model's input size (see
/// <see cref="Preprocess.ToModelInput"/>). Writes nothing and needs no training data.
/// </summary>
internal static class PredictCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Argument<string>("model") { Description = "An ONNX model exported by 'netforge export' (or any model with one [N, 1, H, W] or [N, H·W] float/uint8 input)." };
        var images = new Argument<string[]>("images") { Description = "PNG, JPEG, BMP, GIF, WebP, PGM or IDX image files; CSV files for a model trained on a table (every row).", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top") { Description = "How many labels to print per image, 1..classes.", HelpName = "K", DefaultValueFactory = _ => 3 };
        var fit = new Option<string>("--fit")
        {
            Description = "auto: use a picture of the model's size as is, else 'digit' for a model trained on MNIST and 'stretch' for any other; stretch: resize the whole picture; digit: MNIST's normalisation (crop to the ink, 20x20 box, centre of mass).",
            DefaultValueFactory = _ => "auto",
        };
        fit.AcceptOnlyFromAmong("auto", "stretch", "digit");
        var invert = new Option<string>("--invert")
        {
            Description = "auto: invert pictures with a light background (MNIST digits are white on black); always; never.",
            DefaultValueFactory = _ => "auto",
        };
        invert.AcceptOnlyFromAmong("auto", "always", "never");
        var json = new Option<bool>("--json") { Description = "One JSON object per image (file, index, preprocessing, top labels) instead of text." };
        var command = new Command("predict", "Classify pictures (PNG, JPEG, BMP, GIF, WebP, PGM, IDX) or CSV rows with an exported ONNX model; prints the top labels with probabilities.")
        {
            model, images, top, fit, invert, json,
        };
        command.SetAction(parse => Run(context, parse.GetValue(model)!, parse.GetValue(images)!, parse.GetValue(top),
            Enum.Parse<Fit>(parse.GetValue(fit)!, ignoreCase: true), Enum.Parse<Invert>(parse.GetValue(invert)!, ignoreCase: true), parse.GetValue(json)));
        return command;
    }

    /// <summary>One picture to classify: where it came from and its model-sized pixels.</summary>
    private sealed record Item(string Name, string File, int? Index, byte[] Pixels, string Preprocessing);

    internal static int Run(CliContext context, string modelPath, IReadOnlyList<string> imagePaths, int top, Fit fit,
        Invert invert, bool json)
    {
        if (top < 1) throw new CliException($"--top must be at least 1, got {top}", ExitCodes.Usage);
        if (!File.Exists(modelPath)) throw new CliException($"model {modelPath} not found (export one with 'netforge export runs/<name>')");

        using var model = NetForgeModel.Open(modelPath);
        if (model.Contract.Metadata.TryGetValue("input_features", out string? featureList))
            return RunTable(context, model, imagePaths, top, json, featureList);
        var input = InputShape.Of(model.Contract, modelPath);
        // MNIST's normalisation is for digits: a model trained on other data has its pictures prepared as its training
        // pictures were (stretched to the input size, never inverted unless asked).
        bool digits = TrainedOnMnist(model.Contract);
        if (!digits && invert == Invert.Auto) invert = Invert.Never;

        var items = new List<Item>();
        int failed = 0;
        foreach (string path in imagePaths)
        {
            try
            {
                items.AddRange(Load(path, input, fit, invert, digits));
            }
            catch (Exception e) when (e is ImageFormatException or DataException or IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"error: {e.Message}");
                failed++;
            }
        }

        const int Chunk = 256;
        var batch = new byte[Math.Min(Chunk, Math.Max(1, items.Count)) * input.Size];
        for (int start = 0; start < items.Count; start += Chunk)
        {
            int n = Math.Min(Chunk, items.Count - start);
            for (int i = 0; i < n; i++) items[start + i].Pixels.CopyTo(batch, i * input.Size);
            // Raw 0-255 pixels, as bytes: NetForgeModel feeds a uint8 model as is and a float32 model as float values.
            float[] probabilities = model.Predict(batch.AsSpan(0, n * input.Size), n);
            int classes = model.Contract.Classes;
            for (int i = 0; i < n; i++)
            {
                var ranked = model.TopK(probabilities.AsSpan(i * classes, classes), Math.Min(top, classes));
                context.Out.WriteLine(json ? Json(items[start + i], ranked) : Text(items[start + i], ranked));
            }
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
    }

    /// <summary>
    /// A model trained on a CSV table: every row of each CSV file is classified. The model's feature columns are found by
    /// name (any order, other columns ignored) and read as training read them; the model normalises them itself. With the
    /// label column present, each line also shows the true label.
    /// </summary>
    private static int RunTable(CliContext context, NetForgeModel model, IReadOnlyList<string> paths, int top, bool json, string featureList)
    {
        var features = JsonSerializer.Deserialize<string[]>(featureList) ?? [];
        if (features.Length != model.Contract.SampleSize)
            throw new CliException($"{model.Source}: metadata 'input_features' lists {features.Length} columns but the input takes {model.Contract.SampleSize} values");
        string? labelColumn = model.Contract.Metadata.GetValueOrDefault("label_column");
        int classes = model.Contract.Classes, failed = 0;
        foreach (string path in paths)
        {
            float[] values;
            int[] lines;
            string[] labels;
            try
            {
                (values, lines, labels) = CsvTables.ReadRows(path, features, labelColumn);
            }
            catch (DataException e)
            {
                context.Error.WriteLine($"error: {e.Message}");
                failed++;
                continue;
            }

            const int Chunk = 1024;
            for (int start = 0; start < lines.Length; start += Chunk)
            {
                int n = Math.Min(Chunk, lines.Length - start);
                float[] probabilities = model.Predict(values.AsSpan(start * features.Length, n * features.Length), n);
                for (int i = 0; i < n; i++)
                {
                    int row = start + i;
                    var ranked = model.TopK(probabilities.AsSpan(i * classes, classes), Math.Min(top, classes));
                    string truth = labels[row];
                    if (json)
                    {
                        context.Out.WriteLine(JsonSerializer.Serialize(new
                        {
                            file = path,
                            line = lines[row],
                            label = truth.Length > 0 ? truth : null,
                            top = ranked.Select(r => new { label = r.Label, @class = r.Class, probability = (double)r.Probability }),
                        }));
                    }
                    else
                    {
                        string tops = string.Join(", ", ranked.Select(r => $"{r.Label} {Percent(r.Probability)}"));
                        context.Out.WriteLine($"{path}:{lines[row].ToString(CultureInfo.InvariantCulture)}: {tops}{(truth.Length > 0 ? $"  (true: {truth})" : "")}");
                    }
                }
            }
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.InvalidInput;
    }

    /// <summary>True when the model's embedded spec trains on MNIST (or the model has no NetForge spec: digits are what predict was made for).</summary>
    private static bool TrainedOnMnist(ModelContract contract) =>
        !contract.Metadata.TryGetValue("spec", out string? spec) || spec.Contains("\n  dataset: mnist\n", StringComparison.Ordinal);

    /// <summary>The model's single image input: H×W, gray (1 channel) or RGB (3 channels, planar).</summary>
    internal sealed record InputShape(int Height, int Width, int Channels = 1)
    {
        public int Size => Channels * Height * Width;

        public static InputShape Of(ModelContract contract, string modelPath)
        {
            if (contract.Layout == InputLayout.Image && contract.Channels is 1 or 3)
                return new InputShape(contract.Height, contract.Width, contract.Channels);
            int features = contract.SampleSize;
            if (contract.Layout == InputLayout.Features && Math.Sqrt(features) is var side && side == Math.Floor(side))
                return new InputShape((int)side, (int)side);
            throw new CliException($"{modelPath}: input '{contract.InputName}' is {contract.InputDescription}; predict needs [N, 1, H, W], [N, 3, H, W] or [N, H·W] with a square H·W (one gray channel)");
        }
    }

    /// <summary>A picture for an RGB model: its red, green and blue planes (alpha over white), stretched to the input size, as training prepared image folders.</summary>
    private static (byte[] Pixels, string Description) Rgb(Image picture, InputShape input)
    {
        var planes = Preprocess.ToPlanes(picture, 3);
        string kind = picture.Kind;
        string text = kind == "RGB" ? $"{picture.Width}x{picture.Height} RGB" : $"converted {picture.Width}x{picture.Height} {kind} to RGB";
        if (picture.Width == input.Width && picture.Height == input.Height) return (planes, text + $"; already {input.Width}x{input.Height}: pixels used as is");
        return (Preprocess.ResizePlanes(planes, 3, picture.Width, picture.Height, input.Width, input.Height), text + $"; stretched to {input.Width}x{input.Height}");
    }

    private static IEnumerable<Item> Load(string path, InputShape input, Fit fit, Invert invert, bool digits)
    {
        if (Directory.Exists(path)) throw new IOException($"{path} is a folder, expected an image file");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        if (IsIdx(path))
        {
            var idx = IdxReader.ReadImages(path);
            int size = idx.Rows * idx.Cols;
            var result = new List<Item>(idx.Count);
            for (int i = 0; i < idx.Count; i++)
            {
                var image = new Image(idx.Cols, idx.Rows, PixelFormat.Gray8, idx.Pixels.AsSpan(i * size, size).ToArray());
                if (input.Channels == 3)
                {
                    var (rgb, text) = Rgb(image, input);
                    result.Add(new Item($"{path}[{i}]", path, i, rgb, text));
                    continue;
                }
                var prepared = Preprocess.ToModelInput(image, input.Width, input.Height, FitFor(image, input, fit, digits), invert);
                result.Add(new Item($"{path}[{i}]", path, i, prepared.Pixels, prepared.Description));
            }
            return result;
        }

        var picture = ImageFile.Load(path);
        if (input.Channels == 3)
        {
            var (rgb, text) = Rgb(picture, input);
            return [new Item(path, path, null, rgb, text)];
        }
        var model = Preprocess.ToModelInput(picture, input.Width, input.Height, FitFor(picture, input, fit, digits), invert);
        return [new Item(path, path, null, model.Pixels, model.Description)];
    }

    /// <summary><c>--fit auto</c> on a picture of another size than the model's: the digit fit for an MNIST model, else stretch.</summary>
    private static Fit FitFor(Image picture, InputShape input, Fit fit, bool digits) =>
        fit == Fit.Auto && !digits && (picture.Width != input.Width || picture.Height != input.Height) ? Fit.Stretch : fit;

    /// <summary>IDX image files start with 0x00 0x00 0x08 0x03 (raw) or are gzip-compressed (1F 8B) IDX.</summary>
    private static bool IsIdx(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var file = File.OpenRead(path);
        int read = file.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (read >= 2 && head[0] == 0x1F && head[1] == 0x8B) return true;
        return read == 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08 && head[3] == 0x03;
    }

    /// <summary>"digit.png: 7 99.87%, 3 0.08%, 9 0.02%  (inverted: light background)".</summary>
    private static string Text(Item item, ClassScore[] ranked)
    {
        string tops = string.Join(", ", ranked.Select(r => $"{r.Label} {Percent(r.Probability)}"));
        return item.Preprocessing.Length == 0 ? $"{item.Name}: {tops}" : $"{item.Name}: {tops}  ({item.Preprocessing})";
    }

    private static string Percent(float p) => (p * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static string Json(Item item, ClassScore[] ranked) =>
        JsonSerializer.Serialize(new
        {
            file = item.File,
            index = item.Index,
            preprocessing = item.Preprocessing,
            top = ranked.Select(r => new { label = r.Label, @class = r.Class, probability = (double)r.Probability }),
        });
}
