using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetForge.Spec.Graph;
using NetForge.Engine.Kernels.Parallel;

namespace NetForge.Engine.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation) on channels-first batches: input [B, C, H, W], weight
/// [F, C, kh, kw], output [B, F, OutH, OutW]. Implemented as grouped im2col + <see cref="Gemm"/>: the batch is
/// cut into groups of <see cref="GroupSize"/> samples (a count fixed by the shapes and batch size only), whose
/// patches fill one col [C·kh·kw, G·OutH·OutW] (sample s owns columns [s·HW, (s+1)·HW)), so each GEMM is wide:
/// forward out[F, G·HW] = W [F, C·kh·kw] · col, then a scatter to [G, F, HW] with bias + activation fused in.
/// <para>
/// Threads: forward and dInput split the groups into contiguous chunks, one workspace slot per chunk, each GEMM
/// on one thread (measured: on 2 threads, splitting these small GEMMs inside <see cref="Gemm"/> was slower than
/// splitting the groups). The weight gradient is reduced in min(8, groups) fixed runs of groups, each into its own
/// partial, added in run order; <see cref="BackwardFused"/> (the layers' relu/linear backward) does each group's
/// dInput inside the same runs. The grouping depends only on the shapes and batch size, so every result is
/// bit-identical for any thread count.
/// </para>
/// <para>
/// Why groups: per-sample GEMMs are thin (m = F of 16..64, n = HW of 196..784) and ran at a fraction of peak;
/// a whole-batch col would be tens of MB. A group of up to 2,048 columns capped at 4 MB of col keeps n wide and the
/// col in cache-friendly range. Rough timings against the per-sample version (cnn.yaml's 16→36 5×5 conv at 14×14,
/// batch 200, 2 threads, shared box): forward 8.7 → 6.0 ms, dWeight 9.8 → 6.2 ms, dInput 6.4 → 4.5 ms.
/// </para>
/// </summary>
internal static unsafe class Conv2DKernels
{
    /// <summary>Target GEMM width (columns of a group's col matrix): about one column block of <see cref="Gemm"/>.</summary>
    private const int TargetColumns = 2048;
    /// <summary>Upper bound of a group's col matrix in floats (4 MB).</summary>
    private const int MaxColFloats = 1 << 20;

    /// <summary>
    /// Samples per im2col group for a batch of <paramref name="batch"/>: <c>2048 / OutPlane</c>, at most
    /// the batch and with the col matrix under 4 MB; at least 1. Depends only on the shapes and the batch size.
    /// </summary>
    public static int GroupSize(in ConvGeometry g, int batch)
    {
        long plane = Math.Max(1, g.OutPlane), rows = Math.Max(1, g.ColRows);
        long n = Math.Min(TargetColumns / plane, MaxColFloats / (rows * plane));
        return (int)Math.Clamp(n, 1, Math.Max(1, batch));
    }

    /// <summary>Number of im2col groups of a batch: ceil(batch / <see cref="GroupSize"/>).</summary>
    private static int GroupCount(in ConvGeometry g, int batch)
    {
        int group = GroupSize(g, batch);
        return (Math.Max(batch, 0) + group - 1) / group;
    }

    /// <summary>Workspace slots (one per worker chunk): min(threads, groups), at least 1.</summary>
    private static int Slots(in ConvGeometry g, int batch, int threads) =>
        Math.Clamp(Math.Min(threads, GroupCount(g, batch)), 1, WorkerPool.MaxThreads);

    /// <summary>
    /// Floats of <c>col</c> workspace the kernels need: one group col matrix (ColRows · G · OutPlane) per worker
    /// slot (min(threads, groups) slots). A workspace this size makes the kernels stage the [F, G·HW] GEMM output
    /// in a per-thread buffer; <see cref="WorkspaceSize(in ConvGeometry, int, int, int)"/> includes that staging
    /// so nothing is allocated.
    /// </summary>
    public static int WorkspaceSize(in ConvGeometry g, int batch, int threads) =>
        Math.Max(1, Slots(g, batch, threads) * g.ColRows * GroupSize(g, batch) * g.OutPlane);

