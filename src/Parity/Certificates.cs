using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using NetForge.Export;
using NetForge.Export.Onnx;
using NetForge.Runtime;
using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Engine;

namespace NetForge.Parity;

/// <summary>The outcome of re-checking a stored certificate.</summary>
public sealed record VerificationResult(ParityCertificate Stored, ParityCertificate Remeasured, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>Stores parity certificates in ONNX files and re-checks them anywhere, from the ONNX file alone.</summary>
public static class Certificates
{
    /// <summary>The JSON copy written beside a model: <c>model.onnx</c> → <c>model.onnx.parity.json</c>.</summary>
    public static string SidecarPath(string modelPath) => modelPath + ".parity.json";

    /// <summary>Returns the model with <paramref name="certificate"/> in its metadata (replacing an older one).</summary>
    public static ModelProto Embed(ModelProto model, ParityCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(certificate);
        var copy = model.Clone();
        var kept = copy.MetadataProps.Where(p => p.Key != ParityCertificate.MetadataKey).ToList();
        copy.MetadataProps.Clear();
        copy.MetadataProps.AddRange(kept);
        copy.MetadataProps.Add(new StringStringEntryProto { Key = ParityCertificate.MetadataKey, Value = certificate.ToJson() });
        return copy;
    }

    /// <summary>The certificate stored in a model, or null when there is none.</summary>
    public static ParityCertificate? Read(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string? json = ParityChecker.Metadata(model, ParityCertificate.MetadataKey);
        return json is null ? null : ParityCertificate.FromJson(json);
    }

    /// <summary>Writes the certificate into the model file and beside it as JSON; both writes are atomic.</summary>
    public static void Store(string modelPath, ModelProto model, ParityCertificate certificate)
    {
        OnnxExporter.Write(Embed(model, certificate), modelPath);
        WriteTextAtomic(SidecarPath(modelPath), certificate.ToJson() + "\n");
    }

    /// <summary>
    /// Re-checks the certificate stored in <paramref name="modelPath"/>: the model hash (certificate entry excluded)
    /// must match; the engine is rebuilt from the spec and initializers inside the model, its weights hash must
    /// match, and parity is measured again on the given samples at the certified batch sizes.
    /// </summary>
    public static VerificationResult Verify(string modelPath, ReadOnlySpan<byte> pixels, int count, string dataDescription, ParityOptions? options = null) =>
        Verify<byte>(modelPath, pixels, count, dataDescription, options);

    /// <summary><see cref="Verify(string, ReadOnlySpan{byte}, int, string, ParityOptions?)"/> on float samples (CSV feature values).</summary>
    public static VerificationResult Verify(string modelPath, ReadOnlySpan<float> samples, int count, string dataDescription, ParityOptions? options = null) =>
        Verify<float>(modelPath, samples, count, dataDescription, options);

    private static VerificationResult Verify<T>(string modelPath, ReadOnlySpan<T> pixels, int count, string dataDescription, ParityOptions? options)
        where T : unmanaged
    {
        byte[] bytes = ReadModelFile(modelPath);
        ModelProto model = ParityChecker.ParseModel(bytes);
        ParityCertificate stored = Read(model) ?? throw new ParityException($"{modelPath}: no parity certificate in the model's metadata (run `netforge parity` first)");
        var problems = new List<string>();
        string modelHash = OnnxModelHash.Compute(model, ParityCertificate.MetadataKey);
        if (modelHash != stored.ModelSha256)
            problems.Add($"model hash {modelHash} differs from the certified {stored.ModelSha256}: the model was changed after certification");

        ModelGraph graph = GraphFromModel(model, modelPath);
        var network = NetworkFromModel(model, graph, Math.Min(1000, Math.Max(1, count)), options?.EngineThreads ?? Environment.ProcessorCount);
        string weightsHash = ParityChecker.WeightsSha256(network);
        if (weightsHash != stored.WeightsSha256)
            problems.Add($"weights hash {weightsHash} differs from the certified {stored.WeightsSha256}");

        var remeasure = (options ?? new ParityOptions()) with
        {
            BatchSizes = stored.Batches.Select(b => b.BatchSize).ToArray(),
            ProbabilityTolerance = stored.Tolerance,
        };
        ParityCertificate again = typeof(T) == typeof(byte)
            ? ParityChecker.Check(network, bytes, model, MemoryMarshal.Cast<T, byte>(pixels), count, dataDescription, remeasure, weightsHash, modelHash)
            : ParityChecker.Check(network, bytes, model, MemoryMarshal.Cast<T, float>(pixels), count, dataDescription, remeasure, weightsHash, modelHash);
        if (!again.Passed)
            problems.Add($"parity fails now: max abs diff {again.MaxAbsDiffProbabilities:G3} (tolerance {again.Tolerance:G3}), {again.ArgmaxDisagreements} argmax disagreements");
        if (!stored.Passed)
            problems.Add("the stored certificate's verdict is 'fail'");
        return new VerificationResult(stored, again, problems);
    }

    /// <summary>The graph a NetForge model was exported from, recompiled from its <c>spec</c> metadata.</summary>
    public static ModelGraph GraphFromModel(ModelProto model, string modelPath)
    {
        string spec = ParityChecker.Metadata(model, "spec")
            ?? throw new ParityException($"{modelPath}: no 'spec' metadata: not a NetForge export");
        try
        {
            return SpecCompiler.Compile(spec, modelPath + "#spec");
        }
        catch (SpecException ex)
        {
            throw new ParityException($"{modelPath}: the embedded spec does not compile:{Environment.NewLine}{ex.Message}", ex);
        }
    }

    /// <summary>An engine network holding the model's initializers (matched by parameter path).</summary>
    public static Network NetworkFromModel(ModelProto model, ModelGraph graph, int maxBatch, int threads)
    {
        var network = new Network(graph, maxBatch, threads);
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var slice in network.Parameters.Slices)
        {
            if (!initializers.TryGetValue(slice.Path, out var tensor))
                throw new ParityException($"the model has no initializer '{slice.Path}'");
            var target = network.Parameters.Value(slice);
            if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
                throw new ParityException($"initializer '{slice.Path}' is not float32");
            if (!tensor.RawData.IsEmpty)
            {
                if (tensor.RawData.Length != target.Length * sizeof(float))
                    throw new ParityException($"initializer '{slice.Path}' holds {tensor.RawData.Length / 4} values, expected {target.Length}");
                MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).CopyTo(target);
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
            }
            else
            {
                if (tensor.FloatData.Count != target.Length)
                    throw new ParityException($"initializer '{slice.Path}' holds {tensor.FloatData.Count} values, expected {target.Length}");
                for (int i = 0; i < target.Length; i++) target[i] = tensor.FloatData[i];
            }
        }

        return network;
    }

    /// <summary>Reads a model file; IO problems become a <see cref="ParityException"/> naming the file.</summary>
    public static byte[] ReadModelFile(string modelPath)
    {
        try
        {
            return File.ReadAllBytes(modelPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityException($"cannot read {modelPath}: {ex.Message}", ex);
        }
    }

    private static void WriteTextAtomic(string path, string text)
    {
        try
        {
            NetForge.IO.AtomicFile.WriteAllText(path, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ParityException($"cannot write {path}: {ex.Message}", ex);
        }
    }
}
