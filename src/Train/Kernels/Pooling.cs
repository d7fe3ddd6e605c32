using System.Runtime.CompilerServices;
using NetForge.Train.Kernels.Parallel;

namespace NetForge.Train.Kernels;

/// <summary>
/// Max and average pooling on channels-first batches [B, C, H, W] → [B, C, OutH, OutW], with stride
/// and explicit pads (<see cref="ConvGeometry"/>; kernel = pool window). Windows are clipped to the
/// input, so padding never wins a max and is never counted in an average (count_include_pad = false).
/// Max ties go to the first element in row-major window order, as PyTorch; forward stores that
/// argmax (index within the sample's input) for the backward scatter-add.
/// Threads split the batch into contiguous chunks; every output is computed by one thread in one order.
/// </summary>
public static unsafe class Pooling
{
    /// <summary>output = max over each window; argmax[o] = input offset (within the sample) of the winner.</summary>
    public static void MaxForward(Span<float> output, Span<int> argmax, ReadOnlySpan<float> input, int batch, in ConvGeometry g, int threads = 1)
    {
        Check(output, input, batch, g);
        if (argmax.Length < batch * g.Channels * g.OutPlane) throw new ArgumentException($"argmax holds {argmax.Length} elements, needs {batch * g.Channels * g.OutPlane}", nameof(argmax));
        fixed (float* o = output, x = input)
        fixed (int* a = argmax)
            WorkerPool.For(threads, batch, new Body { Kind = 0, Output = o, Input = x, Argmax = a, G = g, Batch = batch });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxForwardRange(Span<float> output, Span<int> argmax, ReadOnlySpan<float> input, int b0, int b1, in ConvGeometry geometry)
    {
        ConvGeometry g = geometry; // a local copy: the JIT keeps its fields in registers (writes through spans could alias an 'in' reference)
        int oh = g.OutH, ow = g.OutW;
        if (IsMax2x2(g))
        {
            fixed (float* xp = input, op = output)
            fixed (int* ap = argmax)
                MaxForward2x2(op, ap, xp, b0, b1, g);
            return;
        }
        for (int b = b0; b < b1; b++)
        {
            var x = input.Slice(b * g.InputSize, g.InputSize);
            for (int c = 0; c < g.Channels; c++)
            {
                int outBase = (b * g.Channels + c) * oh * ow, inBase = c * g.InPlane;
                for (int y = 0; y < oh; y++)
                {
                    int h0 = Math.Max(0, y * g.StrideH - g.PadTop), h1 = Math.Min(g.Height, y * g.StrideH - g.PadTop + g.KernelH);
                    for (int q = 0; q < ow; q++)
                    {
                        int w0 = Math.Max(0, q * g.StrideW - g.PadLeft), w1 = Math.Min(g.Width, q * g.StrideW - g.PadLeft + g.KernelW);
                        // PyTorch's rule: the first strictly greater value wins (ties keep the earlier index); NaN wins.
                        int best = inBase + h0 * g.Width + w0;
                        float max = x[best];
                        for (int h = h0; h < h1; h++)
                        {
                            var row = x.Slice(inBase + h * g.Width, g.Width);
                            for (int w = w0; w < w1; w++)
                            {
                                // Branch-free update: with random data an if here mispredicts about once per window and
                                // made max pooling ~10x slower than average pooling. MathF.Max propagates NaN, like 'take'.
                                float v = row[w];
                                bool take = (v > max) | float.IsNaN(v);
                                int m = -Unsafe.As<bool, byte>(ref take);
                                best = (best & ~m) | ((inBase + h * g.Width + w) & m);
                                max = MathF.Max(max, v);
                            }
                        }
                        output[outBase + y * ow + q] = x[best]; // the element itself (MathF.Max may turn -0 into +0)
                        argmax[outBase + y * ow + q] = best;
                    }
                }
            }
        }
    }

    /// <summary>2×2 windows, stride 2, no top/left padding, every window inside the input: the common case gets an unrolled path.</summary>
    private static bool IsMax2x2(in ConvGeometry g) =>
        g.KernelH == 2 && g.KernelW == 2 && g.StrideH == 2 && g.StrideW == 2 && g.PadTop == 0 && g.PadLeft == 0
        && 2 * g.OutH <= g.Height && 2 * g.OutW <= g.Width;

    /// <summary>
    /// The 2×2 stride-2 max pool: the same update rule as the general loop (first strictly greater value wins, a NaN
    /// replaces the winner), unrolled over the window's four elements in row-major order, through pointers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxForward2x2(float* output, int* argmax, float* input, int b0, int b1, in ConvGeometry g)
    {
        int oh = g.OutH, ow = g.OutW, width = g.Width, inPlane = g.InPlane, outPlane = oh * ow, channels = g.Channels;
        for (int b = b0; b < b1; b++)
            for (int c = 0; c < channels; c++)
            {
                float* x = input + (long)b * g.InputSize;
                float* o = output + (long)(b * channels + c) * outPlane;
                int* a = argmax + (long)(b * channels + c) * outPlane;
                int inBase = c * inPlane;
                for (int y = 0; y < oh; y++)
                {
                    int top = inBase + 2 * y * width;
                    for (int q = 0; q < ow; q++)
                    {
                        int i0 = top + 2 * q, i2 = i0 + width;
                        int best = i0;
                        float max = x[i0];
                        Step(x[i0 + 1], i0 + 1, ref max, ref best);
                        Step(x[i2], i2, ref max, ref best);
                        Step(x[i2 + 1], i2 + 1, ref max, ref best);
                        o[y * ow + q] = x[best];
                        a[y * ow + q] = best;
                    }
                }
            }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Step(float v, int index, ref float max, ref int best)
        {
            bool take = (v > max) | float.IsNaN(v);
            int m = -Unsafe.As<bool, byte>(ref take);
            best = (best & ~m) | (index & m);
            max = MathF.Max(max, v);
        }
    }

    /// <summary>dInput = 0, then dInput[argmax[o]] += dOutput[o] (scatter-add, in output order).</summary>
    public static void MaxBackward(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<int> argmax, int batch, in ConvGeometry g, int threads = 1)
    {
        Check(dOutput, dInput, batch, g);
        if (argmax.Length < batch * g.Channels * g.OutPlane) throw new ArgumentException($"argmax holds {argmax.Length} elements, needs {batch * g.Channels * g.OutPlane}", nameof(argmax));
        fixed (float* o = dOutput, x = dInput)
        fixed (int* a = argmax)
            WorkerPool.For(threads, batch, new Body { Kind = 1, Output = o, Input = x, Argmax = a, G = g, Batch = batch });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackwardRange(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<int> argmax, int b0, int b1, in ConvGeometry g)
    {
        int perSample = g.Channels * g.OutPlane;
        for (int b = b0; b < b1; b++)
        {
            var dx = dInput.Slice(b * g.InputSize, g.InputSize);
            dx.Clear();
            for (int o = b * perSample, end = o + perSample; o < end; o++) dx[argmax[o]] += dOutput[o];
        }
    }

    /// <summary>output = mean of the window's elements inside the input (padding not counted).</summary>
    public static void AvgForward(Span<float> output, ReadOnlySpan<float> input, int batch, in ConvGeometry g, int threads = 1)
    {
        Check(output, input, batch, g);
        fixed (float* o = output, x = input)
            WorkerPool.For(threads, batch, new Body { Kind = 2, Output = o, Input = x, G = g, Batch = batch });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AvgForwardRange(Span<float> output, ReadOnlySpan<float> input, int b0, int b1, in ConvGeometry g)
    {
        int oh = g.OutH, ow = g.OutW;
        for (int b = b0; b < b1; b++)
            for (int c = 0; c < g.Channels; c++)
            {
                var x = input.Slice((b * g.Channels + c) * g.InPlane, g.InPlane);
                var o = output.Slice((b * g.Channels + c) * oh * ow, oh * ow);
                for (int y = 0; y < oh; y++)
                {
                    int h0 = Math.Max(0, y * g.StrideH - g.PadTop), h1 = Math.Min(g.Height, y * g.StrideH - g.PadTop + g.KernelH);
                    for (int q = 0; q < ow; q++)
                    {
                        int w0 = Math.Max(0, q * g.StrideW - g.PadLeft), w1 = Math.Min(g.Width, q * g.StrideW - g.PadLeft + g.KernelW);
                        float sum = 0f;
                        for (int h = h0; h < h1; h++)
                            for (int w = w0; w < w1; w++) sum += x[h * g.Width + w];
                        o[y * ow + q] = sum / ((h1 - h0) * (w1 - w0));
                    }
                }
            }
    }

    /// <summary>dInput = 0, then each window element gets dOutput / (window count).</summary>
    public static void AvgBackward(Span<float> dInput, ReadOnlySpan<float> dOutput, int batch, in ConvGeometry g, int threads = 1)
    {
        Check(dOutput, dInput, batch, g);
        fixed (float* o = dOutput, x = dInput)
            WorkerPool.For(threads, batch, new Body { Kind = 3, Output = o, Input = x, G = g, Batch = batch });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AvgBackwardRange(Span<float> dInput, ReadOnlySpan<float> dOutput, int b0, int b1, in ConvGeometry g)
    {
        int oh = g.OutH, ow = g.OutW;
        for (int b = b0; b < b1; b++)
            for (int c = 0; c < g.Channels; c++)
            {
                var dx = dInput.Slice((b * g.Channels + c) * g.InPlane, g.InPlane);
                dx.Clear();
                var dy = dOutput.Slice((b * g.Channels + c) * oh * ow, oh * ow);
                for (int y = 0; y < oh; y++)
                {
                    int h0 = Math.Max(0, y * g.StrideH - g.PadTop), h1 = Math.Min(g.Height, y * g.StrideH - g.PadTop + g.KernelH);
                    for (int q = 0; q < ow; q++)
                    {
                        int w0 = Math.Max(0, q * g.StrideW - g.PadLeft), w1 = Math.Min(g.Width, q * g.StrideW - g.PadLeft + g.KernelW);
                        float share = dy[y * ow + q] / ((h1 - h0) * (w1 - w0));
                        for (int h = h0; h < h1; h++)
                            for (int w = w0; w < w1; w++) dx[h * g.Width + w] += share;
                    }
                }
            }
    }

    /// <summary>Naive reference of <see cref="MaxForward"/>: every window position with an explicit bounds test.</summary>
    public static void MaxForwardReference(Span<float> output, Span<int> argmax, ReadOnlySpan<float> input, int batch, in ConvGeometry g)
    {
        Check(output, input, batch, g);
        int oh = g.OutH, ow = g.OutW;
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < g.Channels; c++)
                for (int y = 0; y < oh; y++)
                    for (int q = 0; q < ow; q++)
                    {
                        int best = -1;
                        for (int i = 0; i < g.KernelH; i++)
                            for (int j = 0; j < g.KernelW; j++)
                            {
                                int h = y * g.StrideH - g.PadTop + i, w = q * g.StrideW - g.PadLeft + j;
                                if (h < 0 || h >= g.Height || w < 0 || w >= g.Width) continue;
                                int idx = (c * g.Height + h) * g.Width + w;
                                if (best < 0 || input[b * g.InputSize + idx] > input[b * g.InputSize + best]) best = idx;
                            }
                        int o = ((b * g.Channels + c) * oh + y) * ow + q;
                        output[o] = input[b * g.InputSize + best];
                        argmax[o] = best;
                    }
    }

    /// <summary>Naive reference of <see cref="MaxBackward"/>: dInput = 0, then each output's gradient is added at its argmax.</summary>
    public static void MaxBackwardReference(Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<int> argmax, int batch, in ConvGeometry g)
    {
        Check(dOutput, dInput, batch, g);
        int perSample = g.Channels * g.OutPlane;
        dInput[..(batch * g.InputSize)].Clear();
        for (int o = 0; o < batch * perSample; o++) dInput[o / perSample * g.InputSize + argmax[o]] += dOutput[o];
    }

    /// <summary>Naive reference of <see cref="AvgForward"/> (double accumulation).</summary>
    public static void AvgForwardReference(Span<float> output, ReadOnlySpan<float> input, int batch, in ConvGeometry g)
    {
        Check(output, input, batch, g);
        int oh = g.OutH, ow = g.OutW;
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < g.Channels; c++)
                for (int y = 0; y < oh; y++)
                    for (int q = 0; q < ow; q++)
                    {
                        double sum = 0;
                        int count = 0;
                        for (int i = 0; i < g.KernelH; i++)
                            for (int j = 0; j < g.KernelW; j++)
                            {
                                int h = y * g.StrideH - g.PadTop + i, w = q * g.StrideW - g.PadLeft + j;
                                if (h < 0 || h >= g.Height || w < 0 || w >= g.Width) continue;
                                sum += input[((b * g.Channels + c) * g.Height + h) * g.Width + w];
                                count++;
                            }
                        output[((b * g.Channels + c) * oh + y) * ow + q] = (float)(sum / count);
                    }
    }

    /// <summary>Naive reference of <see cref="AvgBackward"/>.</summary>
    public static void AvgBackwardReference(Span<float> dInput, ReadOnlySpan<float> dOutput, int batch, in ConvGeometry g)
    {
        Check(dOutput, dInput, batch, g);
        int oh = g.OutH, ow = g.OutW;
        var acc = new double[batch * g.InputSize];
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < g.Channels; c++)
                for (int y = 0; y < oh; y++)
                    for (int q = 0; q < ow; q++)
                    {
                        int count = 0;
                        for (int pass = 0; pass < 2; pass++)
                            for (int i = 0; i < g.KernelH; i++)
                                for (int j = 0; j < g.KernelW; j++)
                                {
                                    int h = y * g.StrideH - g.PadTop + i, w = q * g.StrideW - g.PadLeft + j;
                                    if (h < 0 || h >= g.Height || w < 0 || w >= g.Width) continue;
                                    if (pass == 0) count++;
                                    else acc[((b * g.Channels + c) * g.Height + h) * g.Width + w] += (double)dOutput[((b * g.Channels + c) * oh + y) * ow + q] / count;
                                }
                    }
        for (int k = 0; k < acc.Length; k++) dInput[k] = (float)acc[k];
    }

    /// <summary>One parallel body for the four kernels; Output/Input are dOutput/dInput for the backward kinds.</summary>
    private struct Body : IParallelBody
    {
        public int Kind, Batch;
        public float* Output, Input;
        public int* Argmax;
        public ConvGeometry G;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times per step: never left at tier 0
        public void Invoke(int start, int end)
        {
            int outN = Batch * G.Channels * G.OutPlane, inN = Batch * G.InputSize;
            var o = new Span<float>(Output, outN);
            var x = new Span<float>(Input, inN);
            switch (Kind)
            {
                case 0: MaxForwardRange(o, new Span<int>(Argmax, outN), x, start, end, G); break;
                case 1: MaxBackwardRange(x, o, new Span<int>(Argmax, outN), start, end, G); break;
                case 2: AvgForwardRange(o, x, start, end, G); break;
                default: AvgBackwardRange(x, o, start, end, G); break;
            }
        }
    }

    private static void Check(ReadOnlySpan<float> output, ReadOnlySpan<float> input, int batch, in ConvGeometry g)
    {
        g.Validate();
        if (g.PadTop >= g.KernelH || g.PadBottom >= g.KernelH || g.PadLeft >= g.KernelW || g.PadRight >= g.KernelW)
            throw new ArgumentException($"pads must be smaller than the pool window {g.KernelH}x{g.KernelW}, or a window could hold only padding");
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch));
        long outN = (long)batch * g.Channels * g.OutPlane, inN = (long)batch * g.InputSize;
        if (output.Length < outN) throw new ArgumentException($"output holds {output.Length} elements, needs {outN}", nameof(output));
        if (input.Length < inN) throw new ArgumentException($"input holds {input.Length} elements, needs {inN}", nameof(input));
    }
}
