namespace NetForge.Runtime.Tests;

/// <summary>
/// Classifiers exported by PyTorch (tools/fixtures/foreign_models.py, the export call of ../shared/peer/export_peer.py):
/// logits only, no metadata, no input scale. They open through the same type; what the metadata does not say comes
/// from the graph, and labels fall back to indices with a note.
/// </summary>
public sealed class ForeignModelTests
{
    [Fact]
    public void PyTorch_export_opens_with_a_contract_from_the_graph()
    {
        using var model = NetForgeModel.Open(TestModels.Path("torch_cnn.onnx"));
        ModelContract c = model.Contract;
        Assert.Equal("pytorch", c.Producer);
        Assert.False(c.IsNetForgeExport);
        Assert.Equal("input", c.InputName);
        Assert.Equal(InputLayout.Image, c.Layout);
        Assert.Equal("float32 [N, 1, 28, 28]", c.InputDescription);
        Assert.Equal(10, c.Classes);
        Assert.Equal(ScoreKind.Logits, c.Scores);
        Assert.Equal("logits", c.LogitsOutput);
        Assert.Null(c.ProbabilitiesOutput);
        Assert.Null(c.InputScale);
        Assert.Null(c.Certificate);
        Assert.False(c.HasLabels);
        Assert.Equal("7", c.Labels[7]);
        Assert.Contains(c.Notes, n => n.Contains("no 'labels' metadata: classes are named by their index", StringComparison.Ordinal));
        Assert.Contains(c.Notes, n => n.Contains("no 'input_scale' metadata", StringComparison.Ordinal));
        Assert.Contains(c.Notes, n => n.Contains("read as logits and NetForge applies softmax", StringComparison.Ordinal));
    }

    [Fact]
    public void PyTorch_logits_and_softmax_match_torch()
    {
        using var model = NetForgeModel.Open(TestModels.Path("torch_cnn.onnx"));
        float[] x = ForeignModels.Input;
        var probabilities = new float[30];
        var logits = new float[30];
        model.Predict(x, 3, probabilities, logits);
        Close.All(ForeignModels.Expected("torch_cnn", "logits"), logits);
        Close.All(ForeignModels.Expected("torch_cnn", "probabilities"), probabilities);
        Close.All(ForeignModels.Expected("torch_cnn", "probabilities"), model.Predict(x, 3));

        double[] p = ForeignModels.Expected("torch_cnn", "probabilities");
        int[] argmax = [.. Enumerable.Range(0, 3).Select(n => Array.IndexOf(p, p.Skip(n * 10).Take(10).Max(), n * 10) - n * 10)];
        Assert.Equal(argmax, model.Classify(x, 3));
        ClassScore[][] top = model.TopK(x, 3, k: 2);
        Assert.Equal(argmax, top.Select(t => t[0].Class));
        Assert.All(top, t => Assert.True(t[0].Probability >= t[1].Probability));
        Assert.Equal(argmax[0].ToString(System.Globalization.CultureInfo.InvariantCulture), top[0][0].Label);
    }

    [Fact]
    public void Fixed_batch_export_runs_any_count_one_sample_at_a_time()
    {
        using var fixedBatch = NetForgeModel.Open(TestModels.Path("torch_cnn_batch1.onnx"));
        Assert.Equal(1, fixedBatch.Contract.FixedBatch);
        Assert.Equal("float32 [1, 1, 28, 28]", fixedBatch.Contract.InputDescription);
        Assert.Contains(fixedBatch.Contract.Notes, n => n.Contains("fixed at 1", StringComparison.Ordinal));
        Close.All(ForeignModels.Expected("torch_cnn", "probabilities"), fixedBatch.Predict(ForeignModels.Input, 3));
    }

    [Fact]
    public void LogSoftmax_output_becomes_probabilities()
    {
        using var model = NetForgeModel.Open(TestModels.Path("torch_mlp_logsoftmax.onnx"));
        Assert.Equal(ScoreKind.LogProbabilities, model.Contract.Scores);
        Assert.Equal("output", model.Contract.ScoresOutput);
        Assert.Equal(InputLayout.Features, model.Contract.Layout);
        Assert.Null(model.Contract.LogitsOutput);
        Close.All(ForeignModels.Expected("torch_mlp_logsoftmax", "probabilities"), model.Predict(ForeignModels.Input, 3));
        var e = Assert.Throws<ModelException>(() => model.Predict(ForeignModels.Input, 3, new float[30], new float[30]));
        Assert.Contains("has no logits output", e.Message, StringComparison.Ordinal);
    }
}
