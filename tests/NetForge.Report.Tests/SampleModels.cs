using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NetForge.Report.Tests;

/// <summary>Plausible report models: a 12-epoch CNN run on MNIST with a 10×10 confusion matrix.</summary>
internal static class SampleModels
{
    public static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Test-set class sizes of MNIST (t10k), so the confusion rows look real.</summary>
    private static readonly int[] ClassSizes = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

    public const string Spec = """
        name: cnn
        description: a small convnet for MNIST
        input: { shape: [1, 28, 28], scale: 0.00392156862745098 }
        layers:
          - conv2d: { filters: 32, kernel_size: 3, activation: relu }
          - max_pool2d: { pool_size: 2 }
          - flatten: {}
          - dense: { units: 10, activation: softmax }
        train:
          optimizer: { adam: { learning_rate: 0.001 } }
          epochs: 12
          batch_size: 128
        """;

    /// <summary>12 epochs of curves that look like a real run; the learning rate halves at epoch 7 when <paramref name="lrDecay"/>.</summary>
    public static IReadOnlyList<EpochPoint> Epochs(int count = 12, bool lrDecay = true, double offset = 0)
    {
        var epochs = new List<EpochPoint>();
        for (int e = 1; e <= count; e++)
        {
            double loss = 0.02 + 0.28 * Math.Exp(-(e - 1) / 2.5) + offset;
            double valLoss = 0.035 + 0.09 * Math.Exp(-(e - 1) / 2.0) + 0.0015 * Math.Max(0, e - 8) + offset;
            double accuracy = 0.995 - 0.085 * Math.Exp(-(e - 1) / 2.2) - offset / 10;
            double valAccuracy = 0.9905 - 0.02 * Math.Exp(-(e - 1) / 2.0) - 0.0003 * Math.Max(0, e - 9) - offset / 10;
            double lr = lrDecay && e >= 7 ? 0.0005 : 0.001;
            double seconds = 11.5 + 0.3 * Math.Sin(e);
            epochs.Add(new EpochPoint(e, loss, accuracy, valLoss, valAccuracy, lr, seconds, 54000 / seconds));
        }
        return epochs;
    }

    /// <summary>A 10×10 confusion matrix of about 99% accuracy with a few typical confusions (4→9, 7→2, 5→3...).</summary>
    public static long[] Confusion()
    {
        var counts = new long[100];
        (int True, int Predicted, int Count)[] errors =
            [(4, 9, 9), (7, 2, 7), (5, 3, 6), (9, 4, 5), (2, 7, 4), (3, 5, 4), (8, 3, 3), (6, 0, 3), (1, 7, 2), (0, 6, 2), (8, 9, 2), (9, 7, 3), (2, 8, 1)];
        for (int c = 0; c < 10; c++) counts[c * 10 + c] = ClassSizes[c];
        foreach (var (t, p, n) in errors)
        {
            counts[t * 10 + p] += n;
            counts[t * 10 + t] -= n;
        }
        return counts;
    }

