namespace NetForge.Runtime.Tests;

/// <summary>Disposal, leaks (file descriptors and native memory over open/run/dispose loops) and allocations per call.</summary>
[Collection(SerialCollection.Name)]
public sealed class LifetimeTests
{
    [Fact]
    public void Open_run_dispose_loops_leak_neither_descriptors_nor_memory()
    {
        var f = TestModels.Expected("mlp.onnx");
        byte[] cnn = File.ReadAllBytes(TestModels.Path("cnn.onnx"));
        void Cycle(int i)
        {
            using var model = i % 2 == 0 ? NetForgeModel.Open(TestModels.Path("mlp.onnx")) : NetForgeModel.Open(cnn);
            if (i % 2 == 0)
            {
                _ = model.Predict(f.Data, 5);
                _ = model.Classify(f.Data, 5);
                Assert.Throws<ModelException>(() => model.Predict(new float[3], 1));
            }

            Assert.Throws<ModelException>(() => NetForgeModel.Open(cnn[..(cnn.Length / 3)]));
        }

        for (int i = 0; i < 20; i++)
        {
            Cycle(i); // warm up ORT's arenas and thread pools
        }

        Settle();
        int fdBefore = OpenDescriptors();
        long rssBefore = Rss();
        for (int i = 0; i < 200; i++)
        {
            Cycle(i);
        }

        Settle();
        Assert.Equal(fdBefore, OpenDescriptors());
        long grown = Rss() - rssBefore;
        // A leaked session is ~0.1-1 MB of native memory (weights, arena); 200 of them would show as tens of MB.
        Assert.True(grown < 24L << 20, $"resident memory grew by {grown / 1024} KB over 200 open/run/dispose cycles");
    }

    [Fact]
    public void Calls_after_dispose_throw_and_dispose_twice_is_fine()
    {
        var model = NetForgeModel.Open(TestModels.Path("mlp.onnx"));
        _ = model.Predict(new float[784], 1);
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Predict(new float[784], 1));
        Assert.Throws<ObjectDisposedException>(() => model.Classify(new byte[784], 1));
    }

    [Fact]
    public void Predict_with_caller_owned_buffers_allocates_nothing_after_warm_up()
    {
        var f = TestModels.Expected("cnn.onnx");
        using var model = NetForgeModel.Open(TestModels.Path("cnn.onnx"), new NetForgeModelOptions { IntraOpThreads = 1 });
        float[] input = f.Data;
        byte[] pixels = [.. input.Select(v => (byte)v)];
        var probabilities = new float[30];
        var logitsModel = NetForgeModel.Open(TestModels.Path("mlp.onnx"), new NetForgeModelOptions { IntraOpThreads = 1 });
        var mlpIn = TestModels.Expected("mlp.onnx").Data;
        var p = new float[50];
        var l = new float[50];
        var classes = new int[3];
        try
        {
            void Calls()
            {
                model.Predict(input, 3, probabilities);
                model.Predict(pixels, 3, probabilities);
                model.Classify(pixels, 3, classes);
                logitsModel.Predict(mlpIn, 5, p, l);
            }

            for (int i = 0; i < 50; i++)
            {
                Calls();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                Calls();
            }

            long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 800;
            Assert.Equal(0, perCall);
        }
        finally
        {
            logitsModel.Dispose();
        }
    }

    private static void Settle()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    private static long Rss()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("/proc/self/status has no VmRSS line");
    }
}