    /// <summary>Floats of <c>col</c> workspace including, per slot, the [F, G·OutPlane] staging of the group GEMM output.</summary>
    public static int WorkspaceSize(in ConvGeometry g, int filters, int batch, int threads) =>
        Math.Max(1, Slots(g, batch, threads) * (g.ColRows + Math.Max(1, filters)) * GroupSize(g, batch) * g.OutPlane);

    [ThreadStatic] private static float[]? t_stage;

    /// <summary>
    /// Where the slot <paramref name="slot"/> keeps its col matrix and its [F, G·HW] staging: both in the workspace
    /// when it holds <c>slots·(ColRows + F)·G·HW</c> floats, else the col in the workspace and the staging in a
    /// per-thread buffer.
    /// </summary>
    private static void SlotBuffers(float* col, int colLength, int slots, int slot, int colFloats, int stageFloats, out float* slotCol, out float[]? stageArray, out float* stage)
    {
        if ((long)colLength >= (long)slots * (colFloats + stageFloats))
        {
            slotCol = col + (long)slot * (colFloats + stageFloats);
            stage = slotCol + colFloats;
            stageArray = null;
            return;
        }
        slotCol = col + (long)slot * colFloats;
        if (t_stage is null || t_stage.Length < stageFloats) t_stage = GC.AllocateUninitializedArray<float>(stageFloats, pinned: true);
        stageArray = t_stage;
        fixed (float* p = stageArray) stage = p; // pinned array: the address stays valid
    }

    /// <summary>
    /// output = activation(W ⊛ input + bias). <paramref name="bias"/> may be empty (no bias).
    /// Bias and activation are applied while scattering each group's GEMM output (fused epilogue).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times per step: never left at tier 0
    public static void Forward(
        Span<float> output, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        int batch, int filters, in ConvGeometry g, Activation activation, Span<float> col, int threads)
    {
        CheckCommon(output, input, weight, batch, filters, g);
        if (!bias.IsEmpty && bias.Length < filters) throw new ArgumentException($"bias holds {bias.Length} elements, needs {filters}", nameof(bias));
        if (activation == Activation.Softmax) throw new NotSupportedException("softmax activation on a convolution");
        CheckWorkspace(col, g, batch, threads);
        if (batch == 0) return;
        int groups = GroupCount(g, batch);
        fixed (float* o = output, x = input, w = weight, bi = bias, c = col)
        {
            var body = new GroupBody
            {
                Kind = GroupKind.Forward, Output = o, Input = x, Weight = w, Bias = bias.IsEmpty ? null : bi, Col = c, ColLength = col.Length,
                G = g, Filters = filters, Activation = activation, Batch = batch, Group = GroupSize(g, batch), Groups = groups,
                Chunks = Slots(g, batch, threads),
            };
            WorkerPool.For(threads, groups, body);
        }
    }

    /// <summary>dInput = col2im(Wᵀ · dOutput) per group of samples (overwrites dInput). dOutput is the gradient after the activation's backward.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times per step: never left at tier 0
    public static void BackwardInput(
        Span<float> dInput, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> weight,
        int batch, int filters, in ConvGeometry g, Span<float> col, int threads)
    {
        CheckCommon(dOutput, dInput, weight, batch, filters, g);
        CheckWorkspace(col, g, batch, threads);
        if (batch == 0) return;
        int groups = GroupCount(g, batch);
        fixed (float* dx = dInput, dy = dOutput, w = weight, c = col)
        {
            var body = new GroupBody
            {
                Kind = GroupKind.BackwardInput, Output = dy, Input = dx, Weight = w, Col = c, ColLength = col.Length,
                G = g, Filters = filters, Batch = batch, Group = GroupSize(g, batch), Groups = groups,
                Chunks = Slots(g, batch, threads),
            };
            WorkerPool.For(threads, groups, body);
        }
    }

    /// <summary>
    /// Upper bound of the fixed reduction groups of the weight gradient: the im2col groups are cut into
    /// min(8, groups) contiguous runs, each summed in order into its own partial; the partials are then added to
    /// dWeight in run order. Depends only on the shapes and batch size, so the result is bit-identical for any threads.
    /// </summary>
    public const int WeightGradientGroups = 8;

    /// <summary>Floats of the <c>partials</c> workspace <see cref="BackwardWeight"/> needs.</summary>
    public static int PartialsSize(int filters, in ConvGeometry g, int batch) =>
        Math.Max(1, Math.Min(WeightGradientGroups, batch)) * filters * (g.ColRows + 1);

