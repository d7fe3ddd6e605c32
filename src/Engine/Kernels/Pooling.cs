using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetForge.Engine.Kernels.Parallel;

namespace NetForge.Engine.Kernels;

/// <summary>
/// Max and average pooling on channels-first batches [B, C, H, W] → [B, C, OutH, OutW], with stride
/// and explicit pads (<see cref="ConvGeometry"/>; kernel = pool window). Windows are clipped to the
/// input, so padding never wins a max and is never counted in an average (count_include_pad = false).
/// Max ties go to the first element in row-major window order, as PyTorch; forward stores that
/// argmax (index within the sample's input) for the backward scatter-add.
/// Threads split the batch into contiguous chunks; every output is computed by one thread in one order.
/// </summary>
internal static unsafe class Pooling
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
                    int q = 0;
                    if (Avx512F.IsSupported && ow >= 8)
                    {
                        // 8 windows per step; the last step overlaps the previous one (same windows, same values).
                        for (; q < ow; q += 8) Max2x2x8(x, top + 2 * Math.Min(q, ow - 8), width, o + y * ow + Math.Min(q, ow - 8), a + y * ow + Math.Min(q, ow - 8));
                    }
                    else if (Avx2.IsSupported && ow >= 4)
                    {
                        for (; q < ow; q += 4) Max2x2x4(x, top + 2 * Math.Min(q, ow - 4), width, o + y * ow + Math.Min(q, ow - 4), a + y * ow + Math.Min(q, ow - 4));
                    }
                    for (; q < ow; q++)
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

        // The scalar rule with the window's current winner value w (instead of MathF.Max's running max, which differs
        // from it only by the sign of a zero, invisible to '>'; both are NaN once a NaN has been taken):
        // take = v > w | v is NaN; w = take ? v : w; best = take ? index : best. Output = w, the element itself.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Max2x2x8(float* x, int i0, int width, float* o, int* a)
        {
            var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
            Vector512<float> t = Avx512F.PermuteVar16x32(Vector512.Load(x + i0), even);
            Vector512<float> u = Avx512F.PermuteVar16x32(Vector512.Load(x + i0 + width), even);
            Vector256<int> index = Vector256.Create(i0) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
            Vector256<float> w = t.GetLower();
            Vector256<int> best = index;
            Take8(t.GetUpper(), index + Vector256<int>.One, ref w, ref best);
            Take8(u.GetLower(), index + Vector256.Create(width), ref w, ref best);
            Take8(u.GetUpper(), index + Vector256.Create(width + 1), ref w, ref best);
            w.Store(o);
            best.Store(a);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Take8(Vector256<float> v, Vector256<int> index, ref Vector256<float> w, ref Vector256<int> best)
        {
            Vector256<float> take = Vector256.GreaterThan(v, w) | ~Vector256.Equals(v, v);
            w = Vector256.ConditionalSelect(take, v, w);
            best = Vector256.ConditionalSelect(take.AsInt32(), index, best);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Max2x2x4(float* x, int i0, int width, float* o, int* a)
        {
            var even = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
            Vector256<float> t = Avx2.PermuteVar8x32(Vector256.Load(x + i0), even);
            Vector256<float> u = Avx2.PermuteVar8x32(Vector256.Load(x + i0 + width), even);
            Vector128<int> index = Vector128.Create(i0) + Vector128.Create(0, 2, 4, 6);
            Vector128<float> w = t.GetLower();
            Vector128<int> best = index;
            Take4(t.GetUpper(), index + Vector128<int>.One, ref w, ref best);
            Take4(u.GetLower(), index + Vector128.Create(width), ref w, ref best);
            Take4(u.GetUpper(), index + Vector128.Create(width + 1), ref w, ref best);
            w.Store(o);
            best.Store(a);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Take4(Vector128<float> v, Vector128<int> index, ref Vector128<float> w, ref Vector128<int> best)
        {
            Vector128<float> take = Vector128.GreaterThan(v, w) | ~Vector128.Equals(v, v);
            w = Vector128.ConditionalSelect(take, v, w);
            best = Vector128.ConditionalSelect(take.AsInt32(), index, best);
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
        if (IsMax2x2(g) && 2 * g.OutH == g.Height && 2 * g.OutW == g.Width && g.OutW >= 4 && Avx2.IsSupported)
        {
            fixed (float* dx = dInput, dy = dOutput)
            fixed (int* a = argmax)
                MaxBackward2x2(dx, dy, a, b0, b1, g);
            return;
        }
        for (int b = b0; b < b1; b++)
        {
            var dx = dInput.Slice(b * g.InputSize, g.InputSize);
            dx.Clear();
            for (int o = b * perSample, end = o + perSample; o < end; o++) dx[argmax[o]] += dOutput[o];
        }
    }

    /// <summary>
    /// The 2×2 stride-2 backward when the windows tile the input exactly: every input element belongs to one window, so
    /// instead of clearing dInput and scattering, each window's four elements are written once: (+0 + dy) at the
    /// argmax (the bits of the scatter-add onto a cleared buffer: -0 becomes +0, NaN stays) and +0 elsewhere.
    /// 8 (AVX-512) or 4 (AVX2) windows per step; a short last step overlaps the previous one (same values).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackward2x2(float* dInput, float* dOutput, int* argmax, int b0, int b1, in ConvGeometry g)
    {
        int oh = g.OutH, ow = g.OutW, width = g.Width, inPlane = g.InPlane, outPlane = oh * ow, channels = g.Channels;
        bool wide = Avx512F.IsSupported && ow >= 8;
        for (int b = b0; b < b1; b++)
            for (int c = 0; c < channels; c++)
            {
                float* dx = dInput + (long)b * g.InputSize;
                long o0 = (long)(b * channels + c) * outPlane;
                int inBase = c * inPlane;
                for (int y = 0; y < oh; y++)
                {
                    int top = inBase + 2 * y * width;
                    long row = o0 + y * ow;
                    if (wide)
                        for (int q = 0; q < ow; q += 8)
                        {
                            int qq = Math.Min(q, ow - 8);
                            Scatter8(dx, top + 2 * qq, width, dOutput + row + qq, argmax + row + qq);
                        }
                    else
                        for (int q = 0; q < ow; q += 4)
                        {
                            int qq = Math.Min(q, ow - 4);
                            Scatter4(dx, top + 2 * qq, width, dOutput + row + qq, argmax + row + qq);
                        }
                }
            }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Scatter8(float* dx, int i0, int width, float* dy, int* a)
        {
            Vector256<float> v = Vector256.Load(dy) + Vector256<float>.Zero;
            Vector256<int> best = Vector256.Load(a), index = Vector256.Create(i0) + Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
            Vector256<float> tl = v & Vector256.Equals(best, index).AsSingle();
            Vector256<float> tr = v & Vector256.Equals(best, index + Vector256<int>.One).AsSingle();
            Vector256<float> bl = v & Vector256.Equals(best, index + Vector256.Create(width)).AsSingle();
            Vector256<float> br = v & Vector256.Equals(best, index + Vector256.Create(width + 1)).AsSingle();
            var interleave = Vector512.Create(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
            Avx512F.PermuteVar16x32(Vector512.Create(tl, tr), interleave).Store(dx + i0);
            Avx512F.PermuteVar16x32(Vector512.Create(bl, br), interleave).Store(dx + i0 + width);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Scatter4(float* dx, int i0, int width, float* dy, int* a)
        {
            Vector128<float> v = Vector128.Load(dy) + Vector128<float>.Zero;
            Vector128<int> best = Vector128.Load(a), index = Vector128.Create(i0) + Vector128.Create(0, 2, 4, 6);
            Vector128<float> tl = v & Vector128.Equals(best, index).AsSingle();
            Vector128<float> tr = v & Vector128.Equals(best, index + Vector128<int>.One).AsSingle();
            Vector128<float> bl = v & Vector128.Equals(best, index + Vector128.Create(width)).AsSingle();
            Vector128<float> br = v & Vector128.Equals(best, index + Vector128.Create(width + 1)).AsSingle();
            var interleave = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            Avx2.PermuteVar8x32(Vector256.Create(tl, tr), interleave).Store(dx + i0);
            Avx2.PermuteVar8x32(Vector256.Create(bl, br), interleave).Store(dx + i0 + width);
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
