using System.Globalization;
using NetForge.Spec.Graph;
using NetForge.Spec.Validation;

namespace NetForge.Spec.Layers;

/// <summary>
/// One key of a layer kind: its name, whether it is required, and the text the reference table shows in
/// brackets (<c>required, ≥ 1</c>, <c>`linear`</c>). <paramref name="Expected"/> and <paramref name="Example"/>
/// make the diagnostic for a missing required key ("expected integer >= 1", "write '- dense: {units: 128}'").
/// </summary>
public sealed record LayerKey(string Name, string Doc, bool Required = false, string? Expected = null, string? Example = null);

/// <summary>
/// The single definition of one layer kind of the spec language (Keras's one config class per layer): its
/// keyword, Keras's automatic-name prefix and class name, its keys with defaults and checks, how a spec item
/// is read into its typed config, its shape inference and parameters, how it writes itself back into the
/// resolved YAML, and its line in docs/spec.md. <see cref="LayerKinds.All"/> lists them; the registry, the
/// reference table and <c>netforge check --resolved</c> come from that list. Backends dispatch over the IR
/// node types (<see cref="NodeType"/>), each with an exhaustive switch whose default arm is an error.
/// </summary>
public abstract class LayerKind
{
    private protected LayerKind() { }

    /// <summary>The spec keyword: <c>dense</c>.</summary>
    public abstract string Type { get; }

    /// <summary>Keras's automatic-name prefix: <c>dense</c> → <c>dense</c>, <c>dense_1</c>, ...</summary>
    public abstract string AutoName { get; }

    /// <summary>The Keras class the summary shows: <c>Dense</c>.</summary>
    public abstract string KerasClass { get; }

    /// <summary>The IR node type this kind infers (<see cref="DenseNode"/>); several kinds may share one.</summary>
    public abstract Type NodeType { get; }

    /// <summary>The kind's config record (<see cref="DenseConfig"/>).</summary>
    public abstract Type ConfigType { get; }

    /// <summary>The kind's own keys, in the order the resolved YAML prints them (required first).</summary>
    public abstract IReadOnlyList<LayerKey> Keys { get; }

    /// <summary>The reference table's "input → output" cell.</summary>
    public abstract string ShapeDoc { get; }

    /// <summary>Text after the keys in the reference table's keys cell (<c>; padding is never counted</c>), or empty.</summary>
    public virtual string KeysNote => "";

    /// <summary>A list item using the kind, valid after <see cref="ExampleInput"/>: docs and the backend coverage tests use it.</summary>
    public abstract string Example { get; }

    /// <summary>The per-sample input shape <see cref="Example"/> is valid for (one MNIST sample: 784 elements).</summary>
    public virtual int[] ExampleInput => [1, 28, 28];

    /// <summary>True when the layer has weights: the resolved YAML then writes its two initializer keys.</summary>
    public virtual bool HasWeights => false;

    /// <summary>The weight (or gamma) initializer when the spec gives none.</summary>
    public virtual Initializer DefaultInitializer => Initializer.GlorotUniform;

    /// <summary>Every key the kind accepts: its own and the common ones.</summary>
    public IReadOnlyList<string> AllKeys => [.. Keys.Select(k => k.Name), .. Registry.CommonLayerKeys];

    /// <summary>The reference table row of docs/spec.md, exactly.</summary>
    public string DocRow =>
        $"| `{Type}` | {(Keys.Count == 0 ? "none" : string.Join(", ", Keys.Select(k => $"`{k.Name}` ({k.Doc})")))}{KeysNote} | {ShapeDoc} |";

    /// <summary>Reads the kind's keys into its typed config (always returns one; bad values mark the reader incomplete).</summary>
    internal abstract LayerConfig Read(LayerReader r);

    /// <summary>The config for the shorthand <c>- type: value</c>, or null when the kind has none.</summary>
    internal virtual LayerConfig? ReadShorthand(LayerReader r, Yaml.YScalar value) => null;

    /// <summary>The IR node for <paramref name="config"/> at <paramref name="site"/>, or null after reporting why not.</summary>
    internal abstract LayerNode? Infer(LayerConfig config, LayerSite site);

    /// <summary>The kind's own keys and resolved values for the resolved YAML (name and initializers are added around them).</summary>
    internal abstract IEnumerable<(string Key, string Value)> Write(LayerNode node);

    private protected static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private protected static string Num(double v) => Values.Format(v);

    private protected static string Bool(bool b) => b ? "true" : "false";

    private protected static string Pair(int h, int w) => $"[{Int(h)}, {Int(w)}]";

    private protected static string Word(Activation a) => Registry.NameOf(a);

    private protected static string Word(Padding p) => p == Padding.Same ? "same" : "valid";
}

/// <summary>A kind with its typed config <typeparamref name="TConfig"/> and node <typeparamref name="TNode"/>.</summary>
public abstract class LayerKind<TConfig, TNode> : LayerKind
    where TConfig : LayerConfig
    where TNode : LayerNode
{
    private protected LayerKind() { }

    /// <inheritdoc/>
    public override Type NodeType => typeof(TNode);

    /// <inheritdoc/>
    public override Type ConfigType => typeof(TConfig);

    internal sealed override LayerNode? Infer(LayerConfig config, LayerSite site) => Infer((TConfig)config, site);

    internal sealed override IEnumerable<(string Key, string Value)> Write(LayerNode node) => Write((TNode)node);

    internal abstract TNode? Infer(TConfig config, LayerSite site);

    internal abstract IEnumerable<(string Key, string Value)> Write(TNode node);
}

/// <summary>A layer's typed, immutable settings as read from the spec, before shapes are known.</summary>
public abstract record LayerConfig
{
    /// <summary>The activation the layer applies (dense, conv2d, activation), else null.</summary>
    public virtual Activation? AppliedActivation => null;
}
