using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NetForge.Engine.Kernels.Parallel;

namespace NetForge.Engine.Kernels;

/// <summary>
/// Single-precision matrix multiply on row-major spans:
/// C[m×n] (+)= op(A)·op(B), op(A) = A [m×k] or, with <c>transA</c>, Aᵀ where A is stored [k×m];
/// op(B) = B [k×n] or, with <c>transB</c>, Bᵀ where B is stored [n×k].
/// Work is split over blocks of C only, so each element is reduced in one fixed order by one thread:
/// results are bit-identical for any <c>threads</c>.
/// CONTRACT — signature fixed; the fast implementation replaces the body.
/// </summary>
/// <remarks>
/// <see cref="Multiply"/> is a packed-panel, cache-blocked GEMM (GotoBLAS/BLIS). For each block of <see cref="Nc"/>
/// columns and each reduction block (at most <see cref="Kc"/> steps), op(B) is packed into kc×NR panels; for each
/// block of <see cref="Mc"/> rows, op(A) is packed into MR×kc panels; an MR×NR register-blocked FMA micro-kernel
/// (<see cref="GemmMicroKernels"/>) then sweeps the tiles. Transposition is handled by packing, so one micro-kernel
/// serves NN, NT, TN and TT alike. Edge panels are zero-padded; edge tiles go through the same micro-kernel into a
/// scratch tile. Element (i, j) is therefore always computed as: per reduction block q, <c>acc_q</c> = FMA chain over
/// the block's steps in order from 0; then <c>C = acc_0</c> (or <c>C + acc_0</c> when accumulating) and
/// <c>C = C + acc_q</c> for each later block — whatever the tile, micro-kernel, thread or thread count.
/// Packing buffers live per thread (pinned, 64-byte aligned) and are reused: no allocation per call.
/// </remarks>
internal static unsafe class Gemm
{
    /// <summary>
    /// Longest reduction block: k is cut into ceil(k / Kc) near-equal blocks. The blocks define the summation order,
    /// so they depend on k alone, never on threads.
    /// </summary>
    internal const int Kc = 256;
    /// <summary>Rows of A packed per block (a multiple of every MR).</summary>
    internal const int Mc = 144;
    /// <summary>
    /// Largest row range computed panel by panel (A packed once per reduction block, each B panel packed or read just
    /// before its row tiles): the batch sizes of the specs (128, 200) and every filter count fit.
    /// </summary>
    internal const int PanelRows = 256;
    /// <summary>Columns of B packed per block (a multiple of every NR).</summary>
    internal const int Nc = 2048;
    /// <summary>
    /// Below this many multiply-adds (m·n·k) a call runs on the calling thread only: waking a pool thread costs
    /// microseconds, about the time of a 1M-multiply-add GEMM (bench: <c>gemm --threshold</c>). A tuning knob
    /// only: results are the same bits on any number of threads.
    /// </summary>
    public static long ParallelThreshold { get; set; } = 1L << 20;

    /// <summary>
    /// Which micro-kernel runs; tests force each one. <see cref="Vector512Narrow"/> (16×16) replaces
    /// <see cref="Vector512"/> (8×32) when n ≤ 16, where a 32-wide tile would be mostly padding.
    /// </summary>
    internal enum Isa { Scalar, Vector256, Vector512Narrow, Vector512 }

    /// <summary>The best micro-kernel family this machine supports.</summary>
    internal static readonly Isa Detected =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? Isa.Vector512
        : Avx2.IsSupported && Fma.IsSupported ? Isa.Vector256
        : Isa.Scalar;

    [ThreadStatic] private static Isa? t_forcedIsa;


    /// <summary>Test/bench switch: in the panel-by-panel path, read full panels of a row-major B in place (default) instead of packing them.</summary>
    internal static bool DirectB { get; set; } = true;

    /// <summary>
    /// Test switch, per calling thread: when set, <see cref="Multiply"/> calls made from this thread use this family
    /// (it must be supported by the machine). Other threads are unaffected.
    /// </summary>
    internal static Isa? ForcedIsa { get => t_forcedIsa; set => t_forcedIsa = value; }

