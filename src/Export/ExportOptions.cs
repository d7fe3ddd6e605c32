namespace NetForge.Export;

/// <summary>Element type of the exported model's <c>input</c>.</summary>
public enum InputDType
{
    /// <summary>float32 pixels 0–255; the graph multiplies them by the input scale.</summary>
    Float32,

    /// <summary>uint8 pixels; the graph casts them to float32, then multiplies by the input scale.</summary>
    UInt8,
}

/// <summary>Options of <see cref="OnnxExporter.Export"/>. The defaults give opset 17, IR 8, float32 input.</summary>
public sealed record ExportOptions
{
    /// <summary>Lowest supported opset: Softmax-13 normalises along one axis, the semantics we rely on.</summary>
    public const int MinOpset = 13;

    /// <summary>Highest supported opset.</summary>
    public const int MaxOpset = 21;

    /// <summary>Opset used when none is given.</summary>
    public const int DefaultOpset = 17;

    /// <summary>Highest IR version the bundled onnx.proto subset describes.</summary>
    public const int MaxIrVersion = 10;

    /// <summary>The ai.onnx opset to import, <see cref="MinOpset"/>..<see cref="MaxOpset"/>.</summary>
    public int Opset { get; init; } = DefaultOpset;

    /// <summary>
    /// The model's IR version; <c>null</c> (the default) derives it from the opset with
    /// <see cref="DefaultIrVersion"/> (8 up to opset 18, then 9, 9, 10 like upstream's table).
    /// </summary>
    public int? IrVersion { get; init; }

    /// <summary>Element type of the graph input.</summary>
    public InputDType InputDType { get; init; } = InputDType.Float32;

    /// <summary>
    /// Extra metadata_props entries (training summary, parity certificate, ...), written after the
    /// built-in ones in key order. A key that collides with a built-in key is refused.
    /// </summary>
    public IDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>producer_version; <c>null</c> writes the NetForge version.</summary>
    public string? ProducerVersion { get; init; }

    /// <summary>
    /// Adds every layer's output as an extra graph output named <c>layer.{index}.{name}</c>
    /// (shape [batch, ...layer.OutputShape]) so a parity run can find the first diverging layer.
    /// </summary>
    public bool LayerOutputs { get; init; }

    /// <summary>
    /// The smallest IR version upstream allows for an opset (opset 13–14 → 7, 15–18 → 8, 19–20 → 9, 21 → 10).
    /// </summary>
    public static int MinIrVersion(int opset) => opset switch
    {
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        _ => 10,
    };

    /// <summary>IR version written when <see cref="IrVersion"/> is null: 8, or the opset's minimum if higher.</summary>
    public static int DefaultIrVersion(int opset) => Math.Max(8, MinIrVersion(opset));
}
