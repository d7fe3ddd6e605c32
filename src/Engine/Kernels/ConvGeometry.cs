namespace NetForge.Engine.Kernels;

/// <summary>
/// The per-sample geometry of a 2-D window operation (convolution or pooling) on a channels-first
/// input [C, H, W]: kernel (window) size, stride and explicit pads. Output size follows the usual
/// floor formula: OutH = (H + PadTop + PadBottom − KernelH) / StrideH + 1.
/// </summary>
internal readonly record struct ConvGeometry(
    int Channels, int Height, int Width, int KernelH, int KernelW, int StrideH, int StrideW,
    int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    /// <summary>Output rows.</summary>
    public int OutH => (Height + PadTop + PadBottom - KernelH) / StrideH + 1;
    /// <summary>Output columns.</summary>
    public int OutW => (Width + PadLeft + PadRight - KernelW) / StrideW + 1;
    /// <summary>Elements of one input plane (H·W).</summary>
    public int InPlane => Height * Width;
    /// <summary>Elements of one output plane (OutH·OutW).</summary>
    public int OutPlane => OutH * OutW;
    /// <summary>Elements of one input sample (C·H·W).</summary>
    public int InputSize => Channels * Height * Width;
    /// <summary>Rows of the im2col matrix (C·kh·kw), the reduction length of a convolution.</summary>
    public int ColRows => Channels * KernelH * KernelW;

    /// <summary>Throws unless every size is positive, pads are non-negative and the output is non-empty.</summary>
    public void Validate()
    {
        if (Channels < 1 || Height < 1 || Width < 1) throw new ArgumentException($"input [{Channels}, {Height}, {Width}] must be positive");
        if (KernelH < 1 || KernelW < 1) throw new ArgumentException($"kernel {KernelH}x{KernelW} must be positive");
        if (StrideH < 1 || StrideW < 1) throw new ArgumentException($"stride {StrideH}x{StrideW} must be positive");
        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0) throw new ArgumentException("pads must be non-negative");
        if (OutH < 1 || OutW < 1) throw new ArgumentException($"kernel {KernelH}x{KernelW} does not fit the padded input {Height}x{Width}");
    }

    /// <summary>First output index whose window start (o·stride − pad + k) is ≥ 0, for kernel offset k.</summary>
    internal static int FirstValid(int pad, int k, int stride) =>
        pad - k <= 0 ? 0 : (pad - k + stride - 1) / stride;

    /// <summary>One past the last output index (≤ outSize) whose input index o·stride − pad + k is &lt; size.</summary>
    internal static int EndValid(int size, int pad, int k, int stride, int outSize)
    {
        int limit = size + pad - k; // need o·stride < limit
        if (limit <= 0) return 0;
        return Math.Min(outSize, (limit + stride - 1) / stride);
    }
}
