namespace NetForge.Runtime.Tests;

public sealed class InferenceTests
{
    [Theory]
    [InlineData("mlp.onnx", "logits")]
    [InlineData("mlp.onnx", "probabilities")]
    [InlineData("cnn.onnx", "probabilities")]
    public void Float_models_match_numpy(string model, string output)
    {
        var f = TestModels.Expected(model);
        using var session = new InferenceSession(TestModels.Path(model));
        using OrtTensor result = session.Run(f.Input, f.Data, f.Shape, output);
        Assert.Equal(output, result.Name);
        Assert.Equal(TensorElementType.Float, result.ElementType);
        Assert.Equal(f.Outputs[output].Shape, result.Shape);
        Close.All(f.Outputs[output].Data, result.Data);
    }

    [Fact]
    public void Uint8_input_model_matches_numpy()
    {
        var f = TestModels.Expected("cast_mul.onnx");
        byte[] pixels = [.. f.Data.Select(v => (byte)v)];
        using var session = new InferenceSession(TestModels.Path("cast_mul.onnx"));
        using OrtTensor result = session.Run("pixels", pixels, f.Shape);
        Assert.Equal(new long[] { 2, 4 }, result.Shape);
        Assert.Equal([0f, 0.5f, 1f, 1.5f, 63.5f, 64f, 127f, 127.5f], result.ToArray());
    }

    [Fact]
    public void RunAll_returns_every_output_in_order()
    {
        var f = TestModels.Expected("mlp.onnx");
        using var session = new InferenceSession(TestModels.Path("mlp.onnx"));
        OrtTensor[] all = session.RunAll(f.Input, f.Data, f.Shape);
        try
        {
            Assert.Equal(["logits", "probabilities"], all.Select(t => t.Name));
            Close.All(f.Outputs["logits"].Data, all[0].Data);
            Close.All(f.Outputs["probabilities"].Data, all[1].Data);
        }
        finally
        {
            foreach (OrtTensor t in all)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void Session_from_bytes_equals_session_from_path()
    {
        var f = TestModels.Expected("cnn.onnx");
        using var fromPath = new InferenceSession(TestModels.Path("cnn.onnx"));
        using var fromBytes = new InferenceSession(File.ReadAllBytes(TestModels.Path("cnn.onnx")),
            new SessionOptions { IntraOpThreads = 1, OptimizationLevel = OptimizationLevel.Disabled });
        Assert.Equal(fromPath.Predict(f.Data, 3), fromBytes.Predict(f.Data, 3));
    }

    [Fact]
    public void Non_ascii_model_path_loads()
    {
        string dir = Directory.CreateTempSubdirectory("netforge-\u00e9").FullName;
        try
        {
            string path = Path.Combine(dir, "mod\u00e8le \u2713.onnx");
            File.Copy(TestModels.Path("mlp.onnx"), path);
            using var session = new InferenceSession(path);
            Assert.Equal("mlp_test", session.ModelMetadata.GraphName);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Predict_prefers_probabilities_and_Classify_takes_argmax()
    {
        var f = TestModels.Expected("mlp.onnx");
        using var session = new InferenceSession(TestModels.Path("mlp.onnx"));
        float[] p = session.Predict(f.Data, 5);
        Close.All(f.Outputs["probabilities"].Data, p);

        double[] expected = f.Outputs["probabilities"].Data;
        int[] argmax = [.. Enumerable.Range(0, 5).Select(n =>
            Array.IndexOf(expected, expected.Skip(n * 10).Take(10).Max(), n * 10) - n * 10)];
        Assert.Equal(argmax, session.Classify(f.Data, 5));
    }

    [Fact]
    public void Batch_of_one_equals_row_of_batch()
    {
        var f = TestModels.Expected("cnn.onnx");
        using var session = new InferenceSession(TestModels.Path("cnn.onnx"));
        float[] batch = session.Predict(f.Data, 3);
        for (int n = 0; n < 3; n++)
        {
            float[] single = session.Predict(f.Data.AsSpan(n * 784, 784), 1);
            Close.All([.. batch.Skip(n * 10).Take(10).Select(v => (double)v)], single);
        }
    }

    [Fact]
    public void Many_threads_give_identical_results()
    {
        var f = TestModels.Expected("cnn.onnx");
        using var session = new InferenceSession(TestModels.Path("cnn.onnx"));
        float[] reference = session.Predict(f.Data, 3);
        var results = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            float[] last = [];
            for (int i = 0; i < 25; i++)
            {
                using OrtTensor r = session.Run("image", f.Data, f.Shape, "probabilities");
                last = r.ToArray();
                Assert.Equal(reference, last);
            }

            results[t] = last;
        });
        Assert.All(results, r => Assert.Equal(reference, r));
    }

    [Fact]
    public void Zero_batch_runs_and_returns_empty_output()
    {
        using var session = new InferenceSession(TestModels.Path("mlp.onnx"));
        using OrtTensor r = session.Run("input", ReadOnlySpan<float>.Empty, [0, 784], "probabilities");
        Assert.Equal(new long[] { 0, 10 }, r.Shape);
        Assert.Equal(0, r.Data.Length);
    }
}
