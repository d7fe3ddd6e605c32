using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using NetForge.Export.Emitters;
using NetForge.Export.Onnx;
using NetForge.Spec;
using NetForge.Spec.Graph;

namespace NetForge.Export;

/// <summary>
/// Writes a <see cref="ModelGraph"/> plus its trained weights as a self-describing ONNX model:
/// <c>input</c> [batch, ...] (raw 0–255 pixels) → optional Cast → Mul(scale) → one emitter per layer →
/// <c>logits</c> and, when the spec ends in softmax, <c>probabilities</c> = Softmax(logits, axis 1).
/// </summary>
public static class OnnxExporter
{
    /// <summary>Name of the graph input.</summary>
    public const string InputName = "input";

    /// <summary>Pre-softmax scores, [batch, classes]; always a graph output.</summary>
    public const string LogitsName = "logits";

    /// <summary>Softmax(logits); a graph output only when the spec's last layer applies softmax.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>Metadata keys the exporter writes itself; <see cref="ExportOptions.Metadata"/> may not reuse them.</summary>
    public static readonly IReadOnlyList<string> BuiltInMetadataKeys =
        ["labels", "spec", "spec_sha256", "netforge_version", "input_scale", "input_normalization", "input_features", "label_column"];

    /// <summary>The NetForge version (informational version without a source-revision suffix).</summary>
    public static string NetForgeVersion { get; } = ReadVersion();

    /// <summary>Name of the extra graph output holding layer <paramref name="layer"/>'s output under <see cref="ExportOptions.LayerOutputs"/>.</summary>
    public static string LayerOutputName(LayerNode layer) => $"layer.{layer.Index}.{layer.Name}";

