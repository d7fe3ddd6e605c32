using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetForge.Spec.Graph;
using NetForge.Train.Kernels.Parallel;

namespace NetForge.Train.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation) on channels-first batches: input [B, C, H, W], weight
/// [F, C, kh, kw], output [B, F, OutH, OutW]. Implemented per sample as im2col + <see cref="Gemm"/>:
/// col [C·kh·kw, OutH·OutW] holds the input patches, so output_b = W [F, C·kh·kw] · col.
/// <para>
/// Threads: forward and dInput split the batch into contiguous chunks (each chunk has its own slot of
/// the <c>col</c> workspace, which must hold <c>min(threads, batch)·ColRows·OutPlane</c> floats); each
/// output is computed by one thread in one order. dWeight/dBias are reduced in a fixed number of sample
/// groups (<see cref="WeightGradientGroups"/>, each summing its samples in order into its own partial,
/// the partials then added in group order) — so every result is bit-identical for any thread count.
/// </para>
/// <para>
/// Per-sample rather than whole-batch im2col: the whole-batch col matrix of a 3×3 conv over 32
/// channels at 14×14 is 128·288·196 floats (29 MB) per batch of 128 and the output then needs a
/// [F, B·HW] → [B, F, HW] transpose; the per-sample col (230 KB) stays in L2 and writes the output in
/// place. Rough forward timings (batch 128, 3×3 same, ReLU, one thread on a shared box): 1→32 channels at
/// 28×28 per-sample 1.8 ms vs whole-batch 2.5–3.0 ms; 32→64 at 14×14 per-sample 11–14 ms vs whole-batch 15 ms.
/// </para>
/// </summary>
public static unsafe class Conv2DKernels
{
    /// <summary>Floats of <c>col</c> workspace needed by the kernels for a call with <paramref name="threads"/> threads.</summary>
    public static int WorkspaceSize(in ConvGeometry g, int batch, int threads) =>
        Math.Max(1, Math.Min(Math.Max(threads, 1), Math.Max(batch, 1))) * g.ColRows * g.OutPlane;

    /// <summary>
    /// output = activation(W ⊛ input + bias). <paramref name="bias"/> may be empty (no bias).
    /// Bias and activation are applied per output row right after its GEMM (fused epilogue).
    /// </summary>
    public static void Forward(
        Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int batch, int filters, in ConvGeometry g, Activation activation, Span<float> col, int threads)
    {
        CheckCommon(output, input, weight, batch, filters, g);
        if (!bias.IsEmpty && bias.Length < filters) throw new ArgumentException($"bias holds {bias.Length} elements, needs {filters}", nameof(bias));
        if (activation == Activation.Softmax) throw new NotSupportedException("softmax activation on a convolution");
        CheckWorkspace(col, g, batch, threads);
        fixed (float* o = output, x = input, w = weight, bi = bias, c = col)
        {
            var body = new ForwardBody
            {
                Output = o, Input = x, Weight = w, Bias = bias.IsEmpty ? null : bi, Col = c,
                G = g, Filters = filters, Activation = activation, Batch = batch, Chunks = Chunks(threads, batch),
            };
            WorkerPool.For(threads, batch, body);
        }
    }

    /// <summary>dInput = col2im(Wᵀ · dOutput_b) per sample (overwrites dInput). dOutput is the gradient after the activation's backward.</summary>
    public static void BackwardInput(
        Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight,
        int batch, int filters, in ConvGeometry g, Span<float> col, int threads)
    {
        CheckCommon(dOutput, dInput, weight, batch, filters, g);
        CheckWorkspace(col, g, batch, threads);
        fixed (float* dx = dInput, dy = dOutput, w = weight, c = col)
        {
            var body = new BackwardInputBody
            {
                DInput = dx, DOutput = dy, Weight = w, Col = c, G = g, Filters = filters, Batch = batch, Chunks = Chunks(threads, batch),
            };
            WorkerPool.For(threads, batch, body);
        }
    }

    /// <summary>
    /// Number of fixed sample groups the weight gradient is reduced in: group g sums its samples in order
    /// into its own partial, then the partials are added to dWeight in group order. The grouping depends
    /// only on the batch size, never on the thread count, so the result is bit-identical for any threads.
    /// </summary>
    public const int WeightGradientGroups = 8;

