using System.Runtime.InteropServices;
using System.Security.Cryptography;
using NetForge.Export;
using NetForge.Export.Onnx;
using NetForge.Runtime;
using NetForge.Spec.Graph;
using NetForge.Engine;
using NetForge.Train.Engines;

namespace NetForge.Parity;

/// <summary>
/// Runs the engine's inference forward and ONNX Runtime on the same samples and measures how far apart they are.
/// The engine runs once; ORT runs at every batch size of <see cref="ParityOptions.BatchSizes"/>. Probabilities must
/// agree within <see cref="ParityOptions.ProbabilityTolerance"/> and every argmax must agree, except near-ties: samples
/// whose engine top-two margin is below the measured max difference, reported separately.
/// </summary>
public static class ParityChecker
{
    /// <summary>Relative differences are taken against max(|a|, |b|, this floor), so values near 0 do not dominate.</summary>
    public const double RelativeFloor = 1e-3;

    /// <summary>
    /// Checks <paramref name="onnxModel"/> (serialized ONNX, with or without a certificate) against
    /// <paramref name="network"/> on <paramref name="count"/> samples of raw 0–255 pixels.
    /// </summary>
    public static ParityCertificate Check(
        Network network, byte[] onnxModel, ReadOnlySpan<byte> pixels, int count, string dataDescription, ParityOptions? options = null) =>
        Check(network, onnxModel, ParseModel(onnxModel ?? throw new ArgumentNullException(nameof(onnxModel))), pixels, count, dataDescription, options);

    /// <summary>
    /// <see cref="Check(Network, byte[], ReadOnlySpan{byte}, int, string, ParityOptions?)"/> on float samples: raw values
    /// as the model's input takes them (CSV feature values; pixels as 0–255 floats for a float32 model).
    /// </summary>
    public static ParityCertificate Check(
        Network network, byte[] onnxModel, ReadOnlySpan<float> samples, int count, string dataDescription, ParityOptions? options = null) =>
        Check(network, onnxModel, ParseModel(onnxModel ?? throw new ArgumentNullException(nameof(onnxModel))), samples, count, dataDescription, options);

    /// <summary>
    /// <see cref="Check(Network, byte[], ReadOnlySpan{byte}, int, string, ParityOptions?)"/> for a model the caller has parsed
    /// already (<paramref name="proto"/> is <paramref name="onnxModel"/> parsed), with the hashes it has computed already:
    /// the model is parsed once and the weights and model hashed once per command.
    /// </summary>
    public static ParityCertificate Check(
        Network network, byte[] onnxModel, ModelProto proto, ReadOnlySpan<byte> pixels, int count, string dataDescription, ParityOptions? options = null,
        string? weightsSha256 = null, string? modelSha256 = null) =>
        Check(Of(network), onnxModel, proto, pixels, count, dataDescription, options, weightsSha256, modelSha256);

    /// <inheritdoc cref="Check(Network, byte[], ModelProto, ReadOnlySpan{byte}, int, string, ParityOptions?, string?, string?)"/>
    public static ParityCertificate Check(
        Network network, byte[] onnxModel, ModelProto proto, ReadOnlySpan<float> samples, int count, string dataDescription, ParityOptions? options = null,
        string? weightsSha256 = null, string? modelSha256 = null) =>
        Check(Of(network), onnxModel, proto, samples, count, dataDescription, options, weightsSha256, modelSha256);

    /// <summary>
    /// <see cref="Check(Network, byte[], ModelProto, ReadOnlySpan{byte}, int, string, ParityOptions?, string?, string?)"/>
    /// with any training engine as the reference (the TorchSharp engine for a run it trained): its inference forward
    /// is compared with ONNX Runtime, and the certificate names it.
    /// </summary>
    public static ParityCertificate Check(
        ITrainingEngine engine, byte[] onnxModel, ModelProto proto, ReadOnlySpan<byte> pixels, int count, string dataDescription, ParityOptions? options = null,
        string? weightsSha256 = null, string? modelSha256 = null) =>
        Check(Of(engine), onnxModel, proto, pixels, count, dataDescription, options, weightsSha256, modelSha256);

