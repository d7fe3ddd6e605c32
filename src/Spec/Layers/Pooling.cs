using NetForge.Spec.Layers;

namespace NetForge.Spec.Graph
{
    public enum PoolKind
    {
        Max,
        Average,
    }

    /// <summary>Max or average pooling; average pooling never counts padding (count_include_pad = false).</summary>
    public sealed record Pool2DNode(
        PoolKind Kind, int PoolH, int PoolW, int StrideH, int StrideW, Padding Padding,
        int PadTop, int PadLeft, int PadBottom, int PadRight) : LayerNode
    {
        public override string Type => Kind == PoolKind.Max ? "maxpool2d" : "avgpool2d";
        public override long MacsPerSample => 0;
    }
}

namespace NetForge.Spec.Layers
{
    using NetForge.Spec.Graph;

    /// <summary>A pooling layer's settings; a null stride is the pool size (Keras).</summary>
    public sealed record Pool2DConfig((int H, int W) Pool, (int H, int W)? Stride, Padding Padding) : LayerConfig;

    /// <summary><c>maxpool2d</c> and <c>avgpool2d</c>: <c>[C, H, W]</c> → <c>[C, H', W']</c>.</summary>
    public abstract class Pool2D : LayerKind<Pool2DConfig, Pool2DNode>
    {
        private protected Pool2D() { }

        private protected abstract PoolKind Kind { get; }

        public override string ShapeDoc => "`[C, H, W]` → `[C, H', W']`";

        internal override LayerConfig Read(LayerReader r) => new Pool2DConfig(r.RequiredPair("pool"), r.Pair("stride", null), r.Padding());

        internal override Pool2DNode? Infer(Pool2DConfig c, LayerSite s)
        {
            if (!s.NeedsImage(Type)) return null;
            var stride = c.Stride ?? c.Pool;
            if (s.Windows("pool", c.Pool, stride, c.Padding, s.Input[0]) is not { } w) return null;
            return new Pool2DNode(Kind, c.Pool.H, c.Pool.W, stride.H, stride.W, c.Padding, w.Top, w.Left, w.Bottom, w.Right)
            {
                Index = s.Index, Name = s.Name, Location = s.At, InputShape = s.Input, OutputShape = new Shape(s.Input[0], w.H, w.W),
            };
        }

        internal override IEnumerable<(string Key, string Value)> Write(Pool2DNode p) =>
            [("pool", Pair(p.PoolH, p.PoolW)), ("stride", Pair(p.StrideH, p.StrideW)), ("padding", Word(p.Padding))];
    }

    /// <summary><c>maxpool2d</c> (Keras <c>MaxPooling2D</c>).</summary>
    public sealed class MaxPool2D : Pool2D
    {
        internal MaxPool2D() { }

        private protected override PoolKind Kind => PoolKind.Max;
        public override string Type => "maxpool2d";
        public override string AutoName => "max_pooling2d";
        public override string KerasClass => "MaxPooling2D";
        public override string Example => "- maxpool2d: {pool: 2, stride: 2, padding: valid}";

        public override IReadOnlyList<LayerKey> Keys { get; } =
        [
            new("pool", "required; int or `[h, w]`", Required: true, Expected: "an integer or [height, width]", Example: "2"),
            new("stride", "= `pool`"),
            new("padding", "`valid`"),
        ];
    }

    /// <summary><c>avgpool2d</c> (Keras <c>AveragePooling2D</c>; padding never counted).</summary>
    public sealed class AvgPool2D : Pool2D
    {
        internal AvgPool2D() { }

        private protected override PoolKind Kind => PoolKind.Average;
        public override string Type => "avgpool2d";
        public override string AutoName => "average_pooling2d";
        public override string KerasClass => "AveragePooling2D";
        public override string KeysNote => "; padding is never counted in the average";
        public override string Example => "- avgpool2d: {pool: [3, 3], stride: [2, 2], padding: same}";

        public override IReadOnlyList<LayerKey> Keys { get; } =
        [
            new("pool", "required", Required: true, Expected: "an integer or [height, width]", Example: "2"),
            new("stride", "= `pool`"),
            new("padding", "`valid`"),
        ];
    }
}
