namespace NetForge.Spec.Graph;

/// <summary>The input block: per-sample shape and the preprocessing scale (x·scale), part of the model.</summary>
public sealed record InputSpec(Shape Shape, double Scale, SourceLocation Location);

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
