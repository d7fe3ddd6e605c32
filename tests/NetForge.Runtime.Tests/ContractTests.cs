using Microsoft.ML.OnnxRuntime.Tensors;

namespace NetForge.Runtime.Tests;

/// <summary>The contract a model states (metadata) or implies (graph), read once at open.</summary>
public sealed class ContractTests
{
    [Fact]
    public void Runtime_is_the_official_package_1_32()
    {
        Assert.Equal("1.32.0", NetForgeModel.OnnxRuntimeVersion);
        Assert.Equal("Microsoft.ML.OnnxRuntime", typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Name);
    }

    [Fact]
    public void NetForge_style_mlp_contract_comes_from_metadata_and_graph()
    {
        using var model = NetForgeModel.Open(TestModels.Path("mlp.onnx"));
        ModelContract c = model.Contract;
        Assert.Equal("input", c.InputName);
        Assert.Equal(TensorElementType.Float, c.InputType);
        Assert.Equal(InputLayout.Features, c.Layout);
        Assert.Equal([784], c.SampleShape);
        Assert.Equal(784, c.SampleSize);
        Assert.Null(c.FixedBatch);
        Assert.Equal(10, c.Classes);
        Assert.True(c.HasLabels);
        Assert.Equal(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"], c.Labels);
        Assert.Equal("probabilities", c.ProbabilitiesOutput);
        Assert.Equal("logits", c.LogitsOutput);
        Assert.Equal("probabilities", c.ScoresOutput);
        Assert.Equal(ScoreKind.Probabilities, c.Scores);
        Assert.Equal("mlp_test", c.GraphName);
        Assert.Equal("NetForge-test", c.Producer);
        Assert.Equal(8, c.IrVersion);
        Assert.Equal(17, c.Opset);
        Assert.Equal("unicode: \u00e9\u00e8 \u2713", c.Metadata["note"]);
        Assert.Equal("float32 [N, 784]", c.InputDescription);
        Assert.Same(model.Contract, model.Contract);
        Assert.NotNull(model.Session);
        Assert.Equal(["logits", "probabilities"], model.Session.OutputNames);
    }

    [Fact]
    public void Cnn_contract_is_an_image_layout()
    {
        using var model = NetForgeModel.Open(TestModels.Path("cnn.onnx"));
        ModelContract c = model.Contract;
        Assert.Equal(InputLayout.Image, c.Layout);
        Assert.Equal((1, 28, 28), (c.Channels, c.Height, c.Width));
        Assert.Equal("float32 [N, 1, 28, 28]", c.InputDescription);
        Assert.Null(c.LogitsOutput);
        Assert.True(c.HasLabels); // a comma-separated 'labels' entry
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], c.Labels);
    }

    [Fact]
    public void Uint8_input_is_read_and_an_unnamed_output_is_logits()
    {
        using var model = NetForgeModel.Open(TestModels.Path("cast_mul.onnx"));
        ModelContract c = model.Contract;
        Assert.Equal(TensorElementType.UInt8, c.InputType);
        Assert.Equal("uint8 [N, 4]", c.InputDescription);
        Assert.Equal("scaled", c.ScoresOutput);
        Assert.Equal(ScoreKind.Logits, c.Scores); // produced by Mul, not Softmax
        Assert.Empty(c.Metadata);
        Assert.Null(c.InputScale);
    }

    [Fact]
    public void A_model_with_a_symbolic_feature_dimension_is_not_a_classifier_but_its_session_works()
    {
        var e = Assert.Throws<ModelException>(() => NetForgeModel.Open(TestModels.Path("gemm_k.onnx")));
        Assert.Equal(ModelErrorKind.NotAClassifier, e.Kind);
        Assert.EndsWith("gemm_k.onnx", e.ModelSource, StringComparison.Ordinal);
        Assert.Contains("input 'x' is float32 [N, K]; every dimension but the batch must be fixed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixed_batch_outputs_are_read()
    {
        using var model = NetForgeModel.Open(TestModels.Path("reshape_fixed.onnx"));
        Assert.Equal(4, model.Contract.Classes);
        Assert.Null(model.Contract.FixedBatch); // the input's batch is symbolic; only the output is fixed
    }
}
