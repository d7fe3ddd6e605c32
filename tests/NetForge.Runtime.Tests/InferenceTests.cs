namespace NetForge.Runtime.Tests;

public sealed class InferenceTests
{
    [Theory]
    [InlineData("mlp.onnx")]
    [InlineData("cnn.onnx")]
    public void Probabilities_match_numpy(string file)
    {
        var f = TestModels.Expected(file);
        using var model = NetForgeModel.Open(TestModels.Path(file));
        int count = (int)f.Shape[0];
        Close.All(f.Outputs["probabilities"].Data, model.Predict(f.Data, count));
        var into = new float[count * 10 + 7]; // a larger caller buffer: only the first count × classes values are written
        Array.Fill(into, -1f);
        model.Predict(f.Data, count, into);
        Close.All(f.Outputs["probabilities"].Data, into.AsSpan(0, count * 10));
        Assert.All(into[(count * 10)..], v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void Probabilities_and_logits_in_one_run()
    {
        var f = TestModels.Expected("mlp.onnx");
        using var model = NetForgeModel.Open(TestModels.Path("mlp.onnx"));
        var p = new float[50];
        var l = new float[50];
        model.Predict(f.Data, 5, p, l);
        Close.All(f.Outputs["probabilities"].Data, p);
        Close.All(f.Outputs["logits"].Data, l);
    }

    [Fact]
    public void Byte_samples_equal_the_same_values_as_float()
    {
        var f = TestModels.Expected("cnn.onnx");
        byte[] pixels = [.. f.Data.Select(v => (byte)v)];
        float[] asFloat = [.. pixels.Select(b => (float)b)];
        using var model = NetForgeModel.Open(TestModels.Path("cnn.onnx"));
        Assert.Equal(model.Predict(asFloat, 3), model.Predict(pixels, 3));
        Assert.Equal(model.Classify(asFloat, 3), model.Classify(pixels, 3));
    }

    [Fact]
    public void Uint8_model_takes_bytes_and_softmaxes_its_scores()
    {
        var f = TestModels.Expected("cast_mul.onnx");
        byte[] pixels = [.. f.Data.Select(v => (byte)v)];
        using var model = NetForgeModel.Open(TestModels.Path("cast_mul.onnx"));
        float[] p = model.Predict(pixels, 2);
        double[] scaled = f.Outputs["scaled"].Data;
        for (int n = 0; n < 2; n++)
        {
            double[] row = scaled[(n * 4)..((n + 1) * 4)];
            double max = row.Max(), sum = row.Sum(v => Math.Exp(v - max));
            Close.All([.. row.Select(v => Math.Exp(v - max) / sum)], p.AsSpan(n * 4, 4));
        }

        Assert.Equal([3, 3], model.Classify(pixels, 2));
    }

    [Fact]
    public void Classify_takes_the_argmax_and_TopK_ranks_with_labels()
    {
        var f = TestModels.Expected("mlp.onnx");
        using var model = NetForgeModel.Open(TestModels.Path("mlp.onnx"));
        double[] expected = f.Outputs["probabilities"].Data;
        int[] argmax = [.. Enumerable.Range(0, 5).Select(n =>
            Array.IndexOf(expected, expected.Skip(n * 10).Take(10).Max(), n * 10) - n * 10)];
        Assert.Equal(argmax, model.Classify(f.Data, 5));
        var classes = new int[5];
        model.Classify(f.Data, 5, classes);
        Assert.Equal(argmax, classes);

        ClassScore[][] top = model.TopK(f.Data, 5, k: 3);
        for (int n = 0; n < 5; n++)
        {
            var ranked = expected.Skip(n * 10).Take(10).Select((p, i) => (p, i)).OrderByDescending(t => t.p).Take(3).ToArray();
            Assert.Equal(ranked.Select(r => r.i), top[n].Select(t => t.Class));
            Assert.Equal(ranked.Select(r => model.Contract.Labels[r.i]), top[n].Select(t => t.Label));
        }

        Assert.Equal(3, NetForgeModel.ArgMax([1f, 2f, 0f, 5f, 5f]));
        Assert.Equal(0, NetForgeModel.ArgMax([2f, 2f]));
        Assert.Equal(2, NetForgeModel.ArgMax([1f, 9f, float.NaN, 5f, float.NaN])); // the first NaN, as torch.argmax
        Assert.Equal(17, NetForgeModel.ArgMax(Enumerable.Range(0, 40).Select(i => i == 17 ? 3f : MathF.Sin(i)).ToArray())); // past one vector
        Assert.Equal([new ClassScore(1, "one", 0.5f), new ClassScore(2, "two", 0.5f)],
            model.TopK([0f, 0.5f, 0.5f, 0, 0, 0, 0, 0, 0, 0], 2)); // ties by class index
    }

    [Fact]
    public void Model_from_bytes_equals_model_from_path()
    {
        var f = TestModels.Expected("cnn.onnx");
        using var fromPath = NetForgeModel.Open(TestModels.Path("cnn.onnx"));
        using var fromBytes = NetForgeModel.Open(File.ReadAllBytes(TestModels.Path("cnn.onnx")),
            new NetForgeModelOptions { IntraOpThreads = 1, OptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL });
        Assert.Equal("model bytes", fromBytes.Source);
        Close.All([.. fromPath.Predict(f.Data, 3).Select(v => (double)v)], fromBytes.Predict(f.Data, 3));
    }

    [Fact]
    public void Non_ascii_model_path_loads()
    {
        string dir = Directory.CreateTempSubdirectory("netforge-\u00e9").FullName;
        try
        {
            string path = Path.Combine(dir, "mod\u00e8le \u2713.onnx");
            File.Copy(TestModels.Path("mlp.onnx"), path);
            using var model = NetForgeModel.Open(path);
            Assert.Equal("mlp_test", model.Contract.GraphName);
            Assert.Equal(path, model.Source);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Batch_of_one_equals_row_of_batch()
    {
        var f = TestModels.Expected("cnn.onnx");
        using var model = NetForgeModel.Open(TestModels.Path("cnn.onnx"));
        float[] batch = model.Predict(f.Data, 3);
        for (int n = 0; n < 3; n++)
        {
            float[] single = model.Predict(f.Data.AsSpan(n * 784, 784), 1);
            Close.All([.. batch.Skip(n * 10).Take(10).Select(v => (double)v)], single);
        }
    }

    [Fact]
    public void Many_threads_give_identical_results()
    {
        var f = TestModels.Expected("cnn.onnx");
        using var model = NetForgeModel.Open(TestModels.Path("cnn.onnx"));
        float[] reference = model.Predict(f.Data, 3);
        var results = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            var mine = new float[30];
            for (int i = 0; i < 25; i++)
            {
                model.Predict(f.Data, 3, mine);
                Assert.Equal(reference, mine);
                Assert.Equal(reference, model.Predict(f.Data, 3)); // a fresh buffer each time: new bindings, same answers
            }

            results[t] = mine;
        });
        Assert.All(results, r => Assert.Equal(reference, r));
    }

    [Fact]
    public void Zero_samples_write_nothing()
    {
        using var model = NetForgeModel.Open(TestModels.Path("mlp.onnx"));
        Assert.Empty(model.Predict(ReadOnlySpan<float>.Empty, 0));
        Assert.Empty(model.Classify(ReadOnlySpan<byte>.Empty, 0));
    }

    [Fact]
    public void Spinning_and_threads_are_settable_and_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetForgeModelOptions { IntraOpThreads = -1 });
        bool configured = false;
        var options = new NetForgeModelOptions { IntraOpThreads = 2, AllowSpinning = true, Configure = o => configured = o.IntraOpNumThreads == 2 };
        using var model = NetForgeModel.Open(TestModels.Path("mlp.onnx"), options);
        Assert.True(configured);
        Assert.False(new NetForgeModelOptions().AllowSpinning);
        Assert.Equal(0, new NetForgeModelOptions().IntraOpThreads);
    }
}
