namespace NetForge.Bench;

/// <summary>One SGEMM shape: C[m×n] = op(A)·op(B) with k reduction steps, and where it comes from.</summary>
public sealed record GemmCase(string Name, int M, int N, int K, bool TransA, bool TransB)
{
    /// <summary>Floating-point operations of one call (a multiply-add counts 2).</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>"NN", "NT", "TN" or "TT".</summary>
    public string Trans => $"{(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')}";

    /// <summary>Short label used as the BenchmarkDotNet parameter value.</summary>
    public override string ToString() => $"{Name} {Trans} {M}x{K}x{N}";

    // Declared before the properties below: static initializers run in text order.
    private static readonly string[] QuickPrefixes = ["dense 128x784x512", "dense 128x9216x128", "conv keras2", "square"];

    /// <summary>
    /// The shapes the specs produce. Dense layer (batch × in × out): forward X·Wᵀ (NT), dX = dY·W (NN),
    /// dW = dYᵀ·X (TN). Convolution by im2col per sample (filters F, C·kh·kw = CKK, output pixels HW):
    /// forward W·cols (NN), dW = dY·colsᵀ (NT), dCols = Wᵀ·dY (TN). Written m×k×n below.
    /// </summary>
    public static IReadOnlyList<GemmCase> All { get; } = Build();

    /// <summary>A subset for quick runs: two dense layers, one convolution, the large square.</summary>
    public static IReadOnlyList<GemmCase> Quick { get; } =
        All.Where(c => QuickPrefixes.Any(c.Name.StartsWith)).ToList();

    private static List<GemmCase> Build()
    {
        var cases = new List<GemmCase>();
        foreach (var (batch, input, output) in new[] { (128, 784, 512), (128, 512, 10), (200, 1764, 128), (128, 9216, 128) })
        {
            string name = $"dense {batch}x{input}x{output}";
            cases.Add(new GemmCase(name + " fwd", batch, output, input, false, true));
            cases.Add(new GemmCase(name + " dX", batch, input, output, false, false));
            cases.Add(new GemmCase(name + " dW", output, input, batch, true, false));
        }
        foreach (var (label, f, ckk, hw) in new[] { ("cnn1", 16, 25, 784), ("cnn2", 36, 400, 196), ("keras1", 32, 9, 676), ("keras2", 64, 288, 576) })
        {
            string name = $"conv {label} {f}x{ckk}x{hw}";
            cases.Add(new GemmCase(name + " fwd", f, hw, ckk, false, false));
            cases.Add(new GemmCase(name + " dW", f, ckk, hw, false, true));
            cases.Add(new GemmCase(name + " dCols", ckk, hw, f, true, false));
        }
        cases.Add(new GemmCase("square 1024", 1024, 1024, 1024, false, false));
        return cases;
    }
}
