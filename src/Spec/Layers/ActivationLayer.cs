using NetForge.Spec.Layers;

namespace NetForge.Spec.Graph
{
    public sealed record ActivationNode(Activation Activation) : LayerNode
    {
        public override string Type => "activation";
        public override long MacsPerSample => 0;
    }
}

namespace NetForge.Spec.Layers
{
    using NetForge.Spec.Graph;

    /// <summary><c>activation</c>'s settings.</summary>
    public sealed record ActivationConfig(Activation Activation) : LayerConfig
    {
        public override Activation? AppliedActivation => Activation;
    }

    /// <summary><c>activation</c> (Keras <c>Activation</c>): shape unchanged; <c>- activation: relu</c> is shorthand.</summary>
    public sealed class ActivationLayer : LayerKind<ActivationConfig, ActivationNode>
    {
        internal ActivationLayer() { }

        public override string Type => "activation";
        public override string AutoName => "activation";
        public override string KerasClass => "Activation";
        public override string ShapeDoc => "unchanged";
        public override string Example => "- activation: {activation: relu}";

        public override IReadOnlyList<LayerKey> Keys { get; } =
            [new("activation", "required", Required: true, Expected: "one of " + string.Join(", ", Registry.ActivationNames), Example: "relu")];

        internal override LayerConfig Read(LayerReader r) => new ActivationConfig(r.RequiredActivation("activation"));

        internal override LayerConfig? ReadShorthand(LayerReader r, Yaml.YScalar value)
        {
            var a = r.ActivationOf(value);
            if (a is null) r.Complete = r.ActivationKnown = false;
            return new ActivationConfig(a ?? Activation.Linear);
        }

        internal override ActivationNode? Infer(ActivationConfig c, LayerSite s) =>
            new(c.Activation) { Index = s.Index, Name = s.Name, Location = s.At, InputShape = s.Input, OutputShape = s.Input };

        internal override IEnumerable<(string Key, string Value)> Write(ActivationNode a) => [("activation", Word(a.Activation))];
    }
}
