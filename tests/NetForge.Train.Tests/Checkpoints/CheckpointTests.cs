using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using NetForge.Spec.Graph;
using NetForge.Train.Checkpoints;
using NetForge.Engine.Optimizers;
using NetForge.Engine.Tensors;
using NetForge.Train.Tests.Training;

namespace NetForge.Train.Tests.Checkpoints;

public class CheckpointTests
{
    private static ParameterStore Store()
    {
        var store = new ParameterStore(
        [
            new ParamSpec("layers.0.weight", "weight", new Shape(4, 3, 2, 2), Initializer.GlorotUniform),
            new ParamSpec("layers.0.bias", "bias", new Shape(4), Initializer.Zeros),
            new ParamSpec("layers.1.moving_mean", "moving_mean", new Shape(4), Initializer.Zeros, Trainable: false),
        ]);
        store.Initialize(5);
        store.Value("layers.1.moving_mean").Fill(0.5f);
        return store;
    }

    private static CheckpointState State(int epochs = 3) => new()
    {
        EpochsCompleted = epochs,
        GlobalStep = 42,
        LearningRate = 0.001,
        Seed = 7,
        SpecSha256 = new string('a', 64),
        Optimizer = "adam",
        EarlyStopping = new EarlyStoppingState(double.PositiveInfinity, 1, 2, false),
        Plateau = new NetForge.Train.Schedules.PlateauState(0.25, 1, 0, 0.5),
    };

    private static Optimizer SteppedAdam(ParameterStore store)
    {
        var adam = Optimizer.Create(new AdamSpec(0.01, 0.9, 0.999, 1e-7, Amsgrad: true), store);
        for (int i = 0; i < store.Count; i++) store.Grads[i] = MathF.Sin(i);
        adam.Step(0.01f);
        adam.Step(0.01f);
        return adam;
    }

    [Fact]
    public void RoundTripGivesIdenticalBuffersAndState()
    {
        using var tmp = RepoPaths.NewTemp();
        var store = Store();
        var adam = SteppedAdam(store);
        var best = store.Values.Select(v => v * 2).ToArray();
        SaveStore(tmp.Path, State(), store, adam, best);

        var (state, tensors, path) = RunCheckpoints.LoadLatest(tmp.Path);
        Assert.EndsWith(RunCheckpoints.Latest, path);
        Assert.Equal(State(), state with { OptimizerState = State().OptimizerState });
        var store2 = Store();
        store2.Values.AsSpan().Clear();
        var adam2 = Optimizer.Create(new AdamSpec(0.01, 0.9, 0.999, 1e-7, Amsgrad: true), store2);
        var best2 = new float[store2.Count];
        RestoreStore(path, tensors, store2, adam2, best2);
        Assert.Equal(store.Values, store2.Values);
        Assert.Equal(adam.State.ToArray(), adam2.State.ToArray());
        Assert.Equal(best, best2);
        Assert.Equal([4, 3, 2, 2], tensors["layers.0.weight"].Shape);
        Assert.Equal([store.Count], tensors["optimizer.max_exp_avg_sq"].Shape);
    }