    public static ReportModel Full(bool thumbnails = true, string title = "cnn")
    {
        var confusion = Confusion();
        long correct = Enumerable.Range(0, 10).Sum(c => confusion[c * 10 + c]);
        return new ReportModel
        {
            Title = title,
            RunDirectory = "runs/" + title,
            NetForgeVersion = "0.1.0",
            Generated = new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero),
            SpecYaml = Spec,
            Summary =
            [
                new SummaryRow(0, "conv2d", "Conv2D", "[32, 26, 26]", 320),
                new SummaryRow(1, "max_pooling2d", "MaxPooling2D", "[32, 13, 13]", 0),
                new SummaryRow(2, "flatten", "Flatten", "[5408]", 0),
                new SummaryRow(3, "dense", "Dense", "[10]", 54090),
            ],
            TotalParameters = 54410,
            TrainableParameters = 54410,
            Epochs = Epochs(),
            ValidationLabel = "validation",
            Test = new TestResults(0.0312, correct / 10000.0, Digits, confusion),
            Mistakes =
            [
                new Mistake(4823, "4", "9", 0.973, 0.021, thumbnails ? DigitPng(4) : "data:image/png;base64,AAAA"),
                new Mistake(1226, "7", "2", 0.951, 0.046, thumbnails ? DigitPng(7) : "data:image/png;base64,AAAA"),
                new Mistake(2462, "2", "0", 0.889, 0.09, thumbnails ? DigitPng(2) : "data:image/png;base64,AAAA"),
                new Mistake(9729, "5", "6", 0.812, 0.15, thumbnails ? DigitPng(5) : "data:image/png;base64,AAAA"),
            ],
            Parity = new ParityView("model.onnx",
                [("verdict", "pass"), ("samples", "10,000 (mnist test)"), ("max |Δ| probabilities", "2.98e-07"), ("ONNX Runtime", "1.20.1")],
                [new ParityBatchRow(1, 1.2e-7, 9.5e-7, 0), new ParityBatchRow(64, 2.98e-7, 1.43e-6, 0)],
                Passed: true),
            Status = "completed",
        };
    }

    /// <summary>
    /// <see cref="Full"/> with <paramref name="mistakes"/> misclassified digits, each showing <paramref name="thumbnail"/>
    /// (a data URI) or, when null, a synthetic digit.
    /// </summary>
    public static ReportModel Report(int mistakes = 4, string? thumbnail = null) => Full() with
    {
        Mistakes =
        [
            .. Enumerable.Range(0, mistakes).Select(i => new Mistake(
                100 + i * 37, Digits[i % 10], Digits[(i + 3) % 10], 0.99 - i * 0.03, 0.005 + i * 0.01, thumbnail ?? DigitPng(i))),
        ],
    };

    /// <summary>A run with nothing optional: no test results, no mistakes, no parity, constant learning rate.</summary>
    public static ReportModel Minimal() => Full() with
    {
        Epochs = Epochs(lrDecay: false),
        Test = null,
        Mistakes = [],
        Parity = null,
    };

    /// <summary>A 28×28 grey PNG with a rough stroke pattern per digit, as a data URI (what the caller would supply).</summary>
    public static string DigitPng(int seed)
    {
        var pixels = new byte[28 * 28];
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                double dx = x - 14, dy = y - 14, r = Math.Sqrt(dx * dx + dy * dy);
                bool ring = Math.Abs(r - 7 - seed % 3) < 2;
                bool bar = Math.Abs(x - 14 - (seed - 5) * (y - 14) / 14.0) < 1.5 && y is > 4 and < 24;
                pixels[y * 28 + x] = (byte)(ring && seed % 2 == 0 || bar ? 255 : 0);
            }
        return "data:image/png;base64," + Convert.ToBase64String(Png(28, 28, pixels));
    }

    private static byte[] Png(int width, int height, byte[] gray)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grey), no interlace
        Chunk(output, "IHDR", header);
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0);
                z.Write(gray, y * width, width);
            }
        Chunk(output, "IDAT", raw.ToArray());
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        var buffer = new byte[8 + data.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        Encoding.ASCII.GetBytes(type, buffer.AsSpan(4));
        data.CopyTo(buffer, 8);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8 + data.Length), Crc32(buffer.AsSpan(4, 4 + data.Length)));
        output.Write(buffer);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}

/// <summary>Reads rendered output back: XML parsing of the page and of its SVG fragments.</summary>
internal static partial class Parsed
{
    /// <summary>The whole page as XML (it is written to be well-formed).</summary>
    public static XDocument Page(string html) => XDocument.Parse(html);

    /// <summary>Every <c>&lt;svg&gt;…&lt;/svg&gt;</c> substring, each parsed on its own.</summary>
    public static List<XElement> SvgFragments(string html) =>
        [.. SvgElement().Matches(html).Select(m => XElement.Parse(m.Value))];

    public static XElement? ById(XDocument page, string id) =>
        page.Descendants().FirstOrDefault(e => (string?)e.Attribute("id") == id);

    /// <summary>The points of a polyline's <c>points</c> attribute.</summary>
    public static List<(double X, double Y)> Points(XElement polyline) =>
        [.. ((string)polyline.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))];

    public static double Num(XElement e, string attribute) =>
        double.Parse((string)e.Attribute(attribute)!, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"<svg\b.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgElement();
}
