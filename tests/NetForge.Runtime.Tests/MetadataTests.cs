namespace NetForge.Runtime.Tests;

/// <summary>
/// Reading back known values proves the slots not in the team's proven list: 33/34 SessionGet{Input,Output}TypeInfo,
/// 55 CastTypeInfoToTensorInfo, 56 GetOnnxTypeFromTypeInfo, 63 GetSymbolicDimensions, 98 ReleaseTypeInfo,
/// 111–118 model metadata, 123 ModelMetadataGetCustomMetadataMapKeys (a wrong slot crashes or returns garbage).
/// </summary>
public sealed class MetadataTests
{
    [Fact]
    public void Library_reports_version_1_30()
    {
        Assert.Equal("1.30.0", OrtLibrary.Version);
        Assert.True(File.Exists(OrtLibrary.LibraryPath));
    }

    [Fact]
    public void Inputs_and_outputs_read_back_with_symbolic_dims()
    {
        using var mlp = new InferenceSession(TestModels.Path("mlp.onnx"));
        NodeInfo input = Assert.Single(mlp.Inputs);
        Assert.Equal("input", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, 784L], input.Dimensions);
        Assert.Equal(["N", ""], input.SymbolicDimensions);
        Assert.Equal("input: float32 [N, 784]", input.ToString());
        Assert.Equal(["logits: float32 [N, 10]", "probabilities: float32 [N, 10]"], mlp.Outputs.Select(o => o.ToString()));

        using var cnn = new InferenceSession(TestModels.Path("cnn.onnx"));
        Assert.Equal("image: float32 [batch, 1, 28, 28]", Assert.Single(cnn.Inputs).ToString());

        using var cast = new InferenceSession(TestModels.Path("cast_mul.onnx"));
        Assert.Equal(TensorElementType.UInt8, cast.Inputs[0].ElementType);
        Assert.Equal("pixels: uint8 [N, 4]", cast.Inputs[0].ToString());
    }

    [Fact]
    public void Model_metadata_reads_back()
    {
        using var session = new InferenceSession(TestModels.Path("mlp.onnx"));
        ModelMetadata m = session.ModelMetadata;
        Assert.Equal("NetForge-test", m.ProducerName);
        Assert.Equal("mlp_test", m.GraphName);
        Assert.Equal("ai.netforge.test", m.Domain);
        Assert.Equal("Gemm + Softmax test classifier", m.Description);
        Assert.Equal(3, m.Version);
        Assert.Equal(["labels", "netforge.spec", "note"], m.CustomMetadata.Keys);
        Assert.Equal("zero,one,two,three,four,five,six,seven,eight,nine", m.CustomMetadata["labels"]);
        Assert.Equal("mlp_test.yaml", m.CustomMetadata["netforge.spec"]);
        Assert.Equal("unicode: \u00e9\u00e8 \u2713", m.CustomMetadata["note"]);
    }

    [Fact]
    public void Model_without_metadata_props_has_empty_dictionary()
    {
        using var session = new InferenceSession(TestModels.Path("cast_mul.onnx"));
        Assert.Empty(session.ModelMetadata.CustomMetadata);
        Assert.Equal("cast_mul_test", session.ModelMetadata.GraphName);
        Assert.Equal(1, session.ModelMetadata.Version);
    }
}
