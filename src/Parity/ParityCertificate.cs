using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetForge.Parity;

/// <summary>The sample where engine and ONNX Runtime differ most.</summary>
public sealed record WorstSample(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("abs_diff")] double AbsDiff);

/// <summary>Differences measured at one ORT batch size.</summary>
public sealed record BatchParity(
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("max_abs_diff_probabilities")] double MaxAbsDiffProbabilities,
    [property: JsonPropertyName("max_abs_diff_logits")] double MaxAbsDiffLogits,
    [property: JsonPropertyName("argmax_disagreements")] int ArgmaxDisagreements,
    [property: JsonPropertyName("near_ties")] int NearTies);

/// <summary>
/// A parity certificate: proof that ONNX Runtime gives the engine's answers for one model. Stored in the ONNX
/// file's <c>metadata_props</c> under <see cref="MetadataKey"/> and beside it as JSON. <see cref="ModelSha256"/> is
/// taken with this entry removed, so storing the certificate does not change the hash it certifies.
/// </summary>
public sealed record ParityCertificate
{
    public const string MetadataKey = "parity_certificate";
    public const string CurrentFormat = "netforge-parity/1";

    [JsonPropertyName("format")] public string Format { get; init; } = CurrentFormat;
    [JsonPropertyName("model")] public required string ModelName { get; init; }
    /// <summary>The engine whose answers ONNX Runtime was compared with (<c>netforge</c>, <c>torchsharp</c>); absent in certificates before it was recorded.</summary>
    [JsonPropertyName("reference")] public string Reference { get; init; } = "netforge";
    [JsonPropertyName("spec_sha256")] public required string SpecSha256 { get; init; }
    [JsonPropertyName("weights_sha256")] public required string WeightsSha256 { get; init; }
    [JsonPropertyName("model_sha256")] public required string ModelSha256 { get; init; }
    [JsonPropertyName("onnxruntime_version")] public required string OnnxRuntimeVersion { get; init; }
    [JsonPropertyName("netforge_version")] public required string NetForgeVersion { get; init; }
    [JsonPropertyName("samples")] public required int Samples { get; init; }
    [JsonPropertyName("data")] public required string Data { get; init; }
    /// <summary>What the model does to its raw input before the first layer, e.g. <c>x·0.00392; (x − mean) / std per feature, mean [..], std [..]</c>; inside the certified graph.</summary>
    [JsonPropertyName("preprocessing")] public string Preprocessing { get; init; } = "";
    [JsonPropertyName("batch_sizes")] public required IReadOnlyList<BatchParity> Batches { get; init; }
    [JsonPropertyName("max_abs_diff_probabilities")] public required double MaxAbsDiffProbabilities { get; init; }
    [JsonPropertyName("max_rel_diff_probabilities")] public required double MaxRelDiffProbabilities { get; init; }
    [JsonPropertyName("max_abs_diff_logits")] public required double MaxAbsDiffLogits { get; init; }
    [JsonPropertyName("max_rel_diff_logits")] public required double MaxRelDiffLogits { get; init; }
    [JsonPropertyName("argmax_agreement")] public required double ArgmaxAgreement { get; init; }
    [JsonPropertyName("argmax_disagreements")] public required int ArgmaxDisagreements { get; init; }
    [JsonPropertyName("near_ties")] public required int NearTies { get; init; }
    [JsonPropertyName("worst_sample")] public required WorstSample Worst { get; init; }
    [JsonPropertyName("tolerance_probabilities")] public required double Tolerance { get; init; }
    [JsonPropertyName("verdict")] public required string Verdict { get; init; }
    [JsonPropertyName("first_divergent_layer")] public string? FirstDivergentLayer { get; init; }

    [JsonIgnore] public bool Passed => Verdict == "pass";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses a certificate; malformed JSON → <see cref="ParityException"/>.</summary>
    public static ParityCertificate FromJson(string json)
    {
        try
        {
            var certificate = JsonSerializer.Deserialize<ParityCertificate>(json, Json)
                ?? throw new ParityException("the parity certificate is empty");
            if (certificate.Format != CurrentFormat)
                throw new ParityException($"unknown parity certificate format '{certificate.Format}', expected '{CurrentFormat}'");
            return certificate;
        }
        catch (JsonException ex)
        {
            throw new ParityException($"the parity certificate is not valid JSON: {ex.Message}", ex);
        }
    }
}

/// <summary>A parity check could not run or a certificate could not be read or verified.</summary>
public sealed class ParityException : Exception
{
    public ParityException(string message) : base(message) { }
    public ParityException(string message, Exception inner) : base(message, inner) { }
}
