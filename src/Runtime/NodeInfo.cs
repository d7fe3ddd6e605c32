namespace NetForge.Runtime;

/// <summary>
/// One model input or output as ONNX Runtime sees it.
/// </summary>
/// <param name="Name">The graph input/output name.</param>
/// <param name="ElementType">Element type; <see cref="TensorElementType.Undefined"/> when <paramref name="IsTensor"/> is false.</param>
/// <param name="Dimensions">Dimensions; -1 where the dimension is symbolic or unknown (e.g. the batch dimension).</param>
/// <param name="SymbolicDimensions">Per dimension the symbolic name from the model (e.g. "N"), or "" for fixed dimensions.</param>
/// <param name="IsTensor">False for sequences, maps and other non-tensor values.</param>
public sealed record NodeInfo(
    string Name,
    TensorElementType ElementType,
    IReadOnlyList<long> Dimensions,
    IReadOnlyList<string> SymbolicDimensions,
    bool IsTensor)
{
    /// <summary>The type and shape as shown in messages, e.g. <c>float32 [N, 1, 28, 28]</c>.</summary>
    public string TypeAndShape => IsTensor ? $"{ElementType.DisplayName()} {ShapeText()}" : "non-tensor";

    /// <summary>The shape as shown in messages: symbolic dimensions by name ("?" when unnamed), e.g. <c>[N, 784]</c>.</summary>
    public string ShapeText()
    {
        var parts = new string[Dimensions.Count];
        for (int i = 0; i < parts.Length; i++)
        {
            string symbol = i < SymbolicDimensions.Count ? SymbolicDimensions[i] : "";
            parts[i] = Dimensions[i] >= 0 ? Dimensions[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                : symbol.Length > 0 ? symbol : "?";
        }

        return "[" + string.Join(", ", parts) + "]";
    }

    /// <summary><c>name: float32 [N, 784]</c>.</summary>
    public override string ToString() => $"{Name}: {TypeAndShape}";

    internal static string Format(ReadOnlySpan<long> shape)
        => "[" + string.Join(", ", shape.ToArray()) + "]";
}
