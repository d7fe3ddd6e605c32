using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetForge.Runtime.Onnx;

namespace NetForge.Runtime;

/// <summary>How a classifier's single input is laid out.</summary>
public enum InputLayout
{
    /// <summary><c>[N, features]</c>: MLPs (NetForge's dense specs, flattened 28×28 digits).</summary>
    Features,

    /// <summary><c>[N, C, H, W]</c>: convolutional networks.</summary>
    Image,
}

/// <summary>What a model's scores mean before NetForge turns them into probabilities.</summary>
public enum ScoreKind
{
    /// <summary>The model outputs probabilities (a <c>probabilities</c> output, or one produced by Softmax).</summary>
    Probabilities,

    /// <summary>The model outputs log-probabilities (produced by LogSoftmax); NetForge takes exp.</summary>
    LogProbabilities,

    /// <summary>The model outputs logits only; NetForge applies softmax.</summary>
    Logits,
}

/// <summary>
/// What a classifier promises, read once when it is opened: from NetForge's <c>metadata_props</c> (labels, input scale,
/// spec, certificate) where they exist, else from the graph itself (input type and shape, the outputs and the operator
/// producing them). What neither says (labels of a foreign model) falls back to class indices, with a note in
/// <see cref="Notes"/>.
/// </summary>
public sealed class ModelContract
{
    /// <summary>NetForge's name for the output holding softmax probabilities.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>NetForge's name for the output holding the logits.</summary>
    public const string LogitsName = "logits";

    private ModelContract()
    {
    }

    /// <summary>The input's name.</summary>
    public string InputName { get; private init; } = "";

    /// <summary>The input's element type: <see cref="TensorElementType.Float"/> or <see cref="TensorElementType.UInt8"/>.</summary>
    public TensorElementType InputType { get; private init; }

    /// <summary><c>[N, features]</c> or <c>[N, C, H, W]</c>.</summary>
    public InputLayout Layout { get; private init; }

    /// <summary>The shape of one sample (the input's shape without the batch dimension).</summary>
    public IReadOnlyList<int> SampleShape { get; private init; } = [];

    /// <summary>Values per sample: the product of <see cref="SampleShape"/>.</summary>
    public int SampleSize { get; private init; }

    /// <summary>Channels of an image input (1 for gray), or 0 for <see cref="InputLayout.Features"/>.</summary>
    public int Channels => Layout == InputLayout.Image ? SampleShape[0] : 0;

    /// <summary>Height of an image input, or 0.</summary>
    public int Height => Layout == InputLayout.Image ? SampleShape[1] : 0;

    /// <summary>Width of an image input, or 0.</summary>
    public int Width => Layout == InputLayout.Image ? SampleShape[2] : 0;

    /// <summary>The batch size when the model fixes it (many foreign exports fix it to 1); null for any batch size.</summary>
    public int? FixedBatch { get; private init; }

    /// <summary>
    /// The scale the graph applies to the input (NetForge models multiply raw 0–255 pixels by 1/255 inside the graph,
    /// so callers feed raw values); null when the model does not say.
    /// </summary>
    public double? InputScale { get; private init; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; private init; }

    /// <summary>Class names, <see cref="Classes"/> of them (indices "0", "1", ... when the model has none).</summary>
    public IReadOnlyList<string> Labels { get; private init; } = [];

    /// <summary>True when <see cref="Labels"/> came from the model's <c>labels</c> metadata.</summary>
    public bool HasLabels { get; private init; }

    /// <summary>The output NetForge reads scores from.</summary>
    public string ScoresOutput { get; private init; } = "";

    /// <summary>What <see cref="ScoresOutput"/> holds.</summary>
    public ScoreKind Scores { get; private init; }

    /// <summary>The <c>probabilities</c> output, or null.</summary>
    public string? ProbabilitiesOutput { get; private init; }

    /// <summary>The <c>logits</c> output (or the single logits output of a foreign model), or null.</summary>
    public string? LogitsOutput { get; private init; }

    /// <summary>The parity certificate (JSON) NetForge stored in the model, or null.</summary>
    public string? Certificate { get; private init; }

    /// <summary>The resolved NetForge spec the model was exported from (YAML), or null for other producers.</summary>
    public string? Spec { get; private init; }

    /// <summary>The NetForge version that exported the model, or null for other producers.</summary>
    public string? NetForgeVersion { get; private init; }

    /// <summary><c>ModelProto.producer_name</c> (e.g. "NetForge", "pytorch").</summary>
    public string Producer { get; private init; } = "";