    /// <summary>
    /// C[m×n] = op(A)·op(B), or C += op(A)·op(B) with <paramref name="accumulate"/>, on up to
    /// <paramref name="threads"/> threads (the <see cref="WorkerPool"/>). The result does not depend on the thread count.
    /// </summary>
    /// <param name="c">Destination, row-major m×n.</param>
    /// <param name="a">A, row-major [m×k], or [k×m] when <paramref name="transA"/>.</param>
    /// <param name="b">B, row-major [k×n], or [n×k] when <paramref name="transB"/>.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Reduction length.</param>
    /// <param name="transA">Use Aᵀ.</param>
    /// <param name="transB">Use Bᵀ.</param>
    /// <param name="accumulate">Add into C instead of overwriting it.</param>
    /// <param name="threads">Threads to use, the caller included.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its matrix; the parameter is named.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(
        Span<float> c, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        int m, int n, int k, bool transA, bool transB, bool accumulate, int threads = 1)
    {
        CheckSizes(c, a, b, m, n, k);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }
        if (m == 1 && !transA && transB)
        {
            // Batch-1 dense forward is a matrix-vector product: packing B would cost more than the product
            // itself (measured: 1x784x512 went from ~80 us to memory speed). One fixed order per element.
            ReadOnlySpan<float> row = a[..k];
            for (int j = 0; j < n; j++)
            {
                float dot = TensorPrimitives.Dot(row, b.Slice(j * k, k));
                c[j] = accumulate ? c[j] + dot : dot;
            }
            return;
        }

        // Chosen from the shape only (never the thread count); all kernels give the same bits anyway.
        Isa isa = ForcedIsa ?? (Detected == Isa.Vector512 && n <= GemmMicroKernels.Nr512Narrow ? Isa.Vector512Narrow : Detected);
        fixed (float* pc = c, pa = a, pb = b)
        {
            var body = new Body(pc, pa, pb, m, n, k, transA, transB, accumulate, isa);
            int mr = MrOf(isa), nr = NrOf(isa);
            int rowTiles = (m + mr - 1) / mr, colTiles = (n + nr - 1) / nr;
            if (threads <= 1 || (long)m * n * k < ParallelThreshold)
            {
                body.Run(0, m, 0, n);
                return;
            }
            // Split the dimension with more tiles; each thread packs its own panels.
            body.SplitRows = rowTiles > colTiles;
            WorkerPool.For(threads, body.SplitRows ? rowTiles : colTiles, body);
        }
    }

    /// <summary>Naive reference: the algorithmic definition, used by tests and as a fallback.</summary>
    public static void MultiplyReference(
        Span<float> c, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        int m, int n, int k, bool transA, bool transB, bool accumulate)
    {
        CheckSizes(c, a, b, m, n, k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * m + i] : a[i * k + p];
                    float bv = transB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                c[i * n + j] = accumulate ? c[i * n + j] + sum : sum;
            }
        }
    }

    internal static void CheckSizes(Span<float> c, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int m, int n, int k)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m));
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k));
        if (c.Length < (long)m * n) throw new ArgumentException($"destination holds {c.Length} elements, needs {(long)m * n}", nameof(c));
        if (a.Length < (long)m * k) throw new ArgumentException($"a holds {a.Length} elements, needs {(long)m * k}", nameof(a));
        if (b.Length < (long)k * n) throw new ArgumentException($"b holds {b.Length} elements, needs {(long)k * n}", nameof(b));
    }

    internal static int MrOf(Isa isa) => isa switch
    {
        Isa.Vector512 => GemmMicroKernels.Mr512,
        Isa.Vector512Narrow => GemmMicroKernels.Mr512Narrow,
        Isa.Vector256 => GemmMicroKernels.Mr256,
        _ => GemmMicroKernels.MrScalar,
    };

    internal static int NrOf(Isa isa) => isa switch
    {
        Isa.Vector512 => GemmMicroKernels.Nr512,
        Isa.Vector512Narrow => GemmMicroKernels.Nr512Narrow,
        Isa.Vector256 => GemmMicroKernels.Nr256,
        _ => GemmMicroKernels.NrScalar,
    };

    /// <summary>One call's arguments; <see cref="Invoke"/> computes a range of row or column tiles.</summary>
    private struct Body : IParallelBody
    {
        private readonly float* _c, _a, _b;
        private readonly int _m, _n, _k, _mr, _nr;
        /// <summary>Row stride of B when not transposed (n).</summary>
        private readonly int _ldb;
        private readonly bool _transA, _transB, _accumulate;
        private readonly Isa _isa;
        public bool SplitRows;

        public Body(float* c, float* a, float* b, int m, int n, int k, bool transA, bool transB, bool accumulate, Isa isa)
        {
            _c = c; _a = a; _b = b; _m = m; _n = n; _k = k;
            _transA = transA; _transB = transB; _accumulate = accumulate; _isa = isa;
            _mr = MrOf(isa); _nr = NrOf(isa);
            SplitRows = false;
            _ldb = n;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Invoke(int start, int end)
        {
            if (SplitRows) Run(start * _mr, Math.Min(end * _mr, _m), 0, _n);
            else Run(0, _m, start * _nr, Math.Min(end * _nr, _n));
        }

        /// <summary>C[i0..i1, j0..j1] over the whole reduction: the GotoBLAS loop nest.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int i0, int i1, int j0, int j1)
        {
            PackBuffers buffers = PackBuffers.ForThisThread;
            float* packA = buffers.A, packB = buffers.B, tile = buffers.Tile;
            int mr = _mr, nr = _nr, n = _n;
            for (int jc = j0; jc < j1; jc += Nc)
            {
                int nc = Math.Min(Nc, j1 - jc);
                // ceil(k / Kc) blocks of near-equal length (784 → 4×196, not 3×256 + 16): a thin last block would
                // pay a full pack and C pass for little work. Depends on k only, never on the thread split.
                int kBlocks = (_k + Kc - 1) / Kc;
                for (int q = 0, pc = 0; q < kBlocks; q++)
                {
                    int kc = (int)((long)_k * (q + 1) / kBlocks) - pc;
                    bool overwrite = pc == 0 && !_accumulate;
                    if (i1 - i0 <= PanelRows)
                    {
                        // Few rows (≤ PanelRows: every conv and batch-sized product here): pack A once, then pack each
                        // B panel just before its row tiles use it, so the panel is still in L1 instead of coming back
                        // from a multi-MB packed block. Same tiles, same per-element arithmetic.
                        PanelByPanel(i0, i1 - i0, jc, nc, pc, kc, overwrite, packA, packB, tile);
                        pc += kc;
                        continue;
                    }
                    GemmPacking.PackB(packB, _b, _ldb, _k, _transB, pc, kc, jc, nc, nr);
                    for (int ic = i0; ic < i1; ic += Mc)
                    {
                        int mc = Math.Min(Mc, i1 - ic);
                        GemmPacking.PackA(packA, _a, _m, _k, _transA, ic, mc, pc, kc, mr);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int nrEff = Math.Min(nr, nc - jr);
                            float* bPanel = packB + (long)jr * kc;
                            for (int ir = 0; ir < mc; ir += mr)
                            {
                                int mrEff = Math.Min(mr, mc - ir);
                                float* aPanel = packA + (long)ir * kc;
                                float* cTile = _c + (long)(ic + ir) * n + jc + jr;
                                if (mrEff == mr && nrEff == nr)
                                {
                                    MicroKernel(kc, aPanel, bPanel, cTile, n, overwrite);
                                }
                                else if (mrEff == 4 && nrEff == nr && _isa == Isa.Vector512)
                                {
                                    // 4 valid rows of an 8-row panel (m = 36 filters): straight into C, no scratch.
                                    GemmMicroKernels.Kernel512Half(kc, aPanel, bPanel, cTile, n, overwrite);
                                }
                                else
                                {
                                    MicroKernel(kc, aPanel, bPanel, tile, nr, overwrite: true);
                                    MergeTile(cTile, n, tile, nr, mrEff, nrEff, overwrite);
                                }
                            }
                        }
                    }
                    pc += kc;
                }
            }
        }

        /// <summary>C[ic..ic+mc, jc..jc+nc] for reduction block [pc, pc+kc): A packed once, B one panel at a time.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void PanelByPanel(int ic, int mc, int jc, int nc, int pc, int kc, bool overwrite, float* packA, float* packB, float* tile)
        {
            int mr = _mr, nr = _nr, n = _n;
            GemmPacking.PackA(packA, _a, _m, _k, _transA, ic, mc, pc, kc, mr);
            for (int jr = 0; jr < nc; jr += nr)
            {
                int nrEff = Math.Min(nr, nc - jr);
                // A full 32-column panel of a row-major B (NN, NT with transA) is read in place: its rows are already
                // the kernel's per-step vectors, and with few row tiles packing it would cost a good part of the product.
                bool direct = DirectB && !_transB && nrEff == nr && _isa == Isa.Vector512 && (mc % mr == 0 || mc % mr == 4);
                float* bPanel = direct ? _b + (long)pc * _ldb + jc + jr : packB;
                if (!direct) GemmPacking.PackB(packB, _b, _ldb, _k, _transB, pc, kc, jc + jr, nrEff, nr);
                for (int ir = 0; ir < mc; ir += mr)
                {
                    int mrEff = Math.Min(mr, mc - ir);
                    float* aPanel = packA + (long)ir * kc;
                    float* cTile = _c + (long)(ic + ir) * n + jc + jr;
                    if (direct)
                    {
                        if (mrEff == mr) GemmMicroKernels.Kernel512Strided(kc, aPanel, bPanel, _ldb, cTile, n, overwrite);
                        else GemmMicroKernels.Kernel512HalfStrided(kc, aPanel, bPanel, _ldb, cTile, n, overwrite);
                    }
                    else if (mrEff == mr && nrEff == nr)
                    {
                        MicroKernel(kc, aPanel, packB, cTile, n, overwrite);
                    }
                    else if (mrEff == 4 && nrEff == nr && _isa == Isa.Vector512)
                    {
                        GemmMicroKernels.Kernel512Half(kc, aPanel, packB, cTile, n, overwrite);
                    }
                    else
                    {
                        MicroKernel(kc, aPanel, packB, tile, nr, overwrite: true);
                        MergeTile(cTile, n, tile, nr, mrEff, nrEff, overwrite);
                    }
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void MicroKernel(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
        {
            switch (_isa)
            {
                case Isa.Vector512: GemmMicroKernels.Kernel512(kc, a, b, c, ldc, overwrite); break;
                case Isa.Vector512Narrow: GemmMicroKernels.Kernel512Narrow(kc, a, b, c, ldc, overwrite); break;
                case Isa.Vector256: GemmMicroKernels.Kernel256(kc, a, b, c, ldc, overwrite); break;
                default: GemmMicroKernels.KernelScalar(kc, a, b, c, ldc, overwrite); break;
            }
        }

        /// <summary>Edge tile: copy or add the valid part of the scratch tile (same arithmetic as the kernel's store).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void MergeTile(float* c, int ldc, float* tile, int ldt, int rows, int cols, bool overwrite)
        {
            for (int r = 0; r < rows; r++)
            {
                float* cr = c + (long)r * ldc, tr = tile + r * ldt;
                int j = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    if (overwrite) for (; j + 8 <= cols; j += 8) Vector256.Store(Vector256.Load(tr + j), cr + j);
                    else for (; j + 8 <= cols; j += 8) Vector256.Store(Vector256.Load(tr + j) + Vector256.Load(cr + j), cr + j);
                }
                if (overwrite) for (; j < cols; j++) cr[j] = tr[j];
                else for (; j < cols; j++) cr[j] = tr[j] + cr[j];
            }
        }
    }

    /// <summary>Per-thread packing buffers, 64-byte aligned, allocated on first use and kept (pinned).</summary>
    private sealed class PackBuffers
    {
        [ThreadStatic] private static PackBuffers? t_instance;

        private const int MaxMr = 16, MaxNr = 32;
        private readonly float[] _a = GC.AllocateUninitializedArray<float>((Math.Max(Mc, PanelRows) + MaxMr) * Kc + 16, pinned: true);
        private readonly float[] _b = GC.AllocateUninitializedArray<float>((Nc + MaxNr) * Kc + 16, pinned: true);
        private readonly float[] _tile = GC.AllocateUninitializedArray<float>(MaxMr * MaxNr + 16, pinned: true);

        public readonly float* A, B, Tile;

        private PackBuffers()
        {
            A = Align(_a);
            B = Align(_b);
            Tile = Align(_tile);
        }

        public static PackBuffers ForThisThread => t_instance ??= new PackBuffers();

        private static float* Align(float[] array)
        {
            // Pinned-heap arrays never move, so the address is stable for the object's lifetime.
            nint p = (nint)Unsafe.AsPointer(ref array[0]);
            return (float*)((p + 63) & ~(nint)63);
        }
    }
}
