using NetForge.Spec.Layers;

namespace NetForge.Spec.Graph
{
    /// <summary>
    /// 2-D convolution (cross-correlation like every framework), weight [filters, in_channels, kh, kw].
    /// Padding is resolved to explicit pads: <c>same</c> follows TensorFlow (extra row/column at the
    /// bottom/right when the total is odd), which is what ONNX receives too.
    /// </summary>
    public sealed record Conv2DNode(
        int Filters, int KernelH, int KernelW, int StrideH, int StrideW, Padding Padding,
        int PadTop, int PadLeft, int PadBottom, int PadRight,
        Activation Activation, bool UseBias) : LayerNode
    {
        public override string Type => "conv2d";
        public int InChannels => InputShape[0];
        public override long MacsPerSample =>
            (long)OutputShape[0] * OutputShape[1] * OutputShape[2] * InChannels * KernelH * KernelW;
    }
}

namespace NetForge.Spec.Layers
{
    using NetForge.Spec.Graph;

    /// <summary><c>conv2d</c>'s settings; a null stride is 1.</summary>
    public sealed record Conv2DConfig(int Filters, (int H, int W) Kernel, (int H, int W)? Stride, Padding Padding, Activation Activation, bool UseBias)
        : LayerConfig
    {
        public override Activation? AppliedActivation => Activation;
    }

    /// <summary><c>conv2d</c> (Keras <c>Conv2D</c>): <c>[C, H, W]</c> → <c>[filters, H', W']</c>, TF-style <c>same</c> as explicit pads.</summary>
    public sealed class Conv2D : LayerKind<Conv2DConfig, Conv2DNode>
    {
        internal Conv2D() { }

        public override string Type => "conv2d";
        public override string AutoName => "conv2d";
        public override string KerasClass => "Conv2D";
        public override bool HasWeights => true;
        public override string ShapeDoc => "`[C, H, W]` → `[filters, H', W']`";
        public override string Example => "- conv2d: {filters: 4, kernel: 3, stride: 2, padding: same, activation: relu, use_bias: true}";

        public override IReadOnlyList<LayerKey> Keys { get; } =
        [
            new("filters", "required, ≥ 1", Required: true, Expected: "integer >= 1", Example: "32"),
            new("kernel", "required; int or `[h, w]`", Required: true, Expected: "an integer or [height, width]", Example: "3"),
            new("stride", "`1`; int or `[h, w]`"),
            new("padding", "`valid` \\| `same`; `valid`"),
            new("activation", "`linear`"),
            new("use_bias", "`true`"),
        ];

        internal override LayerConfig Read(LayerReader r) => new Conv2DConfig(
            r.RequiredInt("filters", 1, 1 << 16), r.RequiredPair("kernel"), r.Pair("stride", (1, 1)), r.Padding(),
            r.Activation("activation"), r.Bool("use_bias", true));

        internal override Conv2DNode? Infer(Conv2DConfig c, LayerSite s)
        {
            if (!s.NeedsImage(Type)) return null;
            var stride = c.Stride ?? (1, 1);
            if (s.Windows("kernel", c.Kernel, stride, c.Padding, c.Filters) is not { } w) return null;
            return new Conv2DNode(c.Filters, c.Kernel.H, c.Kernel.W, stride.H, stride.W, c.Padding,
                w.Top, w.Left, w.Bottom, w.Right, c.Activation, c.UseBias)
            {
                Index = s.Index, Name = s.Name, Location = s.At, InputShape = s.Input, OutputShape = new Shape(c.Filters, w.H, w.W),
                Parameters = s.WeightAndBias([c.Filters, s.Input[0], c.Kernel.H, c.Kernel.W], c.Filters, c.UseBias),
            };
        }

        internal override IEnumerable<(string Key, string Value)> Write(Conv2DNode c) =>
        [
            ("filters", Int(c.Filters)), ("kernel", Pair(c.KernelH, c.KernelW)), ("stride", Pair(c.StrideH, c.StrideW)),
            ("padding", Word(c.Padding)), ("activation", Word(c.Activation)), ("use_bias", Bool(c.UseBias)),
        ];
    }
}
