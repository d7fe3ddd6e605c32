using System.Numerics.Tensors;

namespace NetForge.Engine.Kernels;

/// <summary>
/// Global average pooling on channels-first batches: [B, C, H, W] → [B, C], each output the mean of one
/// channel's H·W plane (sum, then divided by H·W, as PyTorch's AdaptiveAvgPool2d(1) and ONNX GlobalAveragePool).
/// One pass over memory that the layer before wrote; single-threaded (it costs a fraction of that layer).
/// </summary>
internal static class GlobalPooling
{
    /// <summary>output[b, c] = mean of input[b, c, :, :].</summary>
    public static void AvgForward(Span<float> output, ReadOnlySpan<float> input, int batch, int channels, int plane)
    {
        Check(output, input, batch, channels, plane);
        for (int i = 0; i < batch * channels; i++)
            output[i] = TensorPrimitives.Sum(input.Slice(i * plane, plane)) / plane;
    }

    /// <summary>dInput[b, c, :, :] = dOutput[b, c] / (H·W) (overwrites dInput).</summary>
    public static void AvgBackward(Span<float> dInput, ReadOnlySpan<float> dOutput, int batch, int channels, int plane)
    {
        Check(dOutput, dInput, batch, channels, plane);
        for (int i = 0; i < batch * channels; i++)
            dInput.Slice(i * plane, plane).Fill(dOutput[i] / plane);
    }

    /// <summary>Naive reference of <see cref="AvgForward"/>: one scalar sum per plane, element by element.</summary>
    public static void AvgForwardReference(Span<float> output, ReadOnlySpan<float> input, int batch, int channels, int plane)
    {
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < channels; c++)
            {
                float sum = 0f;
                for (int p = 0; p < plane; p++) sum += input[(b * channels + c) * plane + p];
                output[b * channels + c] = sum / plane;
            }
    }

    /// <summary>Naive reference of <see cref="AvgBackward"/>.</summary>
    public static void AvgBackwardReference(Span<float> dInput, ReadOnlySpan<float> dOutput, int batch, int channels, int plane)
    {
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++) dInput[(b * channels + c) * plane + p] = dOutput[b * channels + c] / plane;
    }

    private static void Check(ReadOnlySpan<float> output, ReadOnlySpan<float> input, int batch, int channels, int plane)
    {
        if (batch < 0 || channels < 1 || plane < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"batch {batch}, channels {channels}, plane {plane}");
        long outN = (long)batch * channels, inN = outN * plane;
        if (output.Length < outN) throw new ArgumentException($"output holds {output.Length} elements, needs {outN}", nameof(output));
        if (input.Length < inN) throw new ArgumentException($"input holds {input.Length} elements, needs {inN}", nameof(input));
    }
}
