namespace NetForge.Runtime.Tests;

[Collection(SerialCollection.Name)]
public sealed class LifetimeTests
{
    [Fact]
    public void Create_run_dispose_loop_leaks_no_native_handles()
    {
        var f = TestModels.Expected("mlp.onnx");
        OrtLibrary.EnsureLoaded();
        long before = LiveHandles.Total;
        for (int i = 0; i < 40; i++)
        {
            using var session = new InferenceSession(TestModels.Path(i % 2 == 0 ? "mlp.onnx" : "cnn.onnx"));
            Assert.Equal(before + 1, LiveHandles.Total); // just the session: options/type infos/metadata already released
            if (i % 2 == 0)
            {
                OrtTensor[] outs = session.RunAll(f.Input, f.Data, f.Shape);
                Assert.Equal(2, LiveHandles.Count(HandleKind.Value));
                foreach (OrtTensor t in outs)
                {
                    t.Dispose();
                }

                _ = session.Classify(f.Data, 5);
                Assert.Throws<ArgumentException>(() => session.Run("input", new float[3], [1, 3]));
            }
        }

        Assert.Equal(before, LiveHandles.Total);
        Assert.All(Enum.GetValues<HandleKind>(), k => Assert.Equal(0, LiveHandles.Count(k)));
    }

    [Fact]
    public void Failed_loads_and_runs_leak_nothing()
    {
        OrtLibrary.EnsureLoaded();
        long before = LiveHandles.Total;
        byte[] good = File.ReadAllBytes(TestModels.Path("mlp.onnx"));
        for (int i = 0; i < 20; i++)
        {
            Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(good[..(good.Length / 3)]));
        }

        using (var session = new InferenceSession(TestModels.Path("gemm_k.onnx")))
        {
            for (int i = 0; i < 20; i++)
            {
                Assert.Throws<OnnxRuntimeException>(() => session.Run("x", new float[5], [1, 5]));
            }
        }

        Assert.Equal(before, LiveHandles.Total);
    }

    [Fact]
    public void Use_after_dispose_throws_ObjectDisposedException()
    {
        var f = TestModels.Expected("mlp.onnx");
        var session = new InferenceSession(TestModels.Path("mlp.onnx"));
        OrtTensor tensor = session.Run(f.Input, f.Data, f.Shape, "probabilities");
        session.Dispose();
        session.Dispose(); // idempotent

        // outputs own their memory: still readable after the session is gone
        Close.All(f.Outputs["probabilities"].Data, tensor.Data);
        tensor.Dispose();
        tensor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => tensor.Data.Length);
        Assert.Throws<ObjectDisposedException>(() => session.Run(f.Input, f.Data, f.Shape));
        Assert.Throws<ObjectDisposedException>(() => session.RunAll(f.Input, f.Data, f.Shape));
        Assert.Throws<ObjectDisposedException>(() => session.Predict(f.Data, 5));
        Assert.Equal("input", session.Inputs[0].Name); // metadata is managed and stays readable
    }

    [Fact]
    public async Task Dispose_during_concurrent_runs_never_crashes_or_leaks()
    {
        var f = TestModels.Expected("cnn.onnx");
        OrtLibrary.EnsureLoaded();
        long before = LiveHandles.Total;
        float[] reference;
        using (var s = new InferenceSession(TestModels.Path("cnn.onnx")))
        {
            reference = s.Predict(f.Data, 3);
        }

        int disposedCalls = 0;
        for (int round = 0; round < 5; round++)
        {
            var session = new InferenceSession(TestModels.Path("cnn.onnx"));
            int ok = 0, disposed = 0;
            var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                for (int i = 0; i < 200; i++)
                {
                    try
                    {
                        Assert.Equal(reference, session.Predict(f.Data, 3)); // a started run completes correctly
                        Interlocked.Increment(ref ok);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref disposed);
                    }
                }
            })).ToArray();
            await Task.Delay(5 + round * 5);
            session.Dispose();
            await Task.WhenAll(workers);
            Assert.Equal(800, ok + disposed);
            disposedCalls += disposed;
        }

        Assert.True(disposedCalls > 0, "the session should have been disposed while calls were still coming");

        Assert.Equal(before, LiveHandles.Total);
    }

    [Fact]
    public void Tensor_type_is_checked_when_reading()
    {
        using var session = new InferenceSession(TestModels.Path("cast_mul.onnx"));
        using OrtTensor t = session.Run("pixels", new byte[] { 2, 4, 6, 8 }, [1, 4]);
        Assert.Equal([1f, 2f, 3f, 4f], t.GetData<float>().ToArray());
        var e = Assert.Throws<InvalidOperationException>(() => t.GetData<byte>().Length);
        Assert.Equal("output 'scaled' is float32, it cannot be read as Byte.", e.Message);
        Assert.Equal("scaled: float32 [1, 4]", t.ToString());
    }

    [Fact]
    public void Session_options_validate_thread_count()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SessionOptions { IntraOpThreads = -3 });
        Assert.Equal("IntraOpThreads", e.ParamName);
        Assert.Equal(new SessionOptions { IntraOpThreads = 2 }, new SessionOptions { IntraOpThreads = 2 });
        Assert.Equal(OptimizationLevel.All, new SessionOptions().OptimizationLevel);

        var f = TestModels.Expected("cnn.onnx");
        foreach (OptimizationLevel level in Enum.GetValues<OptimizationLevel>())
        {
            using var session = new InferenceSession(TestModels.Path("cnn.onnx"), new SessionOptions { IntraOpThreads = 1, OptimizationLevel = level });
            Close.All(f.Outputs["probabilities"].Data, session.Predict(f.Data, 3));
        }
    }
}
