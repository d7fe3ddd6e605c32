using NetForge.Spec.Layers;

namespace NetForge.Spec.Graph
{
    /// <summary>Fully connected: y = x·Wᵀ + b, W is [units, in_features].</summary>
    public sealed record DenseNode(int Units, Activation Activation, bool UseBias) : LayerNode
    {
        public override string Type => "dense";
        public int InFeatures => InputShape[0];
        public override long MacsPerSample => (long)InFeatures * Units;
    }
}

namespace NetForge.Spec.Layers
{
    using NetForge.Spec.Graph;

    /// <summary><c>dense</c>'s settings.</summary>
    public sealed record DenseConfig(int Units, Activation Activation, bool UseBias) : LayerConfig
    {
        public override Activation? AppliedActivation => Activation;
    }

    /// <summary><c>dense</c> (Keras <c>Dense</c>): <c>[in]</c> → <c>[units]</c>, weight <c>[units, in]</c>.</summary>
    public sealed class Dense : LayerKind<DenseConfig, DenseNode>
    {
        internal Dense() { }

        public override string Type => "dense";
        public override string AutoName => "dense";
        public override string KerasClass => "Dense";
        public override bool HasWeights => true;
        public override string ShapeDoc => "`[in]` → `[units]`";
        public override string Example => "- dense: {units: 16, activation: relu, use_bias: true}";
        public override int[] ExampleInput => [784];

        public override IReadOnlyList<LayerKey> Keys { get; } =
        [
            new("units", "required, ≥ 1", Required: true, Expected: "integer >= 1", Example: "128"),
            new("activation", "`linear`"),
            new("use_bias", "`true`"),
        ];

        internal override LayerConfig Read(LayerReader r) =>
            new DenseConfig(r.RequiredInt("units", 1, 1 << 24), r.Activation("activation"), r.Bool("use_bias", true));

        internal override DenseNode? Infer(DenseConfig c, LayerSite s)
        {
            if (s.Input.Rank != 1)
            {
                s.Error("dense needs a flat input", "[features]", s.Input.ToString(), "add a flatten layer before it");
                return null;
            }

            return new DenseNode(c.Units, c.Activation, c.UseBias)
            {
                Index = s.Index, Name = s.Name, Location = s.At, InputShape = s.Input, OutputShape = new Shape(c.Units),
                Parameters = s.WeightAndBias([c.Units, s.Input[0]], c.Units, c.UseBias),
            };
        }

        internal override IEnumerable<(string Key, string Value)> Write(DenseNode d) =>
            [("units", Int(d.Units)), ("activation", Word(d.Activation)), ("use_bias", Bool(d.UseBias))];
    }
}
