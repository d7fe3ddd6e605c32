using NetForge.Spec.Graph;

namespace NetForge.Spec;

/// <summary>
/// The window arithmetic every conv and pool layer shares (each kind's own inference is in <c>src/Spec/Layers</c>).
/// Shapes are per sample, channels-first. Conv and pool sizes follow TensorFlow:
/// valid: floor((in − k)/s) + 1; same: ceil(in/s) with total pad max((out − 1)·s + k − in, 0),
/// top/left = total/2 and the odd extra at the bottom/right.
/// </summary>
public static class ShapeInference
{
    /// <summary>Output size and pads (before, after) of one spatial axis.</summary>
    /// <returns>Output size, or 0 when the window does not fit a valid-padded input.</returns>
    public static (int Out, int PadBefore, int PadAfter) Window(int input, int kernel, int stride, Padding padding)
    {
        if (padding == Padding.Valid) return (input < kernel ? 0 : (input - kernel) / stride + 1, 0, 0);
        int output = (input + stride - 1) / stride;
        int total = Math.Max((int)Math.Min((long)(output - 1) * stride + kernel - input, int.MaxValue), 0);
        return (output, total / 2, total - total / 2);
    }
}