    /// <summary>The graph's name.</summary>
    public string GraphName { get; private init; } = "";

    /// <summary><c>ModelProto.ir_version</c>.</summary>
    public long IrVersion { get; private init; }

    /// <summary>The default-domain (<c>ai.onnx</c>) opset the model imports.</summary>
    public long Opset { get; private init; }

    /// <summary>Every <c>metadata_props</c> entry, by key.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; private init; } = new Dictionary<string, string>();

    /// <summary>What the contract had to infer or assume, in words (empty for a NetForge export).</summary>
    public IReadOnlyList<string> Notes { get; private init; } = [];

    /// <summary>True for models exported by NetForge (they carry a <c>netforge_version</c> entry).</summary>
    public bool IsNetForgeExport => NetForgeVersion is not null;

    /// <summary>"float32 [N, 1, 28, 28]".</summary>
    public string InputDescription =>
        $"{TypeName(InputType)} [{(FixedBatch is int b ? b.ToString(CultureInfo.InvariantCulture) : "N")}, {string.Join(", ", SampleShape)}]";

    internal static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Int8 => "int8",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int64 => "int64",
        TensorElementType.Double => "float64",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Bool => "bool",
        TensorElementType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };

    internal static string Describe(NodeMetadata m) =>
        m.IsTensor
            ? $"{TypeName(m.ElementDataType)} [{string.Join(", ", m.Dimensions.Select((d, i) => d >= 0 ? d.ToString(CultureInfo.InvariantCulture) : Symbol(m, i)))}]"
            : m.OnnxValueType.ToString();

    private static string Symbol(NodeMetadata m, int i) =>
        i < m.SymbolicDimensions.Length && m.SymbolicDimensions[i] is { Length: > 0 } s ? s : "?";

    /// <summary>Reads the contract of an opened session; a model that is not a single-input classifier is a <see cref="ModelException"/>.</summary>
    internal static ModelContract Read(InferenceSession session, ModelScan scan, string source)
    {
        var notes = new List<string>();
        ModelMetadata m = session.ModelMetadata;
        var meta = new Dictionary<string, string>(m.CustomMetadataMap, StringComparer.Ordinal);
        string graphName = m.GraphName, producer = m.ProducerName;

        // The input: one tensor, float32 or uint8, [N, F] or [N, C, H, W], every non-batch dimension fixed.
        var inputs = session.InputMetadata;
        if (inputs.Count != 1)
        {
            throw NotClassifier(source, $"it has {inputs.Count} inputs ({string.Join("; ", inputs.Select(i => $"{i.Key}: {Describe(i.Value)}"))}); a classifier NetForge drives has one (use Session for anything else)");
        }

        var (inputName, input) = inputs.First();
        string inputText = $"input '{inputName}' is {Describe(input)}";
        if (!input.IsTensor || input.ElementDataType is not (TensorElementType.Float or TensorElementType.UInt8))
        {
            throw NotClassifier(source, $"{inputText}; NetForge feeds float32 or uint8 tensors");
        }

        int[] dims = input.Dimensions;
        if (dims.Length is not (2 or 4))
        {
            throw NotClassifier(source, $"{inputText}; NetForge drives [N, features] or [N, C, H, W] inputs");
        }

        if (dims.Skip(1).Any(d => d <= 0))
        {
            throw NotClassifier(source, $"{inputText}; every dimension but the batch must be fixed");
        }

        int? fixedBatch = dims[0] > 0 ? dims[0] : null;
        if (fixedBatch is int fb)
        {
            notes.Add($"the input's batch dimension is fixed at {fb}: batches are run {fb} sample(s) at a time");
        }

        int[] sample = dims[1..];

        // The outputs: NetForge's "probabilities" and "logits", else the one float [N, classes] output.
        var outputs = session.OutputMetadata;
        string? probabilities = outputs.ContainsKey(ProbabilitiesName) ? ProbabilitiesName : null;
        string? logits = outputs.ContainsKey(LogitsName) ? LogitsName : null;
        string scores;
        ScoreKind kind;
        if (probabilities is not null)
        {
            (scores, kind) = (probabilities, ScoreKind.Probabilities);
        }
        else
        {
            var candidates = outputs.Where(o => o.Value.IsTensor && o.Value.ElementDataType == TensorElementType.Float
                && o.Value.Dimensions.Length == 2).ToList();
            if (logits is null && candidates.Count != 1)
            {
                throw NotClassifier(source, $"it has no '{ProbabilitiesName}' or '{LogitsName}' output and {candidates.Count} float32 [N, classes] outputs ({string.Join("; ", outputs.Select(o => $"{o.Key}: {Describe(o.Value)}"))}); NetForge cannot tell which holds the scores");
            }

            scores = logits ?? candidates[0].Key;
            string op = scan.OutputProducers.GetValueOrDefault(scores, "");
            kind = op switch
            {
                "Softmax" => ScoreKind.Probabilities,
                "LogSoftmax" => ScoreKind.LogProbabilities,
                _ => ScoreKind.Logits,
            };
            if (kind == ScoreKind.Logits)
            {
                logits = scores;
            }

            notes.Add(kind switch
            {
                ScoreKind.Probabilities => $"no '{ProbabilitiesName}' output: output '{scores}' comes from Softmax and is read as probabilities",
                ScoreKind.LogProbabilities => $"no '{ProbabilitiesName}' output: output '{scores}' comes from LogSoftmax; probabilities are its exp",
                _ => $"no '{ProbabilitiesName}' output: output '{scores}' is read as logits and NetForge applies softmax",
            });
        }

        NodeMetadata scoreMeta = outputs[scores];
        int[] scoreDims = scoreMeta.Dimensions;
        if (!scoreMeta.IsTensor || scoreMeta.ElementDataType != TensorElementType.Float || scoreDims.Length != 2 || scoreDims[1] <= 0)
        {
            throw NotClassifier(source, $"output '{scores}' is {Describe(scoreMeta)}; NetForge reads float32 [N, classes] with a fixed class count");
        }

        int classes = scoreDims[1];
        if (logits is not null && logits != scores && !SameClasses(outputs[logits], classes))
        {
            throw NotClassifier(source, $"output '{logits}' is {Describe(outputs[logits])}, but '{scores}' has {classes} classes");
        }

        // Labels: NetForge stores a JSON array; a comma-separated list is accepted too; else indices.
        string[]? labels = meta.TryGetValue("labels", out string? labelText) ? ParseLabels(labelText) : null;
        bool hasLabels = labels is not null && labels.Length == classes;
        if (labels is not null && !hasLabels)
        {
            notes.Add($"the 'labels' metadata names {labels.Length} classes but the model has {classes}: classes are named by index");
        }
        else if (labels is null)
        {
            notes.Add("no 'labels' metadata: classes are named by their index (0, 1, ...)");
        }

        double? scale = null;
        if (meta.TryGetValue("input_scale", out string? scaleText))
        {
            scale = double.TryParse(scaleText, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : null;
            if (scale is null)
            {
                notes.Add($"the 'input_scale' metadata '{scaleText}' is not a number: ignored");
            }
        }
        else
        {
            notes.Add("no 'input_scale' metadata: samples are fed to the graph as given (feed what the model was trained on)");
        }

        return new ModelContract
        {
            InputName = inputName,
            InputType = input.ElementDataType,
            Layout = dims.Length == 2 ? InputLayout.Features : InputLayout.Image,
            SampleShape = Array.AsReadOnly(sample),
            SampleSize = sample.Aggregate(1, (a, b) => checked(a * b)),
            FixedBatch = fixedBatch,
            InputScale = scale,
            Classes = classes,
            Labels = Array.AsReadOnly(hasLabels ? labels! : [.. Enumerable.Range(0, classes).Select(i => i.ToString(CultureInfo.InvariantCulture))]),
            HasLabels = hasLabels,
            ScoresOutput = scores,
            Scores = kind,
            ProbabilitiesOutput = probabilities,
            LogitsOutput = logits,
            Certificate = meta.GetValueOrDefault("parity_certificate"),
            Spec = meta.GetValueOrDefault("spec"),
            NetForgeVersion = meta.GetValueOrDefault("netforge_version"),
            Producer = producer,
            GraphName = graphName,
            IrVersion = scan.IrVersion,
            Opset = scan.DefaultOpset,
            Metadata = new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(meta),
            Notes = notes.AsReadOnly(),
        };
    }

    private static bool SameClasses(NodeMetadata m, int classes) =>
        m.IsTensor && m.ElementDataType == TensorElementType.Float && m.Dimensions.Length == 2 && m.Dimensions[1] == classes;

    private static string[]? ParseLabels(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<string[]>(trimmed);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return trimmed.Length == 0 ? null : [.. trimmed.Split(',').Select(s => s.Trim())];
    }

    private static ModelException NotClassifier(string source, string why) =>
        new(ModelErrorKind.NotAClassifier, source, $"not a classifier NetForge can drive: {why}");
}
