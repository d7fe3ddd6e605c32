using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

/// <summary>
/// The 4-row AVX-512 edge kernel (m ≡ 4 mod 8, e.g. 36 filters) writes straight into C, and full panels of a row-major
/// B are read in place (no packing) when m ≤ Mc; both must give the bits of
/// the scalar family (which computes every element with the same FMA chain) for overwrite and accumulate, every
/// transposition, and on 1 and 2 threads.
/// </summary>
public class GemmEdgeTileTests
{
    [Theory]
    [InlineData(36, 400, 196)]   // cnn conv2 forward shape (per sample)
    [InlineData(36, 400, 590)]   // dW-like: several reduction blocks
    [InlineData(4, 64, 9)]
    [InlineData(12, 96, 300)]
    [InlineData(300, 70, 20)]    // row split on 2 threads ends on a 4-row tile
    [InlineData(128, 100, 300)]  // B read in place (NN), edge panel packed
    [InlineData(16, 64, 513)]    // B read in place over 3 reduction blocks
    [InlineData(200, 100, 300)]  // 144 < m ≤ PanelRows: one A block of 200 rows
    [InlineData(180, 64, 40)]    // ... ending on a 4-row tile
    public void Four_row_edge_tiles_match_the_scalar_family(int m, int n, int k)
    {
        if (Gemm.Detected != Gemm.Isa.Vector512) return; // the edge kernel exists only on AVX-512 machines
        var rng = new System.Random(m * 31 + n * 7 + k);
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                {
                    var a = new float[m * k];
                    var b = new float[k * n];
                    var c0 = new float[m * n];
                    for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
                    for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() * 2 - 1);
                    for (int i = 0; i < c0.Length; i++) c0[i] = (float)(rng.NextDouble() * 2 - 1);
                    float[] scalar = (float[])c0.Clone(), one = (float[])c0.Clone(), two = (float[])c0.Clone();
                    Gemm.ForcedIsa = Gemm.Isa.Scalar;
                    try { Gemm.Multiply(scalar, a, b, m, n, k, ta, tb, accumulate, threads: 1); }
                    finally { Gemm.ForcedIsa = null; }
                    Gemm.Multiply(one, a, b, m, n, k, ta, tb, accumulate, threads: 1);
                    Gemm.Multiply(two, a, b, m, n, k, ta, tb, accumulate, threads: 2);
                    string what = $"{m}x{n}x{k} ta={ta} tb={tb} acc={accumulate}";
                    TestData.AssertBitIdentical(scalar, one, what + " 1 thread");
                    TestData.AssertBitIdentical(scalar, two, what + " 2 threads");
                }
    }
}
