using NetForge.Spec.Layers;

namespace NetForge.Spec.Graph
{
    /// <summary>
    /// Batch normalisation over the channel axis (axis 0 of [C, H, W], or the feature axis of [N]).
    /// Parameters: gamma, beta (trainable), moving_mean, moving_variance (not trainable).
    /// Keras semantics: moving = moving·momentum + batch·(1 − momentum); epsilon added to the variance.
    /// </summary>
    public sealed record BatchNormNode(double Momentum, double Epsilon, bool Center, bool Scale) : LayerNode
    {
        public override string Type => "batchnorm";
        public int Channels => InputShape[0];
        public override long MacsPerSample => InputShape.Size;
    }
}

namespace NetForge.Spec.Layers
{
    using NetForge.Spec.Graph;

    /// <summary><c>batchnorm</c>'s settings.</summary>
    public sealed record BatchNormConfig(double Momentum, double Epsilon, bool Center, bool Scale) : LayerConfig;

    /// <summary><c>batchnorm</c> (Keras <c>BatchNormalization</c>): shape unchanged, channel axis 0.</summary>
    public sealed class BatchNorm : LayerKind<BatchNormConfig, BatchNormNode>
    {
        internal BatchNorm() { }

        public override string Type => "batchnorm";
        public override string AutoName => "batch_normalization";
        public override string KerasClass => "BatchNormalization";
        public override bool HasWeights => true;
        public override Initializer DefaultInitializer => Initializer.Ones;
        public override string ShapeDoc => "unchanged; channel axis 0";
        public override string Example => "- batchnorm: {momentum: 0.9, epsilon: 0.001, center: true, scale: true}";
        public override int[] ExampleInput => [4, 14, 14];

        public override IReadOnlyList<LayerKey> Keys { get; } =
        [
            new("momentum", "`0.99`, in [0, 1)"),
            new("epsilon", "`0.001`, > 0"),
            new("center", "`true`"),
            new("scale", "`true`"),
        ];

        internal override LayerConfig Read(LayerReader r) => new BatchNormConfig(
            r.Double("momentum", 0.99, Validation.Range.Unit), r.Double("epsilon", 0.001, Validation.Range.Positive),
            r.Bool("center", true), r.Bool("scale", true));

        internal override BatchNormNode? Infer(BatchNormConfig c, LayerSite s)
        {
            int ch = s.Input[0];
            var ps = new List<ParamSpec>();
            if (c.Scale) ps.Add(new ParamSpec(s.Prefix + "gamma", "gamma", new Shape(ch), s.Initializer));
            if (c.Center) ps.Add(new ParamSpec(s.Prefix + "beta", "beta", new Shape(ch), s.BiasInitializer));
            ps.Add(new ParamSpec(s.Prefix + "moving_mean", "moving_mean", new Shape(ch), Initializer.Zeros, Trainable: false));
            ps.Add(new ParamSpec(s.Prefix + "moving_variance", "moving_variance", new Shape(ch), Initializer.Ones, Trainable: false));
            return new BatchNormNode(c.Momentum, c.Epsilon, c.Center, c.Scale)
            {
                Index = s.Index, Name = s.Name, Location = s.At, InputShape = s.Input, OutputShape = s.Input, Parameters = ps,
            };
        }

        internal override IEnumerable<(string Key, string Value)> Write(BatchNormNode b) =>
            [("momentum", Num(b.Momentum)), ("epsilon", Num(b.Epsilon)), ("center", Bool(b.Center)), ("scale", Bool(b.Scale))];
    }
}