    /// <inheritdoc cref="Check(ITrainingEngine, byte[], ModelProto, ReadOnlySpan{byte}, int, string, ParityOptions?, string?, string?)"/>
    public static ParityCertificate Check(
        ITrainingEngine engine, byte[] onnxModel, ModelProto proto, ReadOnlySpan<float> samples, int count, string dataDescription, ParityOptions? options = null,
        string? weightsSha256 = null, string? modelSha256 = null) =>
        Check(Of(engine), onnxModel, proto, samples, count, dataDescription, options, weightsSha256, modelSha256);

    private static Reference Of(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return new Reference(NetForgeEngine.EngineName, network.Graph.Name, network.InputSize, network.NumClasses, network.MaxBatch,
            network.Predict, () => WeightsSha256(network));
    }

    private static Reference Of(ITrainingEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return new Reference(engine.Name, engine.Graph.Name, engine.InputSize, engine.NumClasses, engine.MaxBatch, engine.Predict, () => WeightsSha256(engine));
    }

    private sealed record Reference(string Engine, string ModelName, int InputSize, int Classes, int MaxBatch, BatchPredict Predict, Func<string> WeightsSha256);

    private static ParityCertificate Check<T>(
        Reference reference, byte[] onnxModel, ModelProto proto, ReadOnlySpan<T> pixels, int count, string dataDescription, ParityOptions? options,
        string? weightsSha256, string? modelSha256)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentNullException.ThrowIfNull(proto);
        options ??= new ParityOptions();
        int inputSize = reference.InputSize;
        int classes = reference.Classes;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (pixels.Length < (long)count * inputSize)
            throw new ArgumentException($"{count} samples need {(long)count * inputSize} pixel values, got {pixels.Length}", nameof(pixels));
        if (options.BatchSizes.Count == 0 || options.BatchSizes.Any(b => b <= 0))
            throw new ArgumentException("batch sizes must be positive", nameof(options));

        var engineLogits = new float[count * classes];
        var engineProbs = new float[count * classes];
        RunBatches(reference.InputSize, reference.Classes, reference.MaxBatch, reference.Predict, pixels, count, engineLogits, engineProbs);

        using NetForgeModel model = OpenModel(onnxModel, options.OrtThreads);
        ModelContract contract = model.Contract;
        if (contract.ProbabilitiesOutput is null || contract.LogitsOutput != OnnxExporter.LogitsName)
            throw new ParityException($"the model needs outputs '{OnnxExporter.LogitsName}' and '{OnnxExporter.ProbabilitiesName}'; it has {string.Join(", ", model.Session.OutputMetadata.Keys)}");
        if (contract.SampleSize != inputSize || contract.Classes != classes)
            throw new ParityException($"the model takes {contract.InputDescription} and has {contract.Classes} classes; the network takes {inputSize} values per sample and has {classes} classes");

        var batches = new List<BatchParity>();
        var ortArgmax = new List<int[]>();
        double maxAbsP = 0, maxRelP = 0, maxAbsL = 0, maxRelL = 0;
        var worst = new WorstSample(0, options.BatchSizes[0], 0);
        int largest = Math.Min(count, options.BatchSizes.Max());
        var probs = new float[largest * classes];
        var logits = new float[largest * classes];

