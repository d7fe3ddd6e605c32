using NetForge.Spec.Layers;

namespace NetForge.Spec.Graph
{
    /// <summary>The mean of each channel over all positions: [C, H, W] → [C] (ONNX GlobalAveragePool + Flatten).</summary>
    public sealed record GlobalAvgPool2DNode : LayerNode
    {
        public override string Type => "globalavgpool2d";
        public int Channels => InputShape[0];
        public override long MacsPerSample => 0;
    }
}

namespace NetForge.Spec.Layers
{
    using NetForge.Spec.Graph;

    /// <summary><c>globalavgpool2d</c> has no settings.</summary>
    public sealed record GlobalAvgPool2DConfig : LayerConfig;

    /// <summary><c>globalavgpool2d</c> (Keras <c>GlobalAveragePooling2D</c>, PyTorch <c>AdaptiveAvgPool2d(1)</c> + flatten): <c>[C, H, W]</c> → <c>[C]</c>.</summary>
    public sealed class GlobalAvgPool2D : LayerKind<GlobalAvgPool2DConfig, GlobalAvgPool2DNode>
    {
        internal GlobalAvgPool2D() { }

        public override string Type => "globalavgpool2d";
        public override string AutoName => "global_average_pooling2d";
        public override string KerasClass => "GlobalAveragePooling2D";
        public override string ShapeDoc => "`[C, H, W]` → `[C]` (the mean over H·W)";
        public override string Example => "- globalavgpool2d";
        public override int[] ExampleInput => [4, 14, 14];
        public override IReadOnlyList<LayerKey> Keys { get; } = [];

        internal override LayerConfig Read(LayerReader r) => new GlobalAvgPool2DConfig();

        internal override GlobalAvgPool2DNode? Infer(GlobalAvgPool2DConfig c, LayerSite s) =>
            s.NeedsImage(Type)
                ? new GlobalAvgPool2DNode { Index = s.Index, Name = s.Name, Location = s.At, InputShape = s.Input, OutputShape = new Shape(s.Input[0]) }
                : null;

        internal override IEnumerable<(string Key, string Value)> Write(GlobalAvgPool2DNode g) => [];
    }
}