    /// <summary>
    /// dWeight += Σ_b dOutput_b · col_bᵀ and dBias[f] += Σ_b Σ_hw dOutput[b, f, hw] (dBias may be empty).
    /// Per im2col group: partial (+)= dY_group [F, G·HW] · colᵀ; the groups are reduced in min(8, groups) fixed runs
    /// (in parallel, into <paramref name="partials"/> of <see cref="PartialsSize"/> floats), then added in run order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times per step: never left at tier 0
    public static void BackwardWeight(
        Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input,
        int batch, int filters, in ConvGeometry g, Span<float> col, Span<float> partials, int threads)
    {
        CheckCommon(dOutput, input, dWeight, batch, filters, g);
        if (!dBias.IsEmpty && dBias.Length < filters) throw new ArgumentException($"dBias holds {dBias.Length} elements, needs {filters}", nameof(dBias));
        if (batch == 0) return;
        CheckWorkspace(col, g, batch, threads);
        int need = PartialsSize(filters, g, batch), wN = filters * g.ColRows, rows = g.ColRows;
        if (partials.Length < need) throw new ArgumentException($"partials holds {partials.Length} elements, needs {need}", nameof(partials));
        int groups = GroupCount(g, batch), runs = Math.Min(WeightGradientGroups, groups);
        bool transposed = Transposed(filters, g);
        fixed (float* dy = dOutput, x = input, c = col, p = partials)
        {
            var body = new GroupBody
            {
                Kind = GroupKind.BackwardWeight, Output = dy, Input = x, Col = c, ColLength = col.Length, Partials = p,
                G = g, Filters = filters, Batch = batch, Group = GroupSize(g, batch), Groups = groups, Runs = runs,
                Chunks = Math.Clamp(Math.Min(threads, runs), 1, WorkerPool.MaxThreads), Slots = Slots(g, batch, threads), Transposed = transposed,
            };
            WorkerPool.For(threads, runs, body);
        }
        AddPartials(dWeight, dBias, partials, runs, filters, rows, transposed);
    }

    /// <summary>
    /// The whole backward of a convolution whose activation is <see cref="Activation.Relu"/> or
    /// <see cref="Activation.Linear"/>, in one pass per im2col group: dZ = f'(y) ⊙ dOutput is gathered straight into
    /// the group's [F, G·HW] staging (no full-batch dZ pass, one gather instead of two), then the group's im2col, its
    /// weight-gradient GEMM, its bias sums and — when <paramref name="needInput"/> — its input-gradient GEMM (into the
    /// same col, dead after the weight GEMM) and col2im. Work is split over the reduction runs of
    /// <see cref="BackwardWeight"/>, and every element is computed in the order of <see cref="BackwardWeight"/> and
    /// <see cref="BackwardInput"/> applied to dZ, so the bits are theirs for any thread count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times per step: never left at tier 0
    public static void BackwardFused(
        Span<float> dInput, Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> output,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, int batch, int filters, in ConvGeometry g, Activation activation,
        bool needInput, Span<float> col, Span<float> partials, int threads)
    {
        if (activation != Activation.Relu && activation != Activation.Linear) throw new NotSupportedException($"fused conv backward supports relu and linear, not {activation}");
        CheckCommon(dOutput, input, dWeight, batch, filters, g);
        if (needInput) CheckCommon(dOutput, dInput, weight, batch, filters, g);
        if (activation == Activation.Relu && output.Length < (long)batch * filters * g.OutPlane) throw new ArgumentException($"output holds {output.Length} elements, needs {(long)batch * filters * g.OutPlane}", nameof(output));
        if (!dBias.IsEmpty && dBias.Length < filters) throw new ArgumentException($"dBias holds {dBias.Length} elements, needs {filters}", nameof(dBias));
        if (batch == 0) return;
        CheckWorkspace(col, g, batch, threads);
        int need = PartialsSize(filters, g, batch), wN = filters * g.ColRows, rows = g.ColRows;
        if (partials.Length < need) throw new ArgumentException($"partials holds {partials.Length} elements, needs {need}", nameof(partials));
        int groups = GroupCount(g, batch), runs = Math.Min(WeightGradientGroups, groups);
        bool transposed = Transposed(filters, g);
        fixed (float* dy = dOutput, y = output, x = input, w = weight, dx = dInput, c = col, p = partials)
        {
            var body = new GroupBody
            {
                Kind = GroupKind.BackwardFused, Output = dy, Activated = activation == Activation.Relu ? y : null, Input = x, Weight = w,
                DInput = needInput ? dx : null, Col = c, ColLength = col.Length, Partials = p,
                G = g, Filters = filters, Batch = batch, Group = GroupSize(g, batch), Groups = groups, Runs = runs,
                Chunks = Math.Clamp(Math.Min(threads, runs), 1, WorkerPool.MaxThreads), Slots = Slots(g, batch, threads), Transposed = transposed,
            };
            WorkerPool.For(threads, runs, body);
        }
        AddPartials(dWeight, dBias, partials, runs, filters, rows, transposed);
    }