        foreach (int batchSize in options.BatchSizes)
        {
            double bAbsP = 0, bAbsL = 0;
            var argmax = new int[count];
            for (int start = 0; start < count; start += batchSize)
            {
                int n = Math.Min(batchSize, count - start);
                // Raw 0-255 bytes: NetForgeModel feeds them as they are to a uint8 model, as float32 to a float one.
                var chunk = pixels.Slice(start * inputSize, n * inputSize);
                if (typeof(T) == typeof(byte)) model.Predict(MemoryMarshal.Cast<T, byte>(chunk), n, probs.AsSpan(0, n * classes), logits.AsSpan(0, n * classes));
                else model.Predict(MemoryMarshal.Cast<T, float>(chunk), n, probs.AsSpan(0, n * classes), logits.AsSpan(0, n * classes));
                for (int s = 0; s < n; s++)
                {
                    int sample = start + s;
                    var eP = engineProbs.AsSpan(sample * classes, classes);
                    var eL = engineLogits.AsSpan(sample * classes, classes);
                    var oP = probs.AsSpan(s * classes, classes);
                    var oL = logits.AsSpan(s * classes, classes);
                    double sampleAbs = 0;
                    for (int c = 0; c < classes; c++)
                    {
                        double dp = Diff(eP[c], oP[c]);
                        double dl = Diff(eL[c], oL[c]);
                        sampleAbs = Math.Max(sampleAbs, dp);
                        bAbsP = Math.Max(bAbsP, dp);
                        bAbsL = Math.Max(bAbsL, dl);
                        maxRelP = Math.Max(maxRelP, dp / Math.Max(RelativeFloor, Math.Max(Math.Abs(eP[c]), Math.Abs(oP[c]))));
                        maxRelL = Math.Max(maxRelL, dl / Math.Max(RelativeFloor, Math.Max(Math.Abs(eL[c]), Math.Abs(oL[c]))));
                    }

                    if (sampleAbs > worst.AbsDiff) worst = new WorstSample(sample, batchSize, sampleAbs);
                    argmax[sample] = NetForgeModel.ArgMax(oP);
                }
            }

            maxAbsP = Math.Max(maxAbsP, bAbsP);
            maxAbsL = Math.Max(maxAbsL, bAbsL);
            ortArgmax.Add(argmax);
            batches.Add(new BatchParity(batchSize, bAbsP, bAbsL, 0, 0));
        }

        // Disagreements and near-ties, now that the max difference is known.
        int disagreements = 0, nearTies = 0;
        var engineArgmax = new int[count];
        var nearTie = new bool[count];
        for (int s = 0; s < count; s++)
        {
            var eP = engineProbs.AsSpan(s * classes, classes);
            engineArgmax[s] = NetForgeModel.ArgMax(eP);
            nearTie[s] = TopTwoMargin(eP) <= maxAbsP;
        }

        for (int b = 0; b < batches.Count; b++)
        {
            int dis = 0, ties = 0;
            for (int s = 0; s < count; s++)
            {
                if (ortArgmax[b][s] == engineArgmax[s]) continue;
                if (nearTie[s]) ties++;
                else dis++;
            }

            batches[b] = batches[b] with { ArgmaxDisagreements = dis, NearTies = ties };
            disagreements += dis;
            nearTies += ties;
        }

