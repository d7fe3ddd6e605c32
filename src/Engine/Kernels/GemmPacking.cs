using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetForge.Engine.Kernels;

/// <summary>
/// Packing for <see cref="Gemm"/>: copies a block of op(A) into MR-row panels (per step p, MR consecutive values)
/// and a block of op(B) into NR-column panels (per step p, NR consecutive values), zero-padding the last panel.
/// Transposed operands are handled here, so the micro-kernels see one layout.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[ic..ic+mc, pc..pc+kc] into panels of <paramref name="mr"/> rows; panel q starts at
    /// <c>dst + q·mr·kc</c> and holds <c>dst[p·mr + r] = op(A)[ic + q·mr + r, pc + p]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(float* dst, float* a, int m, int k, bool transA, int ic, int mc, int pc, int kc, int mr)
    {
        for (int ir = 0; ir < mc; ir += mr, dst += (long)mr * kc)
        {
            int rows = Math.Min(mr, mc - ir);
            if (transA)
            {
                // A is [k×m]: op(A) row i, step p is a[p·m + i]; each step's rows are contiguous.
                float* src = a + (long)pc * m + ic + ir;
                for (int p = 0; p < kc; p++, src += m)
                {
                    float* d = dst + (long)p * mr;
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
            else
            {
                // A is [m×k]: a transpose of rows × steps.
                PackTransposed(dst, mr, a + (long)(ic + ir) * k + pc, k, rows, kc);
            }
        }
    }

    /// <summary>
    /// Packs op(B)[pc..pc+kc, jc..jc+nc] into panels of <paramref name="nr"/> columns; panel q starts at
    /// <c>dst + q·nr·kc</c> and holds <c>dst[p·nr + j] = op(B)[pc + p, jc + q·nr + j]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(float* dst, float* b, int n, int k, bool transB, int pc, int kc, int jc, int nc, int nr)
    {
        for (int jr = 0; jr < nc; jr += nr, dst += (long)nr * kc)
        {
            int cols = Math.Min(nr, nc - jr);
            if (!transB)
            {
                // B is [k×n]: each step's columns are contiguous.
                float* src = b + (long)pc * n + jc + jr;
                if (cols == nr && nr % 8 == 0)
                {
                    for (int p = 0; p < kc; p++, src += n)
                    {
                        float* d = dst + (long)p * nr;
                        for (int j = 0; j < nr; j += 8) Vector256.Store(Vector256.Load(src + j), d + j);
                    }
                }
                else
                {
                    for (int p = 0; p < kc; p++, src += n)
                    {
                        float* d = dst + (long)p * nr;
                        int j = 0;
                        for (; j < cols; j++) d[j] = src[j];
                        for (; j < nr; j++) d[j] = 0f;
                    }
                }
            }
            else
            {
                // B is [n×k]: op(B) column j is row j of B, a transpose of columns × steps.
                PackTransposed(dst, nr, b + (long)(jc + jr) * k + pc, k, cols, kc);
            }
        }
    }

    /// <summary>
    /// <c>dst[p·ld + r] = src[r·srcStride + p]</c> for r &lt; rows, p &lt; kc, and 0 for rows ≤ r &lt; ld:
    /// 8×8 (AVX) and 4×4 (SSE) register transposes, scalar for the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackTransposed(float* dst, int ld, float* src, long srcStride, int rows, int kc)
    {
        int r = 0;
        if (Avx.IsSupported)
        {
            for (; r + 8 <= rows; r += 8)
            {
                int p = 0;
                for (; p + 8 <= kc; p += 8) Transpose8x8(src + r * srcStride + p, srcStride, dst + (long)p * ld + r, ld);
                CopyTransposedScalar(dst, ld, src, srcStride, r, r + 8, p, kc);
            }
            if (r < rows && r + 8 <= ld)
            {
                // The last 1..7 rows and the padding rows after them in one 8×8 transpose with zero rows: no scalar
                // column copy and no strided zero fill (thin operands: n = 10 classes, 25 patch rows).
                int valid = rows - r, p = 0;
                for (; p + 8 <= kc; p += 8) TransposePartial8x8(src + r * srcStride + p, srcStride, valid, dst + (long)p * ld + r, ld);
                for (; p < kc; p++)
                {
                    float* d = dst + (long)p * ld + r;
                    int q = 0;
                    for (; q < valid; q++) d[q] = src[(r + q) * srcStride + p];
                    for (; q < 8; q++) d[q] = 0f;
                }
                r += 8;
                for (int z = r; z < ld; z++)
                {
                    float* d = dst + z;
                    for (int q = 0; q < kc; q++) d[(long)q * ld] = 0f;
                }
                return;
            }
            for (; r + 4 <= rows; r += 4)
            {
                int p = 0;
                for (; p + 4 <= kc; p += 4) Transpose4x4(src + r * srcStride + p, srcStride, dst + (long)p * ld + r, ld);
                CopyTransposedScalar(dst, ld, src, srcStride, r, r + 4, p, kc);
            }
        }
        CopyTransposedScalar(dst, ld, src, srcStride, r, rows, 0, kc);
        for (r = rows; r < ld; r++)
        {
            float* d = dst + r;
            for (int p = 0; p < kc; p++) d[(long)p * ld] = 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyTransposedScalar(float* dst, int ld, float* src, long srcStride, int r0, int r1, int p0, int kc)
    {
        for (int r = r0; r < r1; r++)
        {
            float* s = src + r * srcStride;
            float* d = dst + r;
            for (int p = p0; p < kc; p++) d[(long)p * ld] = s[p];
        }
    }

    /// <summary>Reads 8 rows of 8 at <paramref name="src"/> (stride <paramref name="ss"/>), writes them as 8 columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8x8(float* src, long ss, float* dst, long ds)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + ss);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ss), r3 = Avx.LoadVector256(src + 3 * ss);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * ss), r5 = Avx.LoadVector256(src + 5 * ss);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * ss), r7 = Avx.LoadVector256(src + 7 * ss);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ds, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ds, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ds, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ds, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ds, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ds, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ds, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>
    /// Like <see cref="Transpose8x8"/> for the first <paramref name="valid"/> (1..7) rows only; the other rows read as
    /// zeros (never loaded), so the 8 written columns end in zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposePartial8x8(float* src, long ss, int valid, float* dst, long ds)
    {
        Vector256<float> z = Vector256<float>.Zero;
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = valid > 1 ? Avx.LoadVector256(src + ss) : z;
        Vector256<float> r2 = valid > 2 ? Avx.LoadVector256(src + 2 * ss) : z;
        Vector256<float> r3 = valid > 3 ? Avx.LoadVector256(src + 3 * ss) : z;
        Vector256<float> r4 = valid > 4 ? Avx.LoadVector256(src + 4 * ss) : z;
        Vector256<float> r5 = valid > 5 ? Avx.LoadVector256(src + 5 * ss) : z;
        Vector256<float> r6 = valid > 6 ? Avx.LoadVector256(src + 6 * ss) : z;
        Vector256<float> r7 = z;
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + ds, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * ds, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * ds, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * ds, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * ds, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * ds, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * ds, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Reads 4 rows of 4 at <paramref name="src"/> (stride <paramref name="ss"/>), writes them as 4 columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose4x4(float* src, long ss, float* dst, long ds)
    {
        Vector128<float> r0 = Sse.LoadVector128(src), r1 = Sse.LoadVector128(src + ss);
        Vector128<float> r2 = Sse.LoadVector128(src + 2 * ss), r3 = Sse.LoadVector128(src + 3 * ss);
        Vector128<float> t0 = Sse.UnpackLow(r0, r1), t2 = Sse.UnpackLow(r2, r3);
        Vector128<float> t1 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
        Sse.Store(dst, Sse.MoveLowToHigh(t0, t2));
        Sse.Store(dst + ds, Sse.MoveHighToLow(t2, t0));
        Sse.Store(dst + 2 * ds, Sse.MoveLowToHigh(t1, t3));
        Sse.Store(dst + 3 * ds, Sse.MoveHighToLow(t3, t1));
    }
}
