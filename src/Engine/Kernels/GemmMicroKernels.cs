using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetForge.Engine.Kernels;

// Fully unrolled, one local per accumulator so the JIT keeps the tile in registers (edit all rows alike).
// Each micro-kernel computes one MR×NR tile
// of C from a packed A panel (kc steps of MR values) and a packed B panel (kc steps of NR values), summing each
// element over p = 0..kc-1 in order with one FMA per step, then stores (overwrite) or adds (C += acc) the tile.
// The per-element arithmetic is the same for every tile, so any split of C over threads gives the same bits.
internal static unsafe class GemmMicroKernels
{
    /// <summary>Rows of the AVX-512 tile.</summary>
    internal const int Mr512 = 8;
    /// <summary>Columns of the AVX-512 tile (two zmm).</summary>
    internal const int Nr512 = 32;
    /// <summary>Rows of the narrow AVX-512 tile (used when n ≤ 16).</summary>
    internal const int Mr512Narrow = 16;
    /// <summary>Columns of the narrow AVX-512 tile (one zmm).</summary>
    internal const int Nr512Narrow = 16;
    /// <summary>Rows of the AVX2 tile.</summary>
    internal const int Mr256 = 6;
    /// <summary>Columns of the AVX2 tile (two ymm).</summary>
    internal const int Nr256 = 16;