        bool finite = double.IsFinite(maxAbsP) && double.IsFinite(maxAbsL);
        bool pass = finite && maxAbsP <= options.ProbabilityTolerance && disagreements == 0;
        int totalComparisons = count * batches.Count;
        return new ParityCertificate
        {
            ModelName = reference.ModelName,
            Reference = reference.Engine,
            SpecSha256 = Metadata(proto, "spec_sha256") ?? "",
            WeightsSha256 = weightsSha256 ?? reference.WeightsSha256(),
            ModelSha256 = modelSha256 ?? OnnxModelHash.Compute(proto, ParityCertificate.MetadataKey),
            OnnxRuntimeVersion = NetForgeModel.OnnxRuntimeVersion,
            NetForgeVersion = OnnxExporter.NetForgeVersion,
            Samples = count,
            Data = dataDescription,
            Preprocessing = Preprocessing(proto),
            Batches = batches,
            MaxAbsDiffProbabilities = maxAbsP,
            MaxRelDiffProbabilities = maxRelP,
            MaxAbsDiffLogits = maxAbsL,
            MaxRelDiffLogits = maxRelL,
            ArgmaxAgreement = (double)(totalComparisons - disagreements - nearTies) / totalComparisons,
            ArgmaxDisagreements = disagreements,
            NearTies = nearTies,
            Worst = worst,
            Tolerance = options.ProbabilityTolerance,
            Verdict = pass ? "pass" : "fail",
        };
    }

    /// <summary>SHA-256 (hex) of the network's parameter buffer as little-endian float32, in slice order.</summary>
    public static string WeightsSha256(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(network.Parameters.Values.AsSpan())));
    }

    /// <summary>
    /// SHA-256 (hex) of an engine's flat parameter view (<see cref="ITrainingEngine.ReadParameters"/>): the same layout
    /// as <see cref="Network.Parameters"/>, so equal weights hash equally in every engine.
    /// </summary>
    public static string WeightsSha256(ITrainingEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var values = new float[engine.Graph.ParameterCount];
        engine.ReadParameters(values);
        return Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
    }

    /// <summary>The network's parameters by path, the form <see cref="OnnxExporter.Export"/> takes.</summary>
    public static IReadOnlyDictionary<string, float[]> Weights(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var slice in network.Parameters.Slices) weights[slice.Path] = network.Parameters.Value(slice).ToArray();
        return weights;
    }

    internal delegate void BatchPredict(ReadOnlySpan<float> input, int batch, Span<float> logits, Span<float> probabilities);

    /// <summary>Raw samples (bytes or floats) → float batches of at most <paramref name="maxBatch"/> → an inference forward into logits and probabilities.</summary>
    internal static void RunBatches<T>(int inputSize, int classes, int maxBatch, BatchPredict predict, ReadOnlySpan<T> samples, int count, Span<float> logits, Span<float> probs)
        where T : unmanaged
    {
        var buffer = new float[maxBatch * inputSize];
        for (int start = 0; start < count; start += maxBatch)
        {
            int n = Math.Min(maxBatch, count - start);
            var chunk = samples.Slice(start * inputSize, n * inputSize);
            ToFloats(chunk, buffer);
            predict(buffer.AsSpan(0, n * inputSize), n, logits.Slice(start * classes, n * classes), probs.Slice(start * classes, n * classes));
        }
    }

    /// <summary>Bytes (0–255) or floats as floats.</summary>
    internal static void ToFloats<T>(ReadOnlySpan<T> samples, Span<float> destination)
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte)) System.Numerics.Tensors.TensorPrimitives.ConvertChecked<byte, float>(MemoryMarshal.Cast<T, byte>(samples), destination);
        else if (typeof(T) == typeof(float)) MemoryMarshal.Cast<T, float>(samples).CopyTo(destination);
        else throw new NotSupportedException($"samples of {typeof(T).Name}: bytes or floats only");
    }

    /// <summary>Parses serialized ONNX; anything else → <see cref="ParityException"/> ("not an ONNX model").</summary>
    public static ModelProto ParseModel(byte[] onnxModel)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(onnxModel);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException ex)
        {
            throw new ParityException($"not an ONNX model: {ex.Message}", ex);
        }
    }

    /// <summary>The model's input preprocessing from its metadata: the scale and the normalisation the graph applies.</summary>
    internal static string Preprocessing(ModelProto model)
    {
        var parts = new List<string>();
        if (Metadata(model, "input_scale") is { } scale && scale != "1") parts.Add($"x·{scale}");
        if (Metadata(model, "input_normalization") is { } norm)
        {
            using var json = System.Text.Json.JsonDocument.Parse(norm);
            var root = json.RootElement;
            parts.Add($"(x − mean) / std per {root.GetProperty("per").GetString()}, mean {root.GetProperty("mean").GetRawText()}, std {root.GetProperty("std").GetRawText()}");
        }

        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }

    internal static string? Metadata(ModelProto model, string key) =>
        model.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value;

    /// <summary>Opens serialized ONNX in ONNX Runtime; its problems become a <see cref="ParityException"/>.</summary>
    internal static NetForgeModel OpenModel(byte[] model, int threads)
    {
        try
        {
            return NetForgeModel.Open(model, new NetForgeModelOptions { IntraOpThreads = threads }, "the ONNX model");
        }
        catch (ModelException ex)
        {
            throw new ParityException(ex.Message, ex);
        }
    }

    private static double Diff(float a, float b)
    {
        double d = Math.Abs((double)a - b);
        return double.IsNaN(d) ? double.PositiveInfinity : d;
    }

    private static double TopTwoMargin(ReadOnlySpan<float> row)
    {
        double first = double.NegativeInfinity, second = double.NegativeInfinity;
        foreach (float v in row)
        {
            if (v > first) (first, second) = (v, first);
            else if (v > second) second = v;
        }

        return first - second;
    }
}
