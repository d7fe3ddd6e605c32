using NetForge.Spec.Layers;

namespace NetForge.Spec.Graph
{
    /// <summary>Inverted dropout: active only in training, scales kept values by 1/(1-rate).</summary>
    public sealed record DropoutNode(double Rate) : LayerNode
    {
        public override string Type => "dropout";
        public override long MacsPerSample => 0;
    }
}

namespace NetForge.Spec.Layers
{
    using NetForge.Spec.Graph;

    /// <summary><c>dropout</c>'s settings.</summary>
    public sealed record DropoutConfig(double Rate) : LayerConfig;

    /// <summary><c>dropout</c> (Keras <c>Dropout</c>): shape unchanged.</summary>
    public sealed class Dropout : LayerKind<DropoutConfig, DropoutNode>
    {
        internal Dropout() { }

        public override string Type => "dropout";
        public override string AutoName => "dropout";
        public override string KerasClass => "Dropout";
        public override string ShapeDoc => "unchanged";
        public override string KeysNote => "; inverted dropout, active only in training";
        public override string Example => "- dropout: {rate: 0.25}";

        public override IReadOnlyList<LayerKey> Keys { get; } =
            [new("rate", "required, in [0, 1)", Required: true, Expected: "a number in [0, 1)", Example: "0.5")];

        internal override LayerConfig Read(LayerReader r) => new DropoutConfig(r.RequiredDouble("rate", Validation.Range.Unit));

        internal override DropoutNode? Infer(DropoutConfig c, LayerSite s) =>
            new(c.Rate) { Index = s.Index, Name = s.Name, Location = s.At, InputShape = s.Input, OutputShape = s.Input };

        internal override IEnumerable<(string Key, string Value)> Write(DropoutNode d) => [("rate", Num(d.Rate))];
    }
}
