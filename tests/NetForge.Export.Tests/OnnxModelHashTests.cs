using NetForge.Export.Onnx;

namespace NetForge.Export.Tests;

public class OnnxModelHashTests
{
    [Fact]
    public void Hash_IsStable_AndIgnoresTheCertificateEntry()
    {
        var model = OnnxExporterTests.Export(TestGraph.Mlp());
        string before = OnnxModelHash.Compute(model);
        Assert.Matches("^[0-9a-f]{64}$", before);

        var certified = model.Clone();
        certified.MetadataProps.Add(new StringStringEntryProto { Key = "parity_certificate", Value = "{\"max_abs_diff\":1e-6}" });
        Assert.Equal(before, OnnxModelHash.Compute(certified, excludeKey: "parity_certificate"));
        Assert.Equal(2, certified.MetadataProps.Count(p => p.Key is "parity_certificate" or "labels")); // input not modified

        // the same model written with the certificate through options hashes the same too
        var viaOptions = OnnxExporterTests.Export(TestGraph.Mlp(), new ExportOptions
        {
            Metadata = new Dictionary<string, string> { ["parity_certificate"] = "cert" },
        });
        Assert.Equal(before, OnnxModelHash.Compute(viaOptions));
    }

    [Fact]
    public void Hash_ChangesWithWeightsAndOtherMetadata()
    {
        var graph = TestGraph.Mlp();
        string a = OnnxModelHash.Compute(OnnxExporter.Export(graph, TestGraph.Weights(graph, seed: 1), new ExportOptions()));
        string b = OnnxModelHash.Compute(OnnxExporter.Export(graph, TestGraph.Weights(graph, seed: 2), new ExportOptions()));
        Assert.NotEqual(a, b);

        var model = OnnxExporter.Export(graph, TestGraph.Weights(graph, seed: 1), new ExportOptions());
        model.MetadataProps.Add(new Onnx.StringStringEntryProto { Key = "note", Value = "x" });
        Assert.NotEqual(a, OnnxModelHash.Compute(model));
        Assert.Equal(OnnxModelHash.Compute(model, "note"), a);
    }

    [Fact]
    public void Hash_SurvivesWriteAndRead()
    {
        var model = OnnxExporterTests.Export(TestGraph.CnnKeras());
        string path = Path.Combine(Path.GetTempPath(), $"netforge-hash-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Write(model, path);
            Assert.Equal(OnnxModelHash.Compute(model), OnnxModelHash.Compute(OnnxExporter.Read(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
