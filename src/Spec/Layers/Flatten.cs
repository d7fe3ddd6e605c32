using NetForge.Spec.Layers;

namespace NetForge.Spec.Graph
{
    /// <summary>[C, H, W] → [C·H·W] in channels-first (ONNX/PyTorch) order.</summary>
    public sealed record FlattenNode : LayerNode
    {
        public override string Type => "flatten";
        public override long MacsPerSample => 0;
    }
}

namespace NetForge.Spec.Layers
{
    using NetForge.Spec.Graph;

    /// <summary><c>flatten</c> has no settings.</summary>
    public sealed record FlattenConfig : LayerConfig;

    /// <summary><c>flatten</c> (Keras <c>Flatten</c>): <c>[C, H, W]</c> → <c>[C·H·W]</c>.</summary>
    public sealed class Flatten : LayerKind<FlattenConfig, FlattenNode>
    {
        internal Flatten() { }

        public override string Type => "flatten";
        public override string AutoName => "flatten";
        public override string KerasClass => "Flatten";
        public override string ShapeDoc => "`[C, H, W]` → `[C·H·W]` (channels-first order)";
        public override string Example => "- flatten";
        public override IReadOnlyList<LayerKey> Keys { get; } = [];

        internal override LayerConfig Read(LayerReader r) => new FlattenConfig();

        internal override FlattenNode? Infer(FlattenConfig c, LayerSite s)
        {
            if (s.Input.Size > int.MaxValue)
            {
                s.Error("flatten output is too large", $"at most {int.MaxValue} elements", $"{s.Input.Size}");
                return null;
            }

            return new FlattenNode { Index = s.Index, Name = s.Name, Location = s.At, InputShape = s.Input, OutputShape = new Shape((int)s.Input.Size) };
        }

        internal override IEnumerable<(string Key, string Value)> Write(FlattenNode f) => [];
    }
}
