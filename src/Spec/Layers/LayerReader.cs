using NetForge.Spec.Graph;
using NetForge.Spec.Validation;
using NetForge.Spec.Yaml;

namespace NetForge.Spec.Layers;

/// <summary>
/// Typed getters over one layer's keys for <see cref="LayerKind.Read"/>. Every problem is reported located at
/// its value; a bad or missing value that shapes depend on marks the layer incomplete (shape inference stops
/// before it), a bad activation marks the activation unknown (the softmax checks then skip the layer).
/// Getters return a fallback after a problem so the config can always be built.
/// </summary>
internal sealed class LayerReader(MapReader keys, DiagnosticBag diags, string label)
{
    public MapReader Keys { get; } = keys;
    public DiagnosticBag Diags { get; } = diags;
    public string Label { get; } = label;

    /// <summary>False when a required key is missing or invalid.</summary>
    public bool Complete { get; set; } = true;

    /// <summary>False when the activation was given but is not valid.</summary>
    public bool ActivationKnown { get; set; } = true;

    private T Required<T>(string key, Func<YNode, T?> read, T fallback) where T : struct
    {
        if (Keys.Node(key) is not { } node)
        {
            Complete = false;
            return fallback;
        }

        var v = read(node);
        if (v is null) Complete = false;
        return v ?? fallback;
    }

    public int RequiredInt(string key, int min, int max) => Required(key, n => Values.Int(n, Diags, Label, key, min, max), 1);

    public (int H, int W) RequiredPair(string key) => Required(key, n => Values.Pair(n, Diags, Label, key, 1, 1 << 16), (1, 1));

    public double RequiredDouble(string key, Validation.Range range) => Required(key, n => Values.Double(n, Diags, Label, key, range), 0);

    public Activation RequiredActivation(string key)
    {
        var a = Required(key, ActivationOf, Graph.Activation.Linear);
        if (!Complete) ActivationKnown = false;
        return a;
    }

    public bool Bool(string key, bool def) => Keys.Node(key) is { } n ? Values.Bool(n, Diags, Label, key) ?? def : def;

    public double Double(string key, double def, Validation.Range range) =>
        Keys.Node(key) is { } n ? Values.Double(n, Diags, Label, key, range) ?? def : def;

    /// <summary>An integer or [h, w]; a bad value marks the layer incomplete.</summary>
    public (int H, int W)? Pair(string key, (int, int)? def)
    {
        if (Keys.Node(key) is not { } n) return def;
        var v = Values.Pair(n, Diags, Label, key, 1, 1 << 16);
        if (v is null) Complete = false;
        return v ?? def;
    }

    public Padding Padding()
    {
        if (Keys.Node("padding") is not { } n) return Graph.Padding.Valid;
        var v = Values.Choice(n, Diags, Label, "padding", Registry.Paddings);
        if (v is null) Complete = false;
        return v == "same" ? Graph.Padding.Same : Graph.Padding.Valid;
    }

    /// <summary>An optional activation (default linear); a bad one marks the activation unknown.</summary>
    public Activation Activation(string key)
    {
        if (Keys.Node(key) is not { } n) return Graph.Activation.Linear;
        var a = ActivationOf(n);
        if (a is null) ActivationKnown = false;
        return a ?? Graph.Activation.Linear;
    }

    public Activation? ActivationOf(YNode n) =>
        Values.Choice(n, Diags, Label, "activation", Registry.ActivationNames) is { } a ? Registry.ActivationOf(a) : null;
}

/// <summary>
/// Where a layer is being inferred: its position, name, input shape and initializers, and helpers shared by
/// kinds (image input check, TF-style windows, weight and bias parameters). Problems are reported here.
/// </summary>
internal sealed class LayerSite(int index, string name, string label, SourceLocation at, Shape input,
    Initializer initializer, Initializer biasInitializer, Func<string, SourceLocation> where, DiagnosticBag diags)
{
    public int Index { get; } = index;
    public string Name { get; } = name;
    public string Label { get; } = label;
    public SourceLocation At { get; } = at;
    public Shape Input { get; } = input;
    public Initializer Initializer { get; } = initializer;
    public Initializer BiasInitializer { get; } = biasInitializer;

    /// <summary><c>layers.3.</c></summary>
    public string Prefix => $"layers.{Index}.";

    /// <summary>Where a key's value is, else where the layer starts.</summary>
    public SourceLocation Where(string key) => where(key);

    public void Error(string message, string? expected = null, string? got = null, string? hint = null) =>
        diags.Add(At, Label, message, expected, got, hint);

    public void ErrorAt(string key, string message, string? expected = null, string? got = null, string? hint = null) =>
        diags.Add(Where(key), Label, message, expected, got, hint);

    /// <summary>Weight of <paramref name="weightShape"/> and, with <paramref name="useBias"/>, a bias of <paramref name="outputs"/>.</summary>
    public List<ParamSpec> WeightAndBias(int[] weightShape, int outputs, bool useBias)
    {
        var ps = new List<ParamSpec> { new(Prefix + "weight", "weight", new Shape(weightShape), Initializer) };
        if (useBias) ps.Add(new ParamSpec(Prefix + "bias", "bias", new Shape(outputs), BiasInitializer));
        return ps;
    }

    /// <summary>True for a [C, H, W] input; else reports that the kind needs one.</summary>
    public bool NeedsImage(string type)
    {
        if (Input.Rank == 3) return true;
        Error($"{type} needs an image input", "[channels, height, width]", Input.ToString(),
            Index == 0 ? "give input.shape as [channels, height, width], e.g. [1, 28, 28]" : "image layers must come before flatten");
        return false;
    }

    /// <summary>Output size and pads of a window layer (TensorFlow rules, <see cref="ShapeInference.Window"/>), or null after reporting.</summary>
    public (int H, int W, int Top, int Left, int Bottom, int Right)? Windows(
        string key, (int H, int W) k, (int H, int W) s, Padding padding, int outChannels)
    {
        var (h, top, bottom) = ShapeInference.Window(Input[1], k.H, s.H, padding);
        var (w, left, right) = ShapeInference.Window(Input[2], k.W, s.W, padding);
        if (h == 0 || w == 0)
        {
            ErrorAt(key, $"{key} is larger than its input", $"{key} <= [{Input[1]}, {Input[2]}]",
                $"[{k.H}, {k.W}]", "use padding: same, a smaller " + key + ", or fewer pooling layers before it");
            return null;
        }

        if ((long)Input[0] * h * w > int.MaxValue || (long)outChannels * h * w > int.MaxValue)
        {
            ErrorAt(key, "output is too large", $"at most {int.MaxValue} elements", $"{(long)outChannels * h * w}");
            return null;
        }

        return (h, w, top, left, bottom, right);
    }
}