    /// <summary>Floats of the <c>partials</c> workspace <see cref="BackwardWeight"/> needs.</summary>
    public static int PartialsSize(int filters, in ConvGeometry g, int batch) =>
        Math.Max(1, Math.Min(WeightGradientGroups, batch)) * filters * (g.ColRows + 1);

    /// <summary>
    /// dWeight += Σ_b dOutput_b · col_bᵀ and dBias[f] += Σ_b Σ_hw dOutput[b, f, hw] (dBias may be empty).
    /// The batch is cut into min(<see cref="WeightGradientGroups"/>, B) contiguous groups reduced in parallel
    /// into <paramref name="partials"/> (<see cref="PartialsSize"/> floats), then added in group order.
    /// </summary>
    public static void BackwardWeight(
        Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input,
        int batch, int filters, in ConvGeometry g, Span<float> col, Span<float> partials, int threads)
    {
        CheckCommon(dOutput, input, dWeight, batch, filters, g);
        if (!dBias.IsEmpty && dBias.Length < filters) throw new ArgumentException($"dBias holds {dBias.Length} elements, needs {filters}", nameof(dBias));
        if (batch == 0) return;
        int groups = Math.Min(WeightGradientGroups, batch);
        CheckWorkspace(col, g, groups, threads);
        int need = PartialsSize(filters, g, batch), wN = filters * g.ColRows;
        if (partials.Length < need) throw new ArgumentException($"partials holds {partials.Length} elements, needs {need}", nameof(partials));
        fixed (float* dy = dOutput, x = input, c = col, p = partials)
        {
            var body = new BackwardWeightBody
            {
                DOutput = dy, Input = x, Col = c, Partials = p, G = g, Filters = filters, Batch = batch, Groups = groups,
                Chunks = Chunks(threads, groups), Transposed = Transposed(filters, g),
            };
            WorkerPool.For(threads, groups, body);
        }
        bool transposed = Transposed(filters, g);
        int rows = g.ColRows;
        for (int q = 0; q < groups; q++)
        {
            var part = partials.Slice(q * filters * (rows + 1), filters * (rows + 1));
            if (!transposed) System.Numerics.Tensors.TensorPrimitives.Add(dWeight[..wN], part[..wN], dWeight[..wN]);
            else
                for (int f = 0; f < filters; f++)
                    for (int r = 0; r < rows; r++) dWeight[f * rows + r] += part[r * filters + f];
            if (!dBias.IsEmpty) System.Numerics.Tensors.TensorPrimitives.Add(dBias[..filters], part.Slice(wN, filters), dBias[..filters]);
        }
    }

    /// <summary>col[(c·kh + i)·kw + j, oh·OutW + ow] = input[c, oh·sh − pt + i, ow·sw − pl + j], 0 in the padding.</summary>
    public static void Im2Col(Span<float> col, ReadOnlySpan<float> input, in ConvGeometry g)
    {
        if (col.Length < g.ColRows * g.OutPlane) throw new ArgumentException($"col holds {col.Length} elements, needs {g.ColRows * g.OutPlane}", nameof(col));
        if (input.Length < g.InputSize) throw new ArgumentException($"input holds {input.Length} elements, needs {g.InputSize}", nameof(input));
        fixed (float* c = col, x = input) Im2ColCore(c, x, g);
    }

