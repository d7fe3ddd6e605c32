using NetForge.Runtime;

namespace NetForge.Parity.Tests;

/// <summary>
/// A certificate made under an older ONNX Runtime still verifies under the current one: the model hash and the weights
/// hash must match, parity is re-measured now and compared with the recorded tolerance, and both versions are known.
/// Fixtures/tiny_mlp_ort130.onnx was trained (spec beside it, 2,000 images, 1 epoch), exported and certified by
/// <c>netforge parity --limit 500 --batch-sizes 1,500</c> under ONNX Runtime 1.30.0 (the hand-written binding of NetForge
/// 0.1.0 before the switch to Microsoft.ML.OnnxRuntime).
/// </summary>
public sealed class OlderRuntimeCertificateTests
{
    private static string Fixture => Path.Combine(ParityFixture.RepoRoot, "tests", "NetForge.Parity.Tests", "Fixtures", "tiny_mlp_ort130.onnx");

    [Fact]
    public void A_certificate_made_under_ort_1_30_verifies_under_1_32()
    {
        var result = Certificates.Verify(Fixture, ParityFixture.TestDigits.Pixels, 500, "mnist test");
        Assert.True(result.Ok, string.Join("; ", result.Problems));
        Assert.Equal("1.30.0", result.Stored.OnnxRuntimeVersion);
        Assert.Equal(NetForgeModel.OnnxRuntimeVersion, result.Remeasured.OnnxRuntimeVersion);
        Assert.Equal("1.32.0", result.Remeasured.OnnxRuntimeVersion);
        Assert.Equal(result.Stored.Tolerance, result.Remeasured.Tolerance);
        Assert.Equal(result.Stored.Batches.Select(b => b.BatchSize), result.Remeasured.Batches.Select(b => b.BatchSize));
        Assert.Equal(result.Stored.WeightsSha256, result.Remeasured.WeightsSha256);
        Assert.True(result.Remeasured.MaxAbsDiffProbabilities <= result.Stored.Tolerance);
    }

    [Fact]
    public void The_old_model_opens_with_its_contract_and_certificate()
    {
        using var model = NetForgeModel.Open(Fixture);
        Assert.True(model.Contract.IsNetForgeExport);
        Assert.NotNull(model.Contract.Certificate);
        Assert.Contains("\"onnxruntime_version\":\"1.30.0\"", model.Contract.Certificate!.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(0.00392156862745098, model.Contract.InputScale);
        Assert.Empty(model.Contract.Notes);
    }
}
