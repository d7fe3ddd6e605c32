using NetForge.Spec.Graph;
using NetForge.Spec.Yaml;

namespace NetForge.Spec.Validation;

/// <summary>
/// One layer as written in the spec, before shapes are known: the keys of its type with defaults
/// filled in (YAML keys == these properties, snake_case). <see cref="ShapeInference"/> turns it into
/// a <see cref="LayerNode"/> once its input shape is known.
/// </summary>
internal sealed class LayerConfig
{
    public required int Index { get; init; }
    public required string Type { get; init; }
    public required YNode Item { get; init; }
    public string Name { get; set; } = "";
    public bool ExplicitName { get; set; }
    public MapReader? Keys { get; set; }

    /// <summary>False when a required key is missing or invalid: shapes cannot be inferred past it.</summary>
    public bool Complete { get; set; } = true;

    public int Units { get; set; }
    public int Filters { get; set; }
    public (int H, int W) Kernel { get; set; }
    public (int H, int W)? Stride { get; set; }
    public (int H, int W) Pool { get; set; }
    public Padding Padding { get; set; }
    public Activation Activation { get; set; }

    /// <summary>False when the activation was given but is not valid (then softmax checks skip the layer).</summary>
    public bool ActivationKnown { get; set; } = true;
    public bool UseBias { get; set; } = true;
    public double Rate { get; set; }
    public double Momentum { get; set; } = 0.99;
    public double Epsilon { get; set; } = 0.001;
    public bool Center { get; set; } = true;
    public bool Scale { get; set; } = true;
    public Initializer Initializer { get; set; } = Initializer.GlorotUniform;
    public Initializer BiasInitializer { get; set; } = Initializer.Zeros;

    /// <summary>The name when the user gave one, else <c>layers[3] (conv2d)</c>.</summary>
    public string Label => ExplicitName ? Name : $"layers[{Index}] ({Type})";

    /// <summary>True when the layer applies an activation (dense, conv2d, activation).</summary>
    public bool HasActivation => Type is "dense" or "conv2d" or "activation";

    /// <summary>Where a key's value is, else where the layer starts.</summary>
    public SourceLocation Where(string key, DiagnosticBag diags) => Keys?.Node(key) is { } n ? diags.At(n) : diags.At(Item);
}