    /// <summary>
    /// Stride 1 with OutW = Width ("same" padding along the width): a col row is the input plane shifted by a constant
    /// offset, so its valid part is one contiguous copy; the wrapped border columns are then zeroed.
    /// </summary>
    private static bool IsShiftedPlane(in ConvGeometry g) => g.StrideH == 1 && g.StrideW == 1 && g.OutW == g.Width;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2ColCore(float* col, float* input, in ConvGeometry geometry)
    {
        ConvGeometry g = geometry;
        int oh = g.OutH, ow = g.OutW, plane = oh * ow, width = g.Width;
        bool shifted = IsShiftedPlane(g);
        for (int c = 0; c < g.Channels; c++)
        {
            float* xc = input + (long)c * g.InPlane;
            for (int i = 0; i < g.KernelH; i++)
            {
                int y0 = ConvGeometry.FirstValid(g.PadTop, i, g.StrideH), y1 = ConvGeometry.EndValid(g.Height, g.PadTop, i, g.StrideH, oh);
                for (int j = 0; j < g.KernelW; j++)
                {
                    float* row = col + (long)((c * g.KernelH + i) * g.KernelW + j) * plane;
                    int x0 = ConvGeometry.FirstValid(g.PadLeft, j, g.StrideW), x1 = ConvGeometry.EndValid(g.Width, g.PadLeft, j, g.StrideW, ow);
                    if (y1 <= y0 || x1 <= x0) { Clear(row, plane); continue; }
                    Clear(row, y0 * ow);
                    if (shifted)
                    {
                        int shift = (i - g.PadTop) * width + (j - g.PadLeft);
                        int d0 = y0 * ow + x0, d1 = (y1 - 1) * ow + x1;
                        Copy(row + d0, xc + d0 + shift, d1 - d0);
                        if (x0 > 0 || x1 < ow)
                            for (int r = y0; r < y1; r++)
                            {
                                float* dst = row + r * ow;
                                for (int q = 0; q < x0; q++) dst[q] = 0f;
                                for (int q = x1; q < ow; q++) dst[q] = 0f;
                            }
                    }
                    else
                    {
                        for (int r = y0; r < y1; r++)
                        {
                            float* dst = row + r * ow;
                            for (int q = 0; q < x0; q++) dst[q] = 0f;
                            for (int q = x1; q < ow; q++) dst[q] = 0f;
                            int ih = r * g.StrideH - g.PadTop + i;
                            int iw0 = x0 * g.StrideW - g.PadLeft + j;
                            float* src = xc + ih * width;
                            if (g.StrideW == 1) Copy(dst + x0, src + iw0, x1 - x0);
                            else for (int q = x0, iw = iw0; q < x1; q++, iw += g.StrideW) dst[q] = src[iw];
                        }
                    }
                    Clear(row + y1 * ow, plane - y1 * ow);
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: dInput = 0, then every col element is added back to its input position.</summary>
    public static void Col2Im(Span<float> dInput, ReadOnlySpan<float> col, in ConvGeometry g)
    {
        if (col.Length < g.ColRows * g.OutPlane) throw new ArgumentException($"col holds {col.Length} elements, needs {g.ColRows * g.OutPlane}", nameof(col));
        if (dInput.Length < g.InputSize) throw new ArgumentException($"dInput holds {dInput.Length} elements, needs {g.InputSize}", nameof(dInput));
        fixed (float* dx = dInput, c = col) Col2ImCore(dx, c, g, clobberCol: false);
    }

    /// <summary>
    /// Col2Im through pointers. Each input element receives its col contributions in (c, i, j, row) order, as the
    /// definition. With <paramref name="clobberCol"/> (a workspace the caller no longer needs) and a shifted-plane
    /// geometry, the padding positions of each col row are zeroed and the row is added as one contiguous block
    /// (the zeros land on other elements and add nothing: dInput starts at +0, so x + 0 = x exactly).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Col2ImCore(float* dInput, float* col, in ConvGeometry geometry, bool clobberCol)
    {
        ConvGeometry g = geometry;
        int oh = g.OutH, ow = g.OutW, plane = oh * ow, width = g.Width;
        bool shifted = clobberCol && IsShiftedPlane(g);
        Clear(dInput, g.InputSize);
        for (int c = 0; c < g.Channels; c++)
        {
            float* xc = dInput + (long)c * g.InPlane;
            for (int i = 0; i < g.KernelH; i++)
            {
                int y0 = ConvGeometry.FirstValid(g.PadTop, i, g.StrideH), y1 = ConvGeometry.EndValid(g.Height, g.PadTop, i, g.StrideH, oh);
                for (int j = 0; j < g.KernelW; j++)
                {
                    float* row = col + (long)((c * g.KernelH + i) * g.KernelW + j) * plane;
                    int x0 = ConvGeometry.FirstValid(g.PadLeft, j, g.StrideW), x1 = ConvGeometry.EndValid(g.Width, g.PadLeft, j, g.StrideW, ow);
                    if (y1 <= y0 || x1 <= x0) continue;
                    if (shifted)
                    {
                        if (x0 > 0 || x1 < ow)
                            for (int r = y0; r < y1; r++)
                            {
                                float* src = row + r * ow;
                                for (int q = 0; q < x0; q++) src[q] = 0f;
                                for (int q = x1; q < ow; q++) src[q] = 0f;
                            }
                        int shift = (i - g.PadTop) * width + (j - g.PadLeft);
                        int d0 = y0 * ow + x0, d1 = (y1 - 1) * ow + x1;
                        AddTo(xc + d0 + shift, row + d0, d1 - d0);
                        continue;
                    }
                    for (int r = y0; r < y1; r++)
                    {
                        int ih = r * g.StrideH - g.PadTop + i;
                        float* dst = xc + ih * width;
                        float* src = row + r * ow;
                        if (g.StrideW == 1) AddTo(dst + (x0 - g.PadLeft + j), src + x0, x1 - x0);
                        else for (int q = x0, iw = x0 * g.StrideW - g.PadLeft + j; q < x1; q++, iw += g.StrideW) dst[iw] += src[q];
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clear(float* p, int n)
    {
        if (n > 0) new Span<float>(p, n).Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* dst, float* src, int n) => Buffer.MemoryCopy(src, dst, (long)n * sizeof(float), (long)n * sizeof(float));

    /// <summary>dst[k] += src[k] for k &lt; n (elementwise, so the same bits as the scalar loop).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(float* dst, float* src, int n)
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; k + 16 <= n; k += 16) Vector512.Store(Vector512.Load(dst + k) + Vector512.Load(src + k), dst + k);
        if (Vector256.IsHardwareAccelerated)
            for (; k + 8 <= n; k += 8) Vector256.Store(Vector256.Load(dst + k) + Vector256.Load(src + k), dst + k);
        for (; k < n; k++) dst[k] += src[k];
    }

    /// <summary>Naive reference: the seven nested loops of the definition (double accumulation).</summary>
    public static void ForwardReference(
        Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int batch, int filters, in ConvGeometry g, Activation activation)
    {
        CheckCommon(output, input, weight, batch, filters, g);
        int oh = g.OutH, ow = g.OutW;
        for (int b = 0; b < batch; b++)
            for (int f = 0; f < filters; f++)
                for (int y = 0; y < oh; y++)
                    for (int x = 0; x < ow; x++)
                    {
                        double sum = bias.IsEmpty ? 0 : bias[f];
                        for (int c = 0; c < g.Channels; c++)
                            for (int i = 0; i < g.KernelH; i++)
                                for (int j = 0; j < g.KernelW; j++)
                                {
                                    int ih = y * g.StrideH - g.PadTop + i, iw = x * g.StrideW - g.PadLeft + j;
                                    if (ih < 0 || ih >= g.Height || iw < 0 || iw >= g.Width) continue;
                                    sum += (double)input[((b * g.Channels + c) * g.Height + ih) * g.Width + iw]
                                         * weight[((f * g.Channels + c) * g.KernelH + i) * g.KernelW + j];
                                }
                        output[((b * filters + f) * oh + y) * ow + x] = (float)sum;
                    }
        var o = output[..(batch * filters * oh * ow)];
        Activations.ForwardReference(o, o, activation, 1, o.Length);
    }

    /// <summary>Naive reference of <see cref="BackwardInput"/>.</summary>
    public static void BackwardInputReference(
        Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight, int batch, int filters, in ConvGeometry g)
    {
        CheckCommon(dOutput, dInput, weight, batch, filters, g);
        var acc = new double[batch * g.InputSize];
        int oh = g.OutH, ow = g.OutW;
        for (int b = 0; b < batch; b++)
            for (int f = 0; f < filters; f++)
                for (int y = 0; y < oh; y++)
                    for (int x = 0; x < ow; x++)
                    {
                        double dy = dOutput[((b * filters + f) * oh + y) * ow + x];
                        for (int c = 0; c < g.Channels; c++)
                            for (int i = 0; i < g.KernelH; i++)
                                for (int j = 0; j < g.KernelW; j++)
                                {
                                    int ih = y * g.StrideH - g.PadTop + i, iw = x * g.StrideW - g.PadLeft + j;
                                    if (ih < 0 || ih >= g.Height || iw < 0 || iw >= g.Width) continue;
                                    acc[((b * g.Channels + c) * g.Height + ih) * g.Width + iw] += dy * weight[((f * g.Channels + c) * g.KernelH + i) * g.KernelW + j];
                                }
                    }
        for (int k = 0; k < acc.Length; k++) dInput[k] = (float)acc[k];
    }

    /// <summary>Naive reference of <see cref="BackwardWeight"/> (adds into dWeight/dBias).</summary>
    public static void BackwardWeightReference(
        Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, int batch, int filters, in ConvGeometry g)
    {
        CheckCommon(dOutput, input, dWeight, batch, filters, g);
        int oh = g.OutH, ow = g.OutW;
        for (int f = 0; f < filters; f++)
        {
            for (int c = 0; c < g.Channels; c++)
                for (int i = 0; i < g.KernelH; i++)
                    for (int j = 0; j < g.KernelW; j++)
                    {
                        double sum = 0;
                        for (int b = 0; b < batch; b++)
                            for (int y = 0; y < oh; y++)
                                for (int x = 0; x < ow; x++)
                                {
                                    int ih = y * g.StrideH - g.PadTop + i, iw = x * g.StrideW - g.PadLeft + j;
                                    if (ih < 0 || ih >= g.Height || iw < 0 || iw >= g.Width) continue;
                                    sum += (double)dOutput[((b * filters + f) * oh + y) * ow + x] * input[((b * g.Channels + c) * g.Height + ih) * g.Width + iw];
                                }
                        dWeight[((f * g.Channels + c) * g.KernelH + i) * g.KernelW + j] += (float)sum;
                    }
            if (!dBias.IsEmpty)
            {
                double s = 0;
                for (int b = 0; b < batch; b++)
                    for (int p = 0; p < oh * ow; p++) s += dOutput[(b * filters + f) * oh * ow + p];
                dBias[f] += (float)s;
            }
        }
    }

    /// <summary>
    /// With few patch rows (a first layer: C·kh·kw = 9) the partial is computed as dWᵀ = col·dYᵀ [rows × F], a GEMM
    /// with a wide n = F instead of a narrow n = rows that would waste most of each SIMD tile.
    /// </summary>
    private static bool Transposed(int filters, in ConvGeometry g) => g.ColRows < 16 && filters > g.ColRows;

    private static int Chunks(int threads, int batch) => Math.Clamp(Math.Min(threads, batch), 1, WorkerPool.MaxThreads);

    /// <summary>The chunk number of a WorkerPool chunk starting at <paramref name="start"/> (chunk starts are strictly increasing).</summary>
    private static int ChunkOf(int start, int count, int chunks)
    {
        int t = (int)((long)start * chunks / count);
        while (t + 1 < chunks && WorkerPool.ChunkStart(count, chunks, t + 1) <= start) t++;
        while (t > 0 && WorkerPool.ChunkStart(count, chunks, t) > start) t--;
        return t;
    }

    private struct ForwardBody : IParallelBody
    {
        public float* Output, Input, Weight, Bias, Col;
        public ConvGeometry G;
        public int Filters, Batch, Chunks;
        public Activation Activation;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times per step: never left at tier 0
        public void Invoke(int start, int end)
        {
            int plane = G.OutPlane, rows = G.ColRows, inSize = G.InputSize;
            var col = new Span<float>(Col + (long)ChunkOf(start, Batch, Chunks) * rows * plane, rows * plane);
            var w = new ReadOnlySpan<float>(Weight, Filters * rows);
            for (int b = start; b < end; b++)
            {
                var o = new Span<float>(Output + (long)b * Filters * plane, Filters * plane);
                fixed (float* cp = col) Im2ColCore(cp, Input + (long)b * inSize, G);
                Gemm.Multiply(o, w, col, Filters, plane, rows, transA: false, transB: false, accumulate: false, threads: 1);
                for (int f = 0; f < Filters; f++)
                {
                    var row = o.Slice(f * plane, plane);
                    if (Bias != null) System.Numerics.Tensors.TensorPrimitives.Add(row, Bias[f], row);
                    if (Activation != Activation.Linear) Activations.Forward(row, row, Activation, 1, plane);
                }
            }
        }
    }

    private struct BackwardWeightBody : IParallelBody
    {
        public float* DOutput, Input, Col, Partials;
        public ConvGeometry G;
        public int Filters, Batch, Groups, Chunks;
        public bool Transposed;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times per step: never left at tier 0
        public void Invoke(int start, int end)
        {
            int plane = G.OutPlane, rows = G.ColRows, inSize = G.InputSize, wN = Filters * rows;
            var col = new Span<float>(Col + (long)ChunkOf(start, Groups, Chunks) * rows * plane, rows * plane);
            for (int q = start; q < end; q++)
            {
                var part = new Span<float>(Partials + (long)q * Filters * (rows + 1), Filters * (rows + 1));
                var dW = part[..wN];
                var dB = part.Slice(wN, Filters);
                dB.Clear();
                int b0 = WorkerPool.ChunkStart(Batch, Groups, q), b1 = WorkerPool.ChunkStart(Batch, Groups, q + 1);
                for (int b = b0; b < b1; b++)
                {
                    var dy = new ReadOnlySpan<float>(DOutput + (long)b * Filters * plane, Filters * plane);
                    fixed (float* cp = col) Im2ColCore(cp, Input + (long)b * inSize, G);
                    if (Transposed) Gemm.Multiply(dW, col, dy, rows, Filters, plane, transA: false, transB: true, accumulate: b > b0, threads: 1);
                    else Gemm.Multiply(dW, dy, col, Filters, rows, plane, transA: false, transB: true, accumulate: b > b0, threads: 1);
                    for (int f = 0; f < Filters; f++) dB[f] += System.Numerics.Tensors.TensorPrimitives.Sum(dy.Slice(f * plane, plane));
                }
            }
        }
    }

    private struct BackwardInputBody : IParallelBody
    {
        public float* DInput, DOutput, Weight, Col;
        public ConvGeometry G;
        public int Filters, Batch, Chunks;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times per step: never left at tier 0
        public void Invoke(int start, int end)
        {
            int plane = G.OutPlane, rows = G.ColRows, inSize = G.InputSize;
            var col = new Span<float>(Col + (long)ChunkOf(start, Batch, Chunks) * rows * plane, rows * plane);
            var w = new ReadOnlySpan<float>(Weight, Filters * rows);
            for (int b = start; b < end; b++)
            {
                var dy = new ReadOnlySpan<float>(DOutput + (long)b * Filters * plane, Filters * plane);
                Gemm.Multiply(col, w, dy, rows, plane, Filters, transA: true, transB: false, accumulate: false, threads: 1);
                fixed (float* cp = col) Col2ImCore(DInput + (long)b * inSize, cp, G, clobberCol: true);
            }
        }
    }

    private static void CheckCommon(ReadOnlySpan<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, int batch, int filters, in ConvGeometry g)
    {
        g.Validate();
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch));
        if (filters < 1) throw new ArgumentOutOfRangeException(nameof(filters));
        long outN = (long)batch * filters * g.OutPlane, inN = (long)batch * g.InputSize, wN = (long)filters * g.ColRows;
        if (output.Length < outN) throw new ArgumentException($"output holds {output.Length} elements, needs {outN}", nameof(output));
        if (input.Length < inN) throw new ArgumentException($"input holds {input.Length} elements, needs {inN}", nameof(input));
        if (weight.Length < wN) throw new ArgumentException($"weight holds {weight.Length} elements, needs {wN}", nameof(weight));
    }

    private static void CheckWorkspace(Span<float> col, in ConvGeometry g, int batch, int threads)
    {
        int need = WorkspaceSize(g, batch, threads);
        if (col.Length < need) throw new ArgumentException($"col workspace holds {col.Length} elements, needs {need}", nameof(col));
    }
}