    /// <summary>
    /// Builds the ONNX model. <paramref name="weights"/> maps every <see cref="ParamSpec.Path"/> of the graph
    /// to its values in the IR layout; extra entries (optimizer state, ...) are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">A weight is missing or has the wrong number of values (the message names its path).</exception>
    /// <exception cref="ExportException">The options or the graph cannot be exported (unsupported opset, ...).</exception>
    public static ModelProto Export(ModelGraph graph, IReadOnlyDictionary<string, float[]> weights, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        int irVersion = CheckOptions(options);
        CheckWeights(graph, weights);
        if (graph.Layers.Count == 0) throw new ExportException($"model '{graph.Name}' has no layers to export");
        if (options.InputDType == InputDType.UInt8 && graph.Data is CsvSourceSpec)
            throw new ExportException($"model '{graph.Name}' reads a CSV table: its input is float feature values, not 0-255 pixels; export it as float32");
        if (graph.Input.Normalize is { IsAuto: true })
            throw new ExportException($"model '{graph.Name}' has 'normalize: auto' without values: bind it to its training data first (DataSources.Bind), as training does");

        var graphProto = new GraphProto { Name = graph.Name };
        if (graph.SourcePath.Length > 0) graphProto.DocString = $"NetForge export of {graph.SourcePath}";
        var builder = new OnnxGraphBuilder(graphProto, options.Opset);

        string current = EmitInput(builder, graph, options.InputDType);
        var names = ValueNames.Assign(graph.Layers, current);
        for (int i = 0; i < graph.Layers.Count; i++)
        {
            LayerEmitters.Emit(new LayerEmit(builder, graph.Layers[i], current, names.Output[i], names.PreActivation[i], weights));
            current = names.Output[i];
        }

        builder.Output(LogitsName, builder.ShapeOf(LogitsName));
        if (names.HasProbabilities) builder.Output(ProbabilitiesName, builder.ShapeOf(ProbabilitiesName));
        if (options.LayerOutputs) AddLayerOutputs(builder, graph, names);
        builder.FinishValueInfo();

        var model = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = "NetForge",
            ProducerVersion = options.ProducerVersion ?? NetForgeVersion,
            Graph = graphProto,
        };
        if (graph.Description is not null) model.DocString = graph.Description;
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        AddMetadata(model, graph, options);
        return model;
    }

    /// <summary>
    /// Saves <paramref name="model"/> atomically: a temp file in the target folder is written, flushed to disk
    /// and renamed over <paramref name="path"/>, so the target is either the old file or the complete new one.
    /// </summary>
    /// <exception cref="ExportException">The file could not be written; an existing file at <paramref name="path"/> is unchanged.</exception>
    public static void Write(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        WriteAtomic(path, model.WriteTo);
    }

    /// <summary>Reads an ONNX file written by <see cref="Write"/> (or any ONNX model; unknown fields are kept).</summary>
    /// <exception cref="ExportException">The file cannot be read or is not a protobuf ModelProto (the message names it).</exception>
    public static ModelProto Read(string path)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidProtocolBufferException)
        {
            throw new ExportException($"cannot read ONNX model {path}: {ex.Message}", ex);
        }
    }

    internal static void WriteAtomic(string path, Action<Stream> write)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            NetForge.IO.AtomicFile.Write(path, write);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ExportException($"cannot write {path}: {ex.Message}", ex);
        }
    }

    private static int CheckOptions(ExportOptions options)
    {
        if (options.Opset is < ExportOptions.MinOpset or > ExportOptions.MaxOpset)
        {
            throw new ExportException(
                $"opset {options.Opset} is not supported: NetForge exports ai.onnx opsets {ExportOptions.MinOpset} to {ExportOptions.MaxOpset} " +
                $"(opset 13 is the first with today's Softmax semantics; {ExportOptions.MaxOpset} is the newest this exporter was checked against)");
        }
        int minIr = ExportOptions.MinIrVersion(options.Opset);
        int irVersion = options.IrVersion ?? ExportOptions.DefaultIrVersion(options.Opset);
        if (irVersion < minIr || irVersion > ExportOptions.MaxIrVersion)
        {
            throw new ExportException(
                $"IR version {irVersion} cannot carry opset {options.Opset}: expected {minIr} to {ExportOptions.MaxIrVersion}; leave IrVersion unset to derive it");
        }
        foreach (string key in options.Metadata.Keys)
        {
            if (BuiltInMetadataKeys.Contains(key))
                throw new ExportException($"metadata key '{key}' is written by the exporter itself; choose another key");
        }
        return irVersion;
    }

    private static void CheckWeights(ModelGraph graph, IReadOnlyDictionary<string, float[]> weights)
    {
        foreach (var p in graph.Parameters)
        {
            if (!weights.TryGetValue(p.Path, out var values) || values is null)
                throw new ArgumentException($"weight '{p.Path}' is missing (expected shape {p.Shape}, {p.Size} values)", nameof(weights));
            if (values.Length != p.Size)
                throw new ArgumentException($"weight '{p.Path}' has {values.Length} values, expected {p.Size} for shape {p.Shape}", nameof(weights));
        }
    }

    /// <summary>
    /// Declares <c>input</c> and emits Cast (uint8), Mul(scale) (scale ≠ 1) and Sub(mean), Div(std) (input.normalize:
    /// [C, 1, 1] or [F] initializers broadcast per channel or feature); returns the value the first layer reads.
    /// </summary>
    private static string EmitInput(OnnxGraphBuilder builder, ModelGraph graph, InputDType dtype)
    {
        var shape = graph.Input.Shape;
        string doc = graph.Input.Location.IsKnown ? $"input ({graph.Input.Location})" : "input";
        var elemType = dtype == InputDType.UInt8 ? TensorProto.Types.DataType.Uint8 : TensorProto.Types.DataType.Float;
        var input = OnnxGraphBuilder.ValueInfo(InputName, shape, elemType);
        input.DocString = (graph.Data is CsvSourceSpec ? "raw feature values" : "raw pixel values 0–255")
            + (graph.Input.Scale != 1.0 ? $"; the graph multiplies them by {Format(graph.Input.Scale)}" : "")
            + (graph.Input.Normalize is not null ? "; then normalises them: (x - input.mean) / input.std" : "");
        builder.Graph.Input.Add(input);

        string current = InputName;
        if (dtype == InputDType.UInt8)
        {
            builder.Node("Cast", "input/Cast", doc, [current], "input.float", OnnxGraphBuilder.Int("to", (long)TensorProto.Types.DataType.Float));
            current = "input.float";
            builder.Value(current, shape);
        }
        if (graph.Input.Scale != 1.0)
        {
            builder.Initializer("input.scale", new Shape(), [(float)graph.Input.Scale]);
            builder.Node("Mul", "input/Mul", doc, [current, "input.scale"], "input.scaled");
            current = "input.scaled";
            builder.Value(current, shape);
        }
        if (graph.Input.Normalize is { } norm)
        {
            var (mean, std) = norm.PerGroup(graph.Input.NormalizationGroups);
            var groupShape = shape.Rank == 3 ? new Shape(mean.Length, 1, 1) : new Shape(mean.Length);
            builder.Initializer("input.mean", groupShape, mean);
            builder.Initializer("input.std", groupShape, std);
            builder.Node("Sub", "input/Sub", doc, [current, "input.mean"], "input.centred");
            builder.Value("input.centred", shape);
            builder.Node("Div", "input/Div", doc, ["input.centred", "input.std"], "input.normalized");
            current = "input.normalized";
            builder.Value(current, shape);
        }
        return current;
    }

    private static void AddLayerOutputs(OnnxGraphBuilder builder, ModelGraph graph, ValueNames names)
    {
        for (int i = 0; i < graph.Layers.Count; i++)
        {
            var layer = graph.Layers[i];
            string wanted = LayerOutputName(layer);
            string actual = names.Output[i];
            if (actual != wanted)
            {
                // the final layer's value is called logits/probabilities and a dropout has no node: expose them under the uniform name too
                builder.Node("Identity", $"{layer.Name}/Output", $"{layer.Name}: layer output for parity checks", [actual], wanted);
            }
            builder.Output(wanted, layer.OutputShape);
        }
    }

    private static void AddMetadata(ModelProto model, ModelGraph graph, ExportOptions options)
    {
        string spec = SpecCompiler.ToResolvedYaml(graph);
        Add("labels", JsonSerializer.Serialize(graph.Labels));
        Add("spec", spec);
        Add("spec_sha256", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(spec))));
        Add("netforge_version", NetForgeVersion);
        Add("input_scale", Format(graph.Input.Scale));
        if (graph.Input.Normalize is { } norm)
        {
            var (mean, std) = norm.PerGroup(graph.Input.NormalizationGroups);
            Add("input_normalization", JsonSerializer.Serialize(new { per = graph.Input.Shape.Rank == 3 ? "channel" : "feature", mean, std }));
        }
        if (graph.Data is CsvSourceSpec { Features: { } features } csv)
        {
            Add("input_features", JsonSerializer.Serialize(features));
            Add("label_column", csv.Label);
        }
        foreach (var (key, value) in options.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) Add(key, value);

        void Add(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string ReadVersion()
    {
        var assembly = typeof(OnnxExporter).Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }
}