    /// <summary>AVX-512 micro-kernel: an 8×32 tile of C in 16 zmm accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel512(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c0_0 = default; Vector512<float> c0_1 = default;
        Vector512<float> c1_0 = default; Vector512<float> c1_1 = default;
        Vector512<float> c2_0 = default; Vector512<float> c2_1 = default;
        Vector512<float> c3_0 = default; Vector512<float> c3_1 = default;
        Vector512<float> c4_0 = default; Vector512<float> c4_1 = default;
        Vector512<float> c5_0 = default; Vector512<float> c5_1 = default;
        Vector512<float> c6_0 = default; Vector512<float> c6_1 = default;
        Vector512<float> c7_0 = default; Vector512<float> c7_1 = default;
        Vector512<float> ar;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            ar = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(ar, b0, c0_0);
            c0_1 = Avx512F.FusedMultiplyAdd(ar, b1, c0_1);
            ar = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(ar, b0, c1_0);
            c1_1 = Avx512F.FusedMultiplyAdd(ar, b1, c1_1);
            ar = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(ar, b0, c2_0);
            c2_1 = Avx512F.FusedMultiplyAdd(ar, b1, c2_1);
            ar = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(ar, b0, c3_0);
            c3_1 = Avx512F.FusedMultiplyAdd(ar, b1, c3_1);
            ar = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(ar, b0, c4_0);
            c4_1 = Avx512F.FusedMultiplyAdd(ar, b1, c4_1);
            ar = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(ar, b0, c5_0);
            c5_1 = Avx512F.FusedMultiplyAdd(ar, b1, c5_1);
            ar = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(ar, b0, c6_0);
            c6_1 = Avx512F.FusedMultiplyAdd(ar, b1, c6_1);
            ar = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(ar, b0, c7_0);
            c7_1 = Avx512F.FusedMultiplyAdd(ar, b1, c7_1);
            a += 8;
            b += 32;
        }
        if (overwrite)
        {
            c0_0.Store(c + 0 * ldc + 0); c0_1.Store(c + 0 * ldc + 16);
            c1_0.Store(c + 1 * ldc + 0); c1_1.Store(c + 1 * ldc + 16);
            c2_0.Store(c + 2 * ldc + 0); c2_1.Store(c + 2 * ldc + 16);
            c3_0.Store(c + 3 * ldc + 0); c3_1.Store(c + 3 * ldc + 16);
            c4_0.Store(c + 4 * ldc + 0); c4_1.Store(c + 4 * ldc + 16);
            c5_0.Store(c + 5 * ldc + 0); c5_1.Store(c + 5 * ldc + 16);
            c6_0.Store(c + 6 * ldc + 0); c6_1.Store(c + 6 * ldc + 16);
            c7_0.Store(c + 7 * ldc + 0); c7_1.Store(c + 7 * ldc + 16);
        }
        else
        {
            (c0_0 + Vector512.Load(c + 0 * ldc + 0)).Store(c + 0 * ldc + 0); (c0_1 + Vector512.Load(c + 0 * ldc + 16)).Store(c + 0 * ldc + 16);
            (c1_0 + Vector512.Load(c + 1 * ldc + 0)).Store(c + 1 * ldc + 0); (c1_1 + Vector512.Load(c + 1 * ldc + 16)).Store(c + 1 * ldc + 16);
            (c2_0 + Vector512.Load(c + 2 * ldc + 0)).Store(c + 2 * ldc + 0); (c2_1 + Vector512.Load(c + 2 * ldc + 16)).Store(c + 2 * ldc + 16);
            (c3_0 + Vector512.Load(c + 3 * ldc + 0)).Store(c + 3 * ldc + 0); (c3_1 + Vector512.Load(c + 3 * ldc + 16)).Store(c + 3 * ldc + 16);
            (c4_0 + Vector512.Load(c + 4 * ldc + 0)).Store(c + 4 * ldc + 0); (c4_1 + Vector512.Load(c + 4 * ldc + 16)).Store(c + 4 * ldc + 16);
            (c5_0 + Vector512.Load(c + 5 * ldc + 0)).Store(c + 5 * ldc + 0); (c5_1 + Vector512.Load(c + 5 * ldc + 16)).Store(c + 5 * ldc + 16);
            (c6_0 + Vector512.Load(c + 6 * ldc + 0)).Store(c + 6 * ldc + 0); (c6_1 + Vector512.Load(c + 6 * ldc + 16)).Store(c + 6 * ldc + 16);
            (c7_0 + Vector512.Load(c + 7 * ldc + 0)).Store(c + 7 * ldc + 0); (c7_1 + Vector512.Load(c + 7 * ldc + 16)).Store(c + 7 * ldc + 16);
        }
    }

    /// <summary>
    /// AVX-512 edge micro-kernel: the first 4 rows of an 8×32 tile (an 8-row A panel whose last 4 rows are padding,
    /// e.g. m = 36 filters). Same FMA chain and store rule per element as <see cref="Kernel512"/>, half the work of
    /// running the full tile into scratch and merging.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel512Half(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c0_0 = default; Vector512<float> c0_1 = default;
        Vector512<float> c1_0 = default; Vector512<float> c1_1 = default;
        Vector512<float> c2_0 = default; Vector512<float> c2_1 = default;
        Vector512<float> c3_0 = default; Vector512<float> c3_1 = default;
        Vector512<float> ar;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            ar = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(ar, b0, c0_0);
            c0_1 = Avx512F.FusedMultiplyAdd(ar, b1, c0_1);
            ar = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(ar, b0, c1_0);
            c1_1 = Avx512F.FusedMultiplyAdd(ar, b1, c1_1);
            ar = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(ar, b0, c2_0);
            c2_1 = Avx512F.FusedMultiplyAdd(ar, b1, c2_1);
            ar = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(ar, b0, c3_0);
            c3_1 = Avx512F.FusedMultiplyAdd(ar, b1, c3_1);
            a += Mr512;
            b += 32;
        }
        if (overwrite)
        {
            c0_0.Store(c + 0 * ldc + 0); c0_1.Store(c + 0 * ldc + 16);
            c1_0.Store(c + 1 * ldc + 0); c1_1.Store(c + 1 * ldc + 16);
            c2_0.Store(c + 2 * ldc + 0); c2_1.Store(c + 2 * ldc + 16);
            c3_0.Store(c + 3 * ldc + 0); c3_1.Store(c + 3 * ldc + 16);
        }
        else
        {
            (c0_0 + Vector512.Load(c + 0 * ldc + 0)).Store(c + 0 * ldc + 0); (c0_1 + Vector512.Load(c + 0 * ldc + 16)).Store(c + 0 * ldc + 16);
            (c1_0 + Vector512.Load(c + 1 * ldc + 0)).Store(c + 1 * ldc + 0); (c1_1 + Vector512.Load(c + 1 * ldc + 16)).Store(c + 1 * ldc + 16);
            (c2_0 + Vector512.Load(c + 2 * ldc + 0)).Store(c + 2 * ldc + 0); (c2_1 + Vector512.Load(c + 2 * ldc + 16)).Store(c + 2 * ldc + 16);
            (c3_0 + Vector512.Load(c + 3 * ldc + 0)).Store(c + 3 * ldc + 0); (c3_1 + Vector512.Load(c + 3 * ldc + 16)).Store(c + 3 * ldc + 16);
        }
    }

    /// <summary>
    /// <see cref="Kernel512"/> reading B unpacked: step p uses the 32 floats at <c>b + p·ldb</c> (a row of a row-major
    /// [k×n] B), so full panels of an NN product need no packing. Same FMA chain and store rule per element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel512Strided(int kc, float* a, float* b, long ldb, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c0_0 = default; Vector512<float> c0_1 = default;
        Vector512<float> c1_0 = default; Vector512<float> c1_1 = default;
        Vector512<float> c2_0 = default; Vector512<float> c2_1 = default;
        Vector512<float> c3_0 = default; Vector512<float> c3_1 = default;
        Vector512<float> c4_0 = default; Vector512<float> c4_1 = default;
        Vector512<float> c5_0 = default; Vector512<float> c5_1 = default;
        Vector512<float> c6_0 = default; Vector512<float> c6_1 = default;
        Vector512<float> c7_0 = default; Vector512<float> c7_1 = default;
        Vector512<float> ar;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            ar = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(ar, b0, c0_0);
            c0_1 = Avx512F.FusedMultiplyAdd(ar, b1, c0_1);
            ar = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(ar, b0, c1_0);
            c1_1 = Avx512F.FusedMultiplyAdd(ar, b1, c1_1);
            ar = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(ar, b0, c2_0);
            c2_1 = Avx512F.FusedMultiplyAdd(ar, b1, c2_1);
            ar = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(ar, b0, c3_0);
            c3_1 = Avx512F.FusedMultiplyAdd(ar, b1, c3_1);
            ar = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(ar, b0, c4_0);
            c4_1 = Avx512F.FusedMultiplyAdd(ar, b1, c4_1);
            ar = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(ar, b0, c5_0);
            c5_1 = Avx512F.FusedMultiplyAdd(ar, b1, c5_1);
            ar = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(ar, b0, c6_0);
            c6_1 = Avx512F.FusedMultiplyAdd(ar, b1, c6_1);
            ar = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(ar, b0, c7_0);
            c7_1 = Avx512F.FusedMultiplyAdd(ar, b1, c7_1);
            a += 8;
            b += ldb;
        }
        if (overwrite)
        {
            c0_0.Store(c + 0 * ldc + 0); c0_1.Store(c + 0 * ldc + 16);
            c1_0.Store(c + 1 * ldc + 0); c1_1.Store(c + 1 * ldc + 16);
            c2_0.Store(c + 2 * ldc + 0); c2_1.Store(c + 2 * ldc + 16);
            c3_0.Store(c + 3 * ldc + 0); c3_1.Store(c + 3 * ldc + 16);
            c4_0.Store(c + 4 * ldc + 0); c4_1.Store(c + 4 * ldc + 16);
            c5_0.Store(c + 5 * ldc + 0); c5_1.Store(c + 5 * ldc + 16);
            c6_0.Store(c + 6 * ldc + 0); c6_1.Store(c + 6 * ldc + 16);
            c7_0.Store(c + 7 * ldc + 0); c7_1.Store(c + 7 * ldc + 16);
        }
        else
        {
            (c0_0 + Vector512.Load(c + 0 * ldc + 0)).Store(c + 0 * ldc + 0); (c0_1 + Vector512.Load(c + 0 * ldc + 16)).Store(c + 0 * ldc + 16);
            (c1_0 + Vector512.Load(c + 1 * ldc + 0)).Store(c + 1 * ldc + 0); (c1_1 + Vector512.Load(c + 1 * ldc + 16)).Store(c + 1 * ldc + 16);
            (c2_0 + Vector512.Load(c + 2 * ldc + 0)).Store(c + 2 * ldc + 0); (c2_1 + Vector512.Load(c + 2 * ldc + 16)).Store(c + 2 * ldc + 16);
            (c3_0 + Vector512.Load(c + 3 * ldc + 0)).Store(c + 3 * ldc + 0); (c3_1 + Vector512.Load(c + 3 * ldc + 16)).Store(c + 3 * ldc + 16);
            (c4_0 + Vector512.Load(c + 4 * ldc + 0)).Store(c + 4 * ldc + 0); (c4_1 + Vector512.Load(c + 4 * ldc + 16)).Store(c + 4 * ldc + 16);
            (c5_0 + Vector512.Load(c + 5 * ldc + 0)).Store(c + 5 * ldc + 0); (c5_1 + Vector512.Load(c + 5 * ldc + 16)).Store(c + 5 * ldc + 16);
            (c6_0 + Vector512.Load(c + 6 * ldc + 0)).Store(c + 6 * ldc + 0); (c6_1 + Vector512.Load(c + 6 * ldc + 16)).Store(c + 6 * ldc + 16);
            (c7_0 + Vector512.Load(c + 7 * ldc + 0)).Store(c + 7 * ldc + 0); (c7_1 + Vector512.Load(c + 7 * ldc + 16)).Store(c + 7 * ldc + 16);
        }
    }

    /// <summary><see cref="Kernel512Half"/> reading B unpacked (row stride <paramref name="ldb"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel512HalfStrided(int kc, float* a, float* b, long ldb, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c0_0 = default; Vector512<float> c0_1 = default;
        Vector512<float> c1_0 = default; Vector512<float> c1_1 = default;
        Vector512<float> c2_0 = default; Vector512<float> c2_1 = default;
        Vector512<float> c3_0 = default; Vector512<float> c3_1 = default;
        Vector512<float> ar;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            ar = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(ar, b0, c0_0);
            c0_1 = Avx512F.FusedMultiplyAdd(ar, b1, c0_1);
            ar = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(ar, b0, c1_0);
            c1_1 = Avx512F.FusedMultiplyAdd(ar, b1, c1_1);
            ar = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(ar, b0, c2_0);
            c2_1 = Avx512F.FusedMultiplyAdd(ar, b1, c2_1);
            ar = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(ar, b0, c3_0);
            c3_1 = Avx512F.FusedMultiplyAdd(ar, b1, c3_1);
            a += Mr512;
            b += ldb;
        }
        if (overwrite)
        {
            c0_0.Store(c + 0 * ldc + 0); c0_1.Store(c + 0 * ldc + 16);
            c1_0.Store(c + 1 * ldc + 0); c1_1.Store(c + 1 * ldc + 16);
            c2_0.Store(c + 2 * ldc + 0); c2_1.Store(c + 2 * ldc + 16);
            c3_0.Store(c + 3 * ldc + 0); c3_1.Store(c + 3 * ldc + 16);
        }
        else
        {
            (c0_0 + Vector512.Load(c + 0 * ldc + 0)).Store(c + 0 * ldc + 0); (c0_1 + Vector512.Load(c + 0 * ldc + 16)).Store(c + 0 * ldc + 16);
            (c1_0 + Vector512.Load(c + 1 * ldc + 0)).Store(c + 1 * ldc + 0); (c1_1 + Vector512.Load(c + 1 * ldc + 16)).Store(c + 1 * ldc + 16);
            (c2_0 + Vector512.Load(c + 2 * ldc + 0)).Store(c + 2 * ldc + 0); (c2_1 + Vector512.Load(c + 2 * ldc + 16)).Store(c + 2 * ldc + 16);
            (c3_0 + Vector512.Load(c + 3 * ldc + 0)).Store(c + 3 * ldc + 0); (c3_1 + Vector512.Load(c + 3 * ldc + 16)).Store(c + 3 * ldc + 16);
        }
    }

    /// <summary>AVX-512 micro-kernel for n ≤ 16: a 16×16 tile of C in 16 zmm accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel512Narrow(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        Vector512<float> c0_0 = default;
        Vector512<float> c1_0 = default;
        Vector512<float> c2_0 = default;
        Vector512<float> c3_0 = default;
        Vector512<float> c4_0 = default;
        Vector512<float> c5_0 = default;
        Vector512<float> c6_0 = default;
        Vector512<float> c7_0 = default;
        Vector512<float> c8_0 = default;
        Vector512<float> c9_0 = default;
        Vector512<float> c10_0 = default;
        Vector512<float> c11_0 = default;
        Vector512<float> c12_0 = default;
        Vector512<float> c13_0 = default;
        Vector512<float> c14_0 = default;
        Vector512<float> c15_0 = default;
        Vector512<float> ar;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            ar = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(ar, b0, c0_0);
            ar = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(ar, b0, c1_0);
            ar = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(ar, b0, c2_0);
            ar = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(ar, b0, c3_0);
            ar = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(ar, b0, c4_0);
            ar = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(ar, b0, c5_0);
            ar = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(ar, b0, c6_0);
            ar = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(ar, b0, c7_0);
            ar = Vector512.Create(a[8]);
            c8_0 = Avx512F.FusedMultiplyAdd(ar, b0, c8_0);
            ar = Vector512.Create(a[9]);
            c9_0 = Avx512F.FusedMultiplyAdd(ar, b0, c9_0);
            ar = Vector512.Create(a[10]);
            c10_0 = Avx512F.FusedMultiplyAdd(ar, b0, c10_0);
            ar = Vector512.Create(a[11]);
            c11_0 = Avx512F.FusedMultiplyAdd(ar, b0, c11_0);
            ar = Vector512.Create(a[12]);
            c12_0 = Avx512F.FusedMultiplyAdd(ar, b0, c12_0);
            ar = Vector512.Create(a[13]);
            c13_0 = Avx512F.FusedMultiplyAdd(ar, b0, c13_0);
            ar = Vector512.Create(a[14]);
            c14_0 = Avx512F.FusedMultiplyAdd(ar, b0, c14_0);
            ar = Vector512.Create(a[15]);
            c15_0 = Avx512F.FusedMultiplyAdd(ar, b0, c15_0);
            a += 16;
            b += 16;
        }
        if (overwrite)
        {
            c0_0.Store(c + 0 * ldc + 0);
            c1_0.Store(c + 1 * ldc + 0);
            c2_0.Store(c + 2 * ldc + 0);
            c3_0.Store(c + 3 * ldc + 0);
            c4_0.Store(c + 4 * ldc + 0);
            c5_0.Store(c + 5 * ldc + 0);
            c6_0.Store(c + 6 * ldc + 0);
            c7_0.Store(c + 7 * ldc + 0);
            c8_0.Store(c + 8 * ldc + 0);
            c9_0.Store(c + 9 * ldc + 0);
            c10_0.Store(c + 10 * ldc + 0);
            c11_0.Store(c + 11 * ldc + 0);
            c12_0.Store(c + 12 * ldc + 0);
            c13_0.Store(c + 13 * ldc + 0);
            c14_0.Store(c + 14 * ldc + 0);
            c15_0.Store(c + 15 * ldc + 0);
        }
        else
        {
            (c0_0 + Vector512.Load(c + 0 * ldc + 0)).Store(c + 0 * ldc + 0);
            (c1_0 + Vector512.Load(c + 1 * ldc + 0)).Store(c + 1 * ldc + 0);
            (c2_0 + Vector512.Load(c + 2 * ldc + 0)).Store(c + 2 * ldc + 0);
            (c3_0 + Vector512.Load(c + 3 * ldc + 0)).Store(c + 3 * ldc + 0);
            (c4_0 + Vector512.Load(c + 4 * ldc + 0)).Store(c + 4 * ldc + 0);
            (c5_0 + Vector512.Load(c + 5 * ldc + 0)).Store(c + 5 * ldc + 0);
            (c6_0 + Vector512.Load(c + 6 * ldc + 0)).Store(c + 6 * ldc + 0);
            (c7_0 + Vector512.Load(c + 7 * ldc + 0)).Store(c + 7 * ldc + 0);
            (c8_0 + Vector512.Load(c + 8 * ldc + 0)).Store(c + 8 * ldc + 0);
            (c9_0 + Vector512.Load(c + 9 * ldc + 0)).Store(c + 9 * ldc + 0);
            (c10_0 + Vector512.Load(c + 10 * ldc + 0)).Store(c + 10 * ldc + 0);
            (c11_0 + Vector512.Load(c + 11 * ldc + 0)).Store(c + 11 * ldc + 0);
            (c12_0 + Vector512.Load(c + 12 * ldc + 0)).Store(c + 12 * ldc + 0);
            (c13_0 + Vector512.Load(c + 13 * ldc + 0)).Store(c + 13 * ldc + 0);
            (c14_0 + Vector512.Load(c + 14 * ldc + 0)).Store(c + 14 * ldc + 0);
            (c15_0 + Vector512.Load(c + 15 * ldc + 0)).Store(c + 15 * ldc + 0);
        }
    }

    /// <summary>AVX2/FMA micro-kernel: a 6×16 tile of C in 12 ymm accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel256(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        Vector256<float> c0_0 = default; Vector256<float> c0_1 = default;
        Vector256<float> c1_0 = default; Vector256<float> c1_1 = default;
        Vector256<float> c2_0 = default; Vector256<float> c2_1 = default;
        Vector256<float> c3_0 = default; Vector256<float> c3_1 = default;
        Vector256<float> c4_0 = default; Vector256<float> c4_1 = default;
        Vector256<float> c5_0 = default; Vector256<float> c5_1 = default;
        Vector256<float> ar;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b + 0);
            Vector256<float> b1 = Vector256.Load(b + 8);
            ar = Vector256.Create(a[0]);
            c0_0 = Fma.MultiplyAdd(ar, b0, c0_0);
            c0_1 = Fma.MultiplyAdd(ar, b1, c0_1);
            ar = Vector256.Create(a[1]);
            c1_0 = Fma.MultiplyAdd(ar, b0, c1_0);
            c1_1 = Fma.MultiplyAdd(ar, b1, c1_1);
            ar = Vector256.Create(a[2]);
            c2_0 = Fma.MultiplyAdd(ar, b0, c2_0);
            c2_1 = Fma.MultiplyAdd(ar, b1, c2_1);
            ar = Vector256.Create(a[3]);
            c3_0 = Fma.MultiplyAdd(ar, b0, c3_0);
            c3_1 = Fma.MultiplyAdd(ar, b1, c3_1);
            ar = Vector256.Create(a[4]);
            c4_0 = Fma.MultiplyAdd(ar, b0, c4_0);
            c4_1 = Fma.MultiplyAdd(ar, b1, c4_1);
            ar = Vector256.Create(a[5]);
            c5_0 = Fma.MultiplyAdd(ar, b0, c5_0);
            c5_1 = Fma.MultiplyAdd(ar, b1, c5_1);
            a += 6;
            b += 16;
        }
        if (overwrite)
        {
            c0_0.Store(c + 0 * ldc + 0); c0_1.Store(c + 0 * ldc + 8);
            c1_0.Store(c + 1 * ldc + 0); c1_1.Store(c + 1 * ldc + 8);
            c2_0.Store(c + 2 * ldc + 0); c2_1.Store(c + 2 * ldc + 8);
            c3_0.Store(c + 3 * ldc + 0); c3_1.Store(c + 3 * ldc + 8);
            c4_0.Store(c + 4 * ldc + 0); c4_1.Store(c + 4 * ldc + 8);
            c5_0.Store(c + 5 * ldc + 0); c5_1.Store(c + 5 * ldc + 8);
        }
        else
        {
            (c0_0 + Vector256.Load(c + 0 * ldc + 0)).Store(c + 0 * ldc + 0); (c0_1 + Vector256.Load(c + 0 * ldc + 8)).Store(c + 0 * ldc + 8);
            (c1_0 + Vector256.Load(c + 1 * ldc + 0)).Store(c + 1 * ldc + 0); (c1_1 + Vector256.Load(c + 1 * ldc + 8)).Store(c + 1 * ldc + 8);
            (c2_0 + Vector256.Load(c + 2 * ldc + 0)).Store(c + 2 * ldc + 0); (c2_1 + Vector256.Load(c + 2 * ldc + 8)).Store(c + 2 * ldc + 8);
            (c3_0 + Vector256.Load(c + 3 * ldc + 0)).Store(c + 3 * ldc + 0); (c3_1 + Vector256.Load(c + 3 * ldc + 8)).Store(c + 3 * ldc + 8);
            (c4_0 + Vector256.Load(c + 4 * ldc + 0)).Store(c + 4 * ldc + 0); (c4_1 + Vector256.Load(c + 4 * ldc + 8)).Store(c + 4 * ldc + 8);
            (c5_0 + Vector256.Load(c + 5 * ldc + 0)).Store(c + 5 * ldc + 0); (c5_1 + Vector256.Load(c + 5 * ldc + 8)).Store(c + 5 * ldc + 8);
        }
    }

    /// <summary>Rows of the portable tile.</summary>
    internal const int MrScalar = 4;
    /// <summary>Columns of the portable tile.</summary>
    internal const int NrScalar = 8;

    /// <summary>Portable micro-kernel (no SIMD assumed): the same summation order, scalar arithmetic with FMA.</summary>
    internal static void KernelScalar(int kc, float* a, float* b, float* c, int ldc, bool overwrite)
    {
        float* acc = stackalloc float[MrScalar * NrScalar];
        new Span<float>(acc, MrScalar * NrScalar).Clear();
        for (int p = 0; p < kc; p++, a += MrScalar, b += NrScalar)
        {
            for (int r = 0; r < MrScalar; r++)
            {
                float ar = a[r];
                float* accRow = acc + r * NrScalar;
                for (int j = 0; j < NrScalar; j++) accRow[j] = MathF.FusedMultiplyAdd(ar, b[j], accRow[j]);
            }
        }
        for (int r = 0; r < MrScalar; r++)
        {
            float* cr = c + (long)r * ldc, accRow = acc + r * NrScalar;
            if (overwrite) for (int j = 0; j < NrScalar; j++) cr[j] = accRow[j];
            else for (int j = 0; j < NrScalar; j++) cr[j] = accRow[j] + cr[j];
        }
    }
}
