namespace NetForge.Spec.Graph;

/// <summary>
/// The input block: per-sample shape and the preprocessing, part of the model: x·scale, then, with
/// <see cref="Normalize"/>, (x·scale − mean) / std per channel ([C, H, W] input) or per feature ([F] input).
/// </summary>
public sealed record InputSpec(Shape Shape, double Scale, SourceLocation Location)
{
    /// <summary>The normalisation after the scale, or null for none.</summary>
    public InputNormalization? Normalize { get; init; }

    /// <summary>Values per normalisation group: one channel's plane (H·W) for an image input, 1 for features.</summary>
    public int NormalizationStride => Shape.Rank == 3 ? Shape[1] * Shape[2] : 1;

    /// <summary>Normalisation groups: channels of an image input, features of an [F] input.</summary>
    public int NormalizationGroups => Shape[0];

    // The three original members print as a record prints them, so graphs without normalisation keep their fingerprints.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Shape = ").Append(Shape).Append(", Scale = ").Append(Scale).Append(", Location = ").Append(Location);
        if (Normalize is { } n) builder.Append(", Normalize = ").Append(n.Describe());
        return true;
    }
}

/// <summary>
/// <c>input.normalize</c>: per-group mean and standard deviation (one value, or one per channel or feature), in units of
/// x·scale; both null for <c>auto</c>: computed from the training set when the data is read (then written into the
/// resolved spec). Values are float32 (the model computes in float32).
/// </summary>
public sealed record InputNormalization(IReadOnlyList<float>? Mean, IReadOnlyList<float>? Std)
{
    /// <summary><c>normalize: auto</c>, not yet computed from the data.</summary>
    public static readonly InputNormalization Auto = new(null, null);

    /// <summary>True until the data has given the values.</summary>
    public bool IsAuto => Mean is null || Std is null;

    /// <summary>Text for fingerprints and messages: <c>auto</c> or <c>mean [..] std [..]</c> (round-trip values).</summary>
    public string Describe() => IsAuto ? "auto" : $"mean [{Join(Mean!)}] std [{Join(Std!)}]";

    /// <summary>Mean and std per group (<paramref name="groups"/> values; a single value is repeated).</summary>
    public (float[] Mean, float[] Std) PerGroup(int groups)
    {
        if (IsAuto) throw new InvalidOperationException("normalize: auto has no values until the training data has been read (DataSources.Bind)");
        return (Expand(Mean!, groups), Expand(Std!, groups));
    }

    /// <summary>Equal when the values are (records compare lists by reference).</summary>
    public bool Equals(InputNormalization? other) =>
        other is not null && Same(Mean, other.Mean) && Same(Std, other.Std);

    public override int GetHashCode() => Describe().GetHashCode(StringComparison.Ordinal);

    private static bool Same(IReadOnlyList<float>? a, IReadOnlyList<float>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    private static float[] Expand(IReadOnlyList<float> values, int groups) =>
        values.Count == 1 ? Enumerable.Repeat(values[0], groups).ToArray()
        : values.Count == groups ? [.. values]
        : throw new InvalidOperationException($"normalize has {values.Count} values for {groups} groups");

    private static string Join(IReadOnlyList<float> v) => string.Join(", ", v.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>
/// A validated, shape-inferred sequential network: the one typed IR that Train and Export share.
/// Produced only by <see cref="SpecCompiler"/>; every shape and default is resolved.
/// </summary>
public sealed record ModelGraph(
    string Name,
    string? Description,
    string Dialect,
    InputSpec Input,
    IReadOnlyList<string> Labels,
    IReadOnlyList<LayerNode> Layers,
    TrainSpec Train,
    string SourcePath)
{
    /// <summary>
    /// Where the data comes from (<c>train.dataset</c>). Not part of <see cref="Fingerprint"/>: the data's location may
    /// change between a run and its resume; its shapes and classes are checked against the graph whenever it is read.
    /// </summary>
    public DataSourceSpec Data { get; init; } = MnistSourceSpec.Instance;

    public Shape OutputShape => Layers.Count > 0 ? Layers[^1].OutputShape : Input.Shape;
    public int NumClasses => (int)OutputShape.Size;

    /// <summary>All parameters in layer order; the order of the engine's flat parameter buffer.</summary>
    public IEnumerable<ParamSpec> Parameters => Layers.SelectMany(l => l.Parameters);
    public long ParameterCount => Layers.Sum(l => l.ParameterCount);
    public long TrainableParameterCount => Layers.Sum(l => l.TrainableParameterCount);
    public long MacsPerSample => Layers.Sum(l => l.MacsPerSample);

    /// <summary>
    /// SHA-256 (hex) of everything that shapes training except the epoch count and file locations: input, labels,
    /// layers with their parameters and initializers, and the train block with epochs = 0. A checkpoint records it;
    /// a run folder whose checkpoint does not match its spec is refused, and a resume must match it.
    /// </summary>
    public string Fingerprint()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(Input with { Location = SourceLocation.None }).Append('\n');
        sb.Append(string.Join(",", Labels)).Append('\n');
        foreach (var layer in Layers)
        {
            sb.Append(layer with { Location = SourceLocation.None }).Append('\n');
            foreach (var p in layer.Parameters) sb.Append(p).Append('\n');
        }
        sb.Append(Train with { Epochs = 0, Metrics = [] }).Append('\n').Append(string.Join(",", Train.Metrics));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