    [Fact]
    public void FileIsStandardSafetensors()
    {
        using var tmp = RepoPaths.NewTemp();
        var store = Store();
        SaveStore(tmp.Path, State(), store, null, null);
        var bytes = File.ReadAllBytes(Path.Combine(tmp.Path, RunCheckpoints.Latest));
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, n))!.AsObject();
        Assert.Equal(Checkpoint.FormatName, header["__metadata__"]!["format"]!.GetValue<string>());
        var bias = header["layers.0.bias"]!;
        Assert.Equal("F32", bias["dtype"]!.GetValue<string>());
        long begin = bias["data_offsets"]![0]!.GetValue<long>();
        Assert.Equal(store.Value("layers.0.bias").ToArray(), Enumerable.Range(0, 4).Select(i => BitConverter.ToSingle(bytes, 8 + n + (int)begin + 4 * i)).ToArray());
        Assert.Equal(bytes.Length, 8 + n + 4 * store.Count);
    }

    [Fact]
    public void TruncationIsDetectedAndNamesTheFile()
    {
        using var tmp = RepoPaths.NewTemp();
        string path = Path.Combine(tmp.Path, "c.safetensors");
        Checkpoint.Save(path, State(), Tensors(Store()));
        var bytes = File.ReadAllBytes(path);
        foreach (int length in new[] { 0, 5, 20, bytes.Length - 1 })
        {
            File.WriteAllBytes(path, bytes[..length]);
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("truncated", e.Message);
        }
        File.WriteAllBytes(path, [.. bytes, 0]);
        Assert.Contains("1 unexpected bytes after the tensor data", Assert.Throws<CheckpointException>(() => Checkpoint.Load(path)).Message);
    }

    [Fact]
    public void EveryBitFlipIsDetected()
    {
        using var tmp = RepoPaths.NewTemp();
        string path = Path.Combine(tmp.Path, "c.safetensors");
        Checkpoint.Save(path, State(), Tensors(Store()));
        var good = File.ReadAllBytes(path);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(good);
        // Every byte of the tensor data, and a stride through the header (whitespace padding excepted).
        var positions = Enumerable.Range(headerEnd, good.Length - headerEnd).Concat(Enumerable.Range(0, headerEnd).Where(i => i % 3 == 0 && good[i] != (byte)' '));
        foreach (int i in positions)
        {
            var bad = (byte[])good.Clone();
            bad[i] ^= 0x10;
            File.WriteAllBytes(path, bad);
            var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(path));
            Assert.StartsWith(path, e.Message);
        }
    }

    [Fact]
    public void AFailingWriteLeavesTheOldFile()
    {
        using var tmp = RepoPaths.NewTemp();
        string path = Path.Combine(tmp.Path, "c.safetensors");
        Checkpoint.Save(path, State(1), Tensors(Store()));
        var before = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => Checkpoint.Save(path, State(2), Tensors(Store()), s => new FailingStream(s, failAfter: 100)));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(1, Checkpoint.Load(path).State.EpochsCompleted);
        Assert.Single(Directory.GetFiles(tmp.Path));   // no temporary left behind
    }

    [Fact]
    public void LoadLatestFallsBackToPrevious()
    {
        using var tmp = RepoPaths.NewTemp();
        var store = Store();
        SaveStore(tmp.Path, State(1), store, null, null);
        SaveStore(tmp.Path, State(2), store, null, null);
        string latest = Path.Combine(tmp.Path, RunCheckpoints.Latest);
        var bytes = File.ReadAllBytes(latest);
        bytes[^3] ^= 1;
        File.WriteAllBytes(latest, bytes);
        var warnings = new List<string>();
        var (state, _, path) = RunCheckpoints.LoadLatest(tmp.Path, warnings.Add);
        Assert.Equal(1, state.EpochsCompleted);
        Assert.EndsWith(RunCheckpoints.Previous, path);
        Assert.Contains(warnings, w => w.Contains("SHA-256 mismatch") && w.Contains(latest));
    }

    [Fact]
    public void RestoreRejectsAnotherNetwork()
    {
        using var tmp = RepoPaths.NewTemp();
        SaveStore(tmp.Path, State(), Store(), null, null);
        var other = new ParameterStore([new ParamSpec("layers.0.weight", "weight", new Shape(4, 3, 3, 3), Initializer.Zeros)]);
        var e = Assert.Throws<CheckpointException>(() => LoadInto(tmp.Path, other));
        Assert.Contains("shape mismatch, expected [4, 3, 3, 3], got [4, 3, 2, 2]", e.Message);
    }

    /// <summary>What the engine's checkpoint tensors are: every slice, every optimizer section, best weights (no copies).</summary>
    private static void SaveStore(string dir, CheckpointState state, ParameterStore store, Optimizer? optimizer, float[]? best)
    {
        var tensors = store.Slices.Select(s => new NamedTensor(s.Path, s.Spec.Shape.ToArray(), store.Values.AsMemory(s.Offset, s.Length))).ToList();
        if (optimizer is not null)
            tensors.AddRange(optimizer.StateNames.Select((n, i) => new NamedTensor(RunCheckpoints.OptimizerPrefix + n, [store.Count], optimizer.StateMemory(i))));
        if (best is not null)
            tensors.AddRange(store.Slices.Select(s => new NamedTensor(RunCheckpoints.BestPrefix + s.Path, s.Spec.Shape.ToArray(), best.AsMemory(s.Offset, s.Length))));
        RunCheckpoints.Save(dir, state, tensors);
    }

    private static void RestoreStore(string path, IReadOnlyDictionary<string, CheckpointTensor> tensors, ParameterStore store, Optimizer optimizer, float[] best)
    {
        foreach (var s in store.Slices)
        {
            RunCheckpoints.Copy(path, tensors, s.Path, s.Spec.Shape.ToArray(), store.Value(s));
            RunCheckpoints.Copy(path, tensors, RunCheckpoints.BestPrefix + s.Path, s.Spec.Shape.ToArray(), best.AsSpan(s.Offset, s.Length));
        }
        for (int i = 0; i < optimizer.StateNames.Count; i++)
            RunCheckpoints.Copy(path, tensors, RunCheckpoints.OptimizerPrefix + optimizer.StateNames[i], [store.Count], optimizer.StateSection(i));
    }

    private static void LoadInto(string dir, ParameterStore store)
    {
        var (_, tensors, path) = RunCheckpoints.LoadLatest(dir);
        foreach (var s in store.Slices) RunCheckpoints.Copy(path, tensors, s.Path, s.Spec.Shape.ToArray(), store.Value(s));
    }

    private static List<(string, int[], ReadOnlyMemory<float>)> Tensors(ParameterStore store) =>
        store.Slices.Select(s => (s.Path, s.Spec.Shape.ToArray(), (ReadOnlyMemory<float>)store.Values.AsMemory(s.Offset, s.Length))).ToList();

    private sealed class FailingStream(Stream inner, int failAfter) : Stream
    {
        private long _written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfter) throw new IOException("disk full (simulated)");
            _written += buffer.Length;
            inner.Write(buffer);
        }
    }
}
