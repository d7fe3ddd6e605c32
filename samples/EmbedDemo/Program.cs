// EmbedDemo: classify IDX images or CSV rows with an exported NetForge model, using only NetForge.Runtime (and Sep to
// read CSV, as an app would).
//
//   dotnet run --project samples/EmbedDemo -- model.onnx t10k-images-idx3-ubyte [t10k-labels-idx1-ubyte] [count]
//   dotnet run --project samples/EmbedDemo -- model.onnx table.csv [count]
//
// The model takes raw values: 0-255 pixels (NetForge puts the 1/255 scaling and any normalisation into the graph) as
// [N, features] (MLPs) or [N, C, H, W] (CNNs), or a table's raw feature values (the per-feature normalisation is in the
// graph too). NetForgeModel reads the layout, the labels and the outputs from the model itself; a table model's
// metadata names its feature columns (input_features) and its label column (label_column).
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using NetForge.Runtime;
using nietras.SeparatedValues;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: EmbedDemo <model.onnx> <images.idx3-ubyte> [labels.idx1-ubyte] [count]");
    Console.Error.WriteLine("       EmbedDemo <model.onnx> <table.csv> [count]");
    return 2;
}

try
{
    if (args[1].EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
    {
        return ClassifyTable(args[0], args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : int.MaxValue);
    }

    (int[] imageDims, byte[] pixels) = ReadIdx(args[1], expectedRank: 3);
    (_, byte[] labels) = args.Length > 2 ? ReadIdx(args[2], expectedRank: 1) : ([], []);
    int available = imageDims[0];
    int count = args.Length > 3 ? Math.Min(int.Parse(args[3], CultureInfo.InvariantCulture), available) : available;
    int perImage = imageDims[1] * imageDims[2];

    using var model = NetForgeModel.Open(args[0]);
    ModelContract contract = model.Contract;
    Console.WriteLine($"ONNX Runtime {NetForgeModel.OnnxRuntimeVersion}; model '{contract.GraphName}' by {contract.Producer}");
    Console.WriteLine($"  input  {contract.InputName}: {contract.InputDescription} ({contract.Layout}, scale {contract.InputScale?.ToString("G6", CultureInfo.InvariantCulture) ?? "not stated"})");
    Console.WriteLine($"  scores {contract.ScoresOutput} ({contract.Scores}), {contract.Classes} classes: {string.Join(" ", contract.Labels)}");
    foreach (string note in contract.Notes)
    {
        Console.WriteLine($"  note: {note}");
    }

    if (contract.SampleSize != perImage)
    {
        throw new InvalidDataException($"{args[1]}: images of {imageDims[1]}x{imageDims[2]} do not fit the model's input {contract.InputDescription}");
    }

    const int Batch = 256;
    var probabilities = new float[Batch * contract.Classes];   // caller-owned: NetForgeModel writes into it, no allocation per call
    int correct = 0;
    for (int start = 0; start < count; start += Batch)
    {
        int n = Math.Min(Batch, count - start);
        // Raw 0-255 bytes: the model scales them itself (float32 models get them as float values).
        model.Predict(pixels.AsSpan(start * perImage, n * perImage), n, probabilities);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = probabilities.AsSpan(i * contract.Classes, contract.Classes);
            int best = NetForgeModel.ArgMax(row);
            bool known = labels.Length > start + i;
            correct += known && labels[start + i] == best ? 1 : 0;
            if (start + i < 10)
            {
                string truth = known ? $"  (true {labels[start + i]})" : "";
                Console.WriteLine($"  image {start + i,5}: {contract.Labels[best],-6} p={row[best]:F4}{truth}");
            }
        }
    }

    if (labels.Length > 0)
    {
        Console.WriteLine($"accuracy over {count} images: {100.0 * correct / count:F2}% ({correct}/{count})");
    }

    return 0;
}
catch (Exception e) when (e is ModelException or IOException or InvalidDataException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// A CSV table with a header: the model's feature columns by name, in the model's order; the label column, when the table
// has it, gives the accuracy (labels are class names, or class indices when the model's labels are 0..K-1).
static int ClassifyTable(string modelPath, string csvPath, int limit)
{
    using var model = NetForgeModel.Open(modelPath);
    ModelContract contract = model.Contract;
    if (!contract.Metadata.TryGetValue("input_features", out string? featuresJson))
    {
        throw new InvalidDataException($"{modelPath}: the model does not name its input features (not exported from a CSV-trained NetForge run)");
    }
    string[] features = JsonSerializer.Deserialize<string[]>(featuresJson) ?? [];
    contract.Metadata.TryGetValue("label_column", out string? labelColumn);
    Console.WriteLine($"ONNX Runtime {NetForgeModel.OnnxRuntimeVersion}; model '{contract.GraphName}': {features.Length} features -> {contract.Classes} classes ({string.Join(" ", contract.Labels)})");

    var values = new List<float>();
    var truth = new List<string?>();
    using (var reader = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All }).FromFile(csvPath))
    {
        var header = reader.Header;
        foreach (string f in features)
        {
            if (!header.ColNames.Contains(f)) throw new InvalidDataException($"{csvPath}: no column '{f}' (the model reads {string.Join(", ", features)})");
        }
        bool hasLabel = labelColumn is not null && header.ColNames.Contains(labelColumn);
        foreach (var row in reader)
        {
            if (truth.Count == limit) break;
            foreach (string f in features)
            {
                var col = row[f];
                if (!float.TryParse(col.Span, NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                {
                    throw new InvalidDataException($"{csvPath}:{row.LineNumberFrom}: column '{f}' holds '{col.ToString()}', not a number");
                }
                values.Add(v);
            }
            truth.Add(hasLabel ? row[labelColumn!].ToString() : null);
        }
    }

    int count = truth.Count;
    float[] probabilities = model.Predict(values.ToArray(), count);   // raw feature values: the model normalises them
    int correct = 0, known = 0;
    for (int i = 0; i < count; i++)
    {
        ReadOnlySpan<float> row = probabilities.AsSpan(i * contract.Classes, contract.Classes);
        int best = NetForgeModel.ArgMax(row);
        if (truth[i] is string label)
        {
            known++;
            correct += label == contract.Labels[best] ? 1 : 0;
        }
        if (i < 10)
        {
            string shown = truth[i] is null ? "" : $"  (true {truth[i]})";
            Console.WriteLine($"  row {i + 1,5}: {contract.Labels[best],-12} p={row[best]:F4}{shown}");
        }
    }
    if (known > 0)
    {
        Console.WriteLine($"accuracy over {known} rows: {100.0 * correct / known:F2}% ({correct}/{known})");
    }
    return 0;
}

// IDX: 2 zero bytes, element type (0x08 = ubyte), rank, then rank big-endian int32 dimensions, then the data.
static (int[] Dims, byte[] Data) ReadIdx(string path, int expectedRank)
{
    byte[] bytes = File.ReadAllBytes(path);
    if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || bytes[3] != expectedRank)
    {
        throw new InvalidDataException($"{path}: not an IDX ubyte file of rank {expectedRank} (gzipped? unpack it first)");
    }

    int header = 4 + 4 * expectedRank;
    var dims = new int[expectedRank];
    long size = 1;
    for (int i = 0; i < expectedRank; i++)
    {
        dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
        size *= dims[i];
    }

    if (bytes.Length != header + size)
    {
        throw new InvalidDataException($"{path}: header says {size} bytes of data, file has {bytes.Length - header}");
    }

    return (dims, bytes[header..]);
}