    /// <summary>dWeight (+)= each run's partial, then dBias (+)= its bias part, in run order.</summary>
    private static void AddPartials(Span<float> dWeight, Span<float> dBias, Span<float> partials, int runs, int filters, int rows, bool transposed)
    {
        int wN = filters * rows;
        for (int q = 0; q < runs; q++)
        {
            var part = partials.Slice(q * filters * (rows + 1), filters * (rows + 1));
            if (!transposed) System.Numerics.Tensors.TensorPrimitives.Add(dWeight[..wN], part[..wN], dWeight[..wN]);
            else
                for (int f = 0; f < filters; f++)
                    for (int r = 0; r < rows; r++) dWeight[f * rows + r] += part[r * filters + f];
            if (!dBias.IsEmpty) System.Numerics.Tensors.TensorPrimitives.Add(dBias[..filters], part.Slice(wN, filters), dBias[..filters]);
        }
    }

    /// <summary>
    /// dst[k] = relu(src[k] + bias) for k &lt; n, fused (a TensorPrimitives call per 200-element row costs more than
    /// its work). Negative sums become +0; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BiasRelu(float* dst, float* src, float bias, int n)
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var b = Vector512.Create(bias);
            for (; k + 16 <= n; k += 16)
            {
                var v = Vector512.Load(src + k) + b;
                Vector512.Store(Vector512.AndNot(v, Vector512.LessThan(v, Vector512<float>.Zero)), dst + k);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var b = Vector256.Create(bias);
            for (; k + 8 <= n; k += 8)
            {
                var v = Vector256.Load(src + k) + b;
                Vector256.Store(Vector256.AndNot(v, Vector256.LessThan(v, Vector256<float>.Zero)), dst + k);
            }
        }
        for (; k < n; k++)
        {
            float v = src[k] + bias;
            dst[k] = v < 0f ? 0f : v;
        }
    }

    /// <summary>The chunk number of a WorkerPool chunk starting at <paramref name="start"/> (chunk starts are strictly increasing).</summary>
    private static int ChunkOf(int start, int count, int chunks)
    {
        int t = (int)((long)start * chunks / count);
        while (t + 1 < chunks && WorkerPool.ChunkStart(count, chunks, t + 1) <= start) t++;
        while (t > 0 && WorkerPool.ChunkStart(count, chunks, t) > start) t--;
        return t;
    }

    private enum GroupKind { Forward, BackwardInput, BackwardWeight, BackwardFused }

    /// <summary>
    /// One worker chunk: a contiguous range of im2col groups (forward, dInput) or of reduction runs (dWeight), on
    /// its own workspace slot, each GEMM on this thread only. Every output element is computed in one fixed order.
    /// </summary>
    private struct GroupBody : IParallelBody
    {
        public GroupKind Kind;
        public float* Output, Input, Weight, Bias, Col, Partials, Activated, DInput;
        public ConvGeometry G;
        public Activation Activation;
        public int ColLength, Filters, Batch, Group, Groups, Runs, Chunks, Slots;
        public bool Transposed;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called a few times per step: never left at tier 0
        public void Invoke(int start, int end)
        {
            int plane = G.OutPlane, rows = G.ColRows, colFloats = rows * Group * plane, stageFloats = Filters * Group * plane;
            bool byRuns = Kind is GroupKind.BackwardWeight or GroupKind.BackwardFused;
            int slots = byRuns ? Slots : Chunks;
            int slot = byRuns ? ChunkOf(start, Runs, Chunks) : ChunkOf(start, Groups, Chunks);
            SlotBuffers(Col, ColLength, slots, slot, colFloats, stageFloats, out float* col, out float[]? keep, out float* stage);
            for (int q = start; q < end; q++) Item(q, byRuns, col, stage);
            GC.KeepAlive(keep);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void Item(int q, bool byRuns, float* col, float* stage)
        {
            if (byRuns)
            {
                WeightRun(q, col, stage);
                return;
            }
            int b0 = q * Group, n = Math.Min(Group, Batch - b0);
            if (Kind == GroupKind.Forward) ForwardGroup(b0, n, col, stage);
            else InputGroup(b0, n, col, stage);
        }

        /// <summary>The group's col matrix: sample s of the group fills columns [s·HW, (s+1)·HW) of rows 0..ColRows-1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void Im2ColGroup(float* col, int ld, int b0, int n)
        {
            int plane = G.OutPlane, inSize = G.InputSize;
            if (UseMaskedIm2Col(G))
            {
                int* masks = MaskCache.ForThisThread.Get(G);
                for (int s = 0; s < n; s++) Im2ColShiftedMasked(col + (long)s * plane, ld, Input + (long)(b0 + s) * inSize, G, masks);
                return;
            }
            for (int s = 0; s < n; s++) Im2ColCore(col + (long)s * plane, ld, Input + (long)(b0 + s) * inSize, G);
        }

        /// <summary>dInput of the group's n samples from its dCols (col is a dead workspace: it may be clobbered).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void Col2ImGroup(float* dInput, float* col, int ld, int b0, int n)
        {
            int plane = G.OutPlane, inSize = G.InputSize;
            if (UseMaskedIm2Col(G))
            {
                int* masks = MaskCache.ForThisThread.Get(G);
                for (int s = 0; s < n; s++) Col2ImShiftedMasked(dInput + (long)(b0 + s) * inSize, col + (long)s * plane, ld, G, masks);
                return;
            }
            for (int s = 0; s < n; s++) Col2ImCore(dInput + (long)(b0 + s) * inSize, col + (long)s * plane, ld, G, clobberCol: true);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void ForwardGroup(int b0, int n, float* col, float* stage)
        {
            int plane = G.OutPlane, rows = G.ColRows, ld = n * plane;
            Im2ColGroup(col, ld, b0, n);
            var st = new Span<float>(stage, Filters * ld);
            Gemm.Multiply(st, new ReadOnlySpan<float>(Weight, Filters * rows), new ReadOnlySpan<float>(col, rows * ld),
                Filters, ld, rows, transA: false, transB: false, accumulate: false, threads: 1);
            for (int s = 0; s < n; s++)
            {
                float* o = Output + (long)(b0 + s) * Filters * plane;
                for (int f = 0; f < Filters; f++)
                {
                    float* src = stage + (long)f * ld + s * plane, dst = o + (long)f * plane;
                    float bf = Bias == null ? 0f : Bias[f];
                    if (Activation == Activation.Relu) { BiasRelu(dst, src, bf, plane); continue; }
                    var d = new Span<float>(dst, plane);
                    if (Bias != null) System.Numerics.Tensors.TensorPrimitives.Add(new ReadOnlySpan<float>(src, plane), bf, d);
                    else new ReadOnlySpan<float>(src, plane).CopyTo(d);
                    if (Activation != Activation.Linear) Activations.Forward(d, d, Activation, 1, plane);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void InputGroup(int b0, int n, float* col, float* stage)
        {
            int plane = G.OutPlane, rows = G.ColRows, ld = n * plane;
            Gather(stage, Output, b0, n, Filters, plane);
            Gemm.Multiply(new Span<float>(col, rows * ld), new ReadOnlySpan<float>(Weight, Filters * rows), new ReadOnlySpan<float>(stage, Filters * ld),
                rows, ld, Filters, transA: true, transB: false, accumulate: false, threads: 1);
            Col2ImGroup(Input, col, ld, b0, n);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void WeightRun(int q, float* col, float* stage)
        {
            int plane = G.OutPlane, rows = G.ColRows, wN = Filters * rows;
            var part = new Span<float>(Partials + (long)q * Filters * (rows + 1), Filters * (rows + 1));
            var dW = part[..wN];
            var dB = part.Slice(wN, Filters);
            dB.Clear();
            int g0 = WorkerPool.ChunkStart(Groups, Runs, q), g1 = WorkerPool.ChunkStart(Groups, Runs, q + 1);
            for (int gi = g0; gi < g1; gi++)
            {
                int b0 = gi * Group, n = Math.Min(Group, Batch - b0), ld = n * plane;
                if (Activated != null) GatherRelu(stage, Output, Activated, b0, n, Filters, plane);
                else Gather(stage, Output, b0, n, Filters, plane);
                Im2ColGroup(col, ld, b0, n);
                var st = new ReadOnlySpan<float>(stage, Filters * ld);
                var c = new ReadOnlySpan<float>(col, rows * ld);
                if (Transposed) Gemm.Multiply(dW, c, st, rows, Filters, ld, transA: false, transB: true, accumulate: gi > g0, threads: 1);
                else Gemm.Multiply(dW, st, c, Filters, rows, ld, transA: false, transB: true, accumulate: gi > g0, threads: 1);
                for (int f = 0; f < Filters; f++) dB[f] += System.Numerics.Tensors.TensorPrimitives.Sum(st.Slice(f * ld, ld));
                if (DInput != null)
                {
                    // The input gradient of this group (as InputGroup), while its dZ is still in cache; col is dead now.
                    Gemm.Multiply(new Span<float>(col, rows * ld), new ReadOnlySpan<float>(Weight, Filters * rows), st,
                        rows, ld, Filters, transA: true, transB: false, accumulate: false, threads: 1);
                    Col2ImGroup(DInput, col, ld, b0, n);
                }
            }
        }
    }

    /// <summary>stage[f, s·HW + p] = dOutput[b0 + s, f, p] for the n samples of a group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gather(float* stage, float* dOutput, int b0, int n, int filters, int plane)
    {
        int ld = n * plane;
        for (int s = 0; s < n; s++)
        {
            float* src = dOutput + (long)(b0 + s) * filters * plane;
            for (int f = 0; f < filters; f++) Copy(stage + (long)f * ld + s * plane, src + (long)f * plane, plane);
        }
    }

    /// <summary>
    /// stage[f, s·HW + p] = y > 0 ? dOutput : +0 (relu's backward, the bits of the activation backward kernel) for the
    /// n samples of a group, y and dOutput both [B, F, HW].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherRelu(float* stage, float* dOutput, float* y, int b0, int n, int filters, int plane)
    {
        int ld = n * plane;
        for (int s = 0; s < n; s++)
        {
            long offset = (long)(b0 + s) * filters * plane;
            for (int f = 0; f < filters; f++)
            {
                float* dst = stage + (long)f * ld + s * plane, dy = dOutput + offset + (long)f * plane, yy = y + offset + (long)f * plane;
                int k = 0;
                if (Vector512.IsHardwareAccelerated)
                    for (; k + 16 <= plane; k += 16)
                        Vector512.Store(Vector512.BitwiseAnd(Vector512.Load(dy + k), Vector512.GreaterThan(Vector512.Load(yy + k), Vector512<float>.Zero)), dst + k);
                if (Vector256.IsHardwareAccelerated)
                    for (; k + 8 <= plane; k += 8)
                        Vector256.Store(Vector256.BitwiseAnd(Vector256.Load(dy + k), Vector256.GreaterThan(Vector256.Load(yy + k), Vector256<float>.Zero)), dst + k);
                for (; k < plane; k++) dst[k] = yy[k] > 0f ? dy[k] : 0f;
            }
        }
    }

    /// <summary>col[(c·kh + i)·kw + j, oh·OutW + ow] = input[c, oh·sh − pt + i, ow·sw − pl + j], 0 in the padding.</summary>
    public static void Im2Col(Span<float> col, ReadOnlySpan<float> input, in ConvGeometry g)
    {
        if (col.Length < g.ColRows * g.OutPlane) throw new ArgumentException($"col holds {col.Length} elements, needs {g.ColRows * g.OutPlane}", nameof(col));
        if (input.Length < g.InputSize) throw new ArgumentException($"input holds {input.Length} elements, needs {g.InputSize}", nameof(input));
        fixed (float* c = col, x = input) Im2ColCore(c, g.OutPlane, x, g);
    }

    /// <summary>
    /// Stride 1 with OutW = Width ("same" padding along the width): a col row is the input plane shifted by a constant
    /// offset, so its valid part is one contiguous copy; the wrapped border columns are then zeroed.
    /// </summary>
    private static bool IsShiftedPlane(in ConvGeometry g) => g.StrideH == 1 && g.StrideW == 1 && g.OutW == g.Width;

    /// <summary>Per-thread cache of <see cref="FillTapMasks"/> tables for the last few geometries (a network has a few conv layers).</summary>
    private sealed class MaskCache
    {
        [ThreadStatic] private static MaskCache? t_instance;
        private readonly ConvGeometry[] _keys = new ConvGeometry[4];
        private readonly int[]?[] _masks = new int[]?[4];
        private int _next;

        public static MaskCache ForThisThread => t_instance ??= new MaskCache();

        /// <summary>The masks of <paramref name="g"/>: computed (and allocated) on the first use of a geometry only.</summary>
        public int* Get(in ConvGeometry g)
        {
            int slot = -1;
            for (int i = 0; i < _keys.Length; i++)
                if (_masks[i] is not null && _keys[i] == g) { slot = i; break; }
            if (slot < 0)
            {
                slot = _next;
                _next = (_next + 1) % _keys.Length;
                int need = g.KernelH * g.KernelW * g.OutPlane;
                if (_masks[slot] is not { } old || old.Length < need) _masks[slot] = GC.AllocateUninitializedArray<int>(need, pinned: true);
                _keys[slot] = g;
                fixed (int* m = _masks[slot]) FillTapMasks(m, g);
            }
            return (int*)Unsafe.AsPointer(ref _masks[slot]![0]); // pinned: the address is stable
        }
    }

    /// <summary>
    /// Tap masks of a shifted-plane geometry: masks[(i·kw + j)·OutPlane + p] is all ones when output p reads a real
    /// input element through kernel tap (i, j) (the valid rows and columns of <see cref="Im2ColCore"/>), else 0.
    /// </summary>
    private static void FillTapMasks(int* masks, in ConvGeometry g)
    {
        int oh = g.OutH, ow = g.OutW, plane = oh * ow;
        for (int i = 0; i < g.KernelH; i++)
        {
            int y0 = ConvGeometry.FirstValid(g.PadTop, i, g.StrideH), y1 = ConvGeometry.EndValid(g.Height, g.PadTop, i, g.StrideH, oh);
            for (int j = 0; j < g.KernelW; j++)
            {
                int x0 = ConvGeometry.FirstValid(g.PadLeft, j, g.StrideW), x1 = ConvGeometry.EndValid(g.Width, g.PadLeft, j, g.StrideW, ow);
                int* m = masks + (long)(i * g.KernelW + j) * plane;
                for (int p = 0; p < plane; p++)
                {
                    int y = p / ow, x = p - y * ow;
                    m[p] = y >= y0 && y < y1 && x >= x0 && x < x1 ? -1 : 0;
                }
            }
        }
    }

    /// <summary>
    /// The shifted-plane im2col with AVX-512: each col row is 16-float loads of the shifted input plane ANDed with the
    /// tap's mask (+0 where the definition has padding), the last vector overlapping the previous one (rewriting the
    /// same values). A load that would leave the sample's input is replaced by a scalar masked copy, so only real
    /// input elements are ever read outside the sample. Same values as <see cref="Im2ColCore"/>'s general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2ColShiftedMasked(float* col, int ld, float* input, in ConvGeometry geometry, int* masks)
    {
        ConvGeometry g = geometry;
        int plane = g.OutPlane, width = g.Width, kh = g.KernelH, kw = g.KernelW;
        float* end = input + g.InputSize;
        for (int c = 0; c < g.Channels; c++)
        {
            float* xc = input + (long)c * g.InPlane;
            for (int i = 0; i < kh; i++)
                for (int j = 0; j < kw; j++)
                {
                    float* row = col + (long)((c * kh + i) * kw + j) * ld;
                    float* src = xc + (i - g.PadTop) * width + (j - g.PadLeft);
                    int* m = masks + (long)(i * kw + j) * plane;
                    for (int p = 0; p < plane; p += 16)
                    {
                        int q = Math.Min(p, plane - 16);
                        if (src + q >= input && src + q + 16 <= end)
                            Vector512.Store(Vector512.BitwiseAnd(Vector512.Load(src + q), Vector512.Load(m + q).AsSingle()), row + q);
                        else
                            for (int t = q; t < q + 16; t++) row[t] = m[t] != 0 ? src[t] : 0f;
                    }
                }
        }
    }

    /// <summary>
    /// The shifted-plane col2im with AVX-512 (the adjoint of <see cref="Im2ColShiftedMasked"/>): dInput = 0, then for
    /// each col row in (c, i, j) order its valid span [first valid output, last valid output] is added onto the shifted
    /// plane 16 floats at a time, ANDed with the tap mask so the padding positions inside the span add +0 — the values
    /// and order of <see cref="Col2ImCore"/>'s clobbering path (which zeroes those positions in col first), without
    /// writing col.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Col2ImShiftedMasked(float* dInput, float* col, int ld, in ConvGeometry geometry, int* masks)
    {
        ConvGeometry g = geometry;
        int oh = g.OutH, ow = g.OutW, plane = oh * ow, width = g.Width, kh = g.KernelH, kw = g.KernelW;
        Clear(dInput, g.InputSize);
        for (int c = 0; c < g.Channels; c++)
        {
            float* xc = dInput + (long)c * g.InPlane;
            for (int i = 0; i < kh; i++)
            {
                int y0 = ConvGeometry.FirstValid(g.PadTop, i, 1), y1 = ConvGeometry.EndValid(g.Height, g.PadTop, i, 1, oh);
                for (int j = 0; j < kw; j++)
                {
                    int x0 = ConvGeometry.FirstValid(g.PadLeft, j, 1), x1 = ConvGeometry.EndValid(g.Width, g.PadLeft, j, 1, ow);
                    if (y1 <= y0 || x1 <= x0) continue;
                    float* row = col + (long)((c * kh + i) * kw + j) * ld;
                    int* m = masks + (long)(i * kw + j) * plane;
                    int shift = (i - g.PadTop) * width + (j - g.PadLeft);
                    int d0 = y0 * ow + x0, d1 = (y1 - 1) * ow + x1, k = d0;
                    float* dst = xc + shift;
                    for (; k + 16 <= d1; k += 16)
                        Vector512.Store(Vector512.Load(dst + k) + Vector512.BitwiseAnd(Vector512.Load(row + k), Vector512.Load(m + k).AsSingle()), dst + k);
                    for (; k < d1; k++) dst[k] += m[k] != 0 ? row[k] : 0f;
                }
            }
        }
    }

    /// <summary>Whether <see cref="Im2ColShiftedMasked"/> applies: a shifted-plane geometry with AVX-512 and a plane of at least 16.</summary>
    /// <remarks>
    /// Planes of 16..256 outputs only: on cnn's 14×14 conv it saved ~6 % of the convolution (1 thread, interleaved), on
    /// its 28×28 one (a single long contiguous copy per row already) it was ~4 % slower.
    /// </remarks>
    private static bool UseMaskedIm2Col(in ConvGeometry g) =>
        MaskedIm2Col && IsShiftedPlane(g) && g.OutPlane >= 16 && g.OutPlane <= 256 && Vector512.IsHardwareAccelerated;

    /// <summary>Test switch: use <see cref="Im2ColShiftedMasked"/> where it applies (default) or always the general im2col.</summary>
    internal static bool MaskedIm2Col { get; set; } = true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Im2ColCore(float* col, int ld, float* input, in ConvGeometry geometry)
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
                    float* row = col + (long)((c * g.KernelH + i) * g.KernelW + j) * ld;
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
        fixed (float* dx = dInput, c = col) Col2ImCore(dx, c, g.OutPlane, g, clobberCol: false);
    }

    /// <summary>
    /// Col2Im through pointers. Each input element receives its col contributions in (c, i, j, row) order, as the
    /// definition. With <paramref name="clobberCol"/> (a workspace the caller no longer needs) and a shifted-plane
    /// geometry, the padding positions of each col row are zeroed and the row is added as one contiguous block
    /// (the zeros land on other elements and add nothing: dInput starts at +0, so x + 0 = x exactly).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Col2ImCore(float* dInput, float* col, int ld, in ConvGeometry geometry, bool clobberCol)
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
                    float* row = col + (long)((c * g.KernelH + i) * g.KernelW + j) * ld;
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
