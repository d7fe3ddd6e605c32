using Microsoft.ML.OnnxRuntime;

namespace NetForge.Runtime.Tests;

/// <summary>
/// A user who already runs ONNX Runtime needs only the file: this is docs/runtime.md's "plain ORT" example, with nothing
/// of NetForge's, run on a NetForge-style export and checked against numpy and against NetForgeModel.
/// </summary>
public sealed class PlainOrtTests
{
    [Fact]
    public void Plain_ort_code_runs_a_netforge_export()
    {
        var f = TestModels.Expected("mlp.onnx");
        string path = TestModels.Path("mlp.onnx");
        float[] pixels = f.Data; // raw 0-255 values: the 1/255 scale is inside the graph
        int count = 5;

        // --- the documented code: begins
        using var session = new InferenceSession(path);
        string labelsJson = session.ModelMetadata.CustomMetadataMap.GetValueOrDefault("labels", "");
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [count, 784]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input"], [input], ["probabilities"]);
        ReadOnlySpan<float> probabilities = outputs[0].GetTensorDataAsSpan<float>(); // [count, 10]
        // --- ends

        Assert.Equal("zero,one,two,three,four,five,six,seven,eight,nine", labelsJson);
        Close.All(f.Outputs["probabilities"].Data, probabilities);
        using var model = NetForgeModel.Open(path);
        Assert.Equal(probabilities.ToArray(), model.Predict(pixels, count));
    }
}
