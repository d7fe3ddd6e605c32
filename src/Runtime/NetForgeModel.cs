using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetForge.Runtime.Onnx;

namespace NetForge.Runtime;

/// <summary>One class and its probability, as <see cref="NetForgeModel.TopK(ReadOnlySpan{float}, int)"/> ranks them.</summary>
/// <param name="Class">The class index.</param>
/// <param name="Label">The class name (<see cref="ModelContract.Labels"/>).</param>
/// <param name="Probability">Its probability.</param>
public readonly record struct ClassScore(int Class, string Label, float Probability);

/// <summary>
/// A classifier in ONNX format, run by the official ONNX Runtime (<see cref="Session"/>), with its contract
/// (<see cref="Contract"/>: labels, input layout and type, scale, outputs, certificate) read once when it is opened.
/// NetForge exports and foreign classifiers (a PyTorch export: logits only, no metadata) open the same way.
/// </summary>
/// <remarks>
/// <para>Every Predict/Classify/TopK call may run on many threads at once. Outputs go straight into the caller's spans
/// through ORT's I/O binding of <see cref="OrtValue"/>s over the caller's memory; after the first call with the same
/// buffers and count, a call allocates no managed memory.</para>
/// <para>Samples are row-major, <see cref="ModelContract.SampleSize"/> values each. NetForge exports take raw values
/// (0–255 pixels): their input scale is inside the graph. A uint8 model takes bytes; a float32 model takes floats or
/// bytes (converted).</para>
/// <para><see cref="Dispose"/> must not race with calls in progress.</para>
/// </remarks>
/// <example>
/// <code>
/// using var model = NetForgeModel.Open("model.onnx");
/// int[] digits = model.Classify(pixels, count);            // pixels: count × 784 raw 0–255 values
/// ClassScore[] top = model.TopK(pixels.AsSpan(0, 784), 1, k: 3)[0];
/// </code>
/// </example>
public sealed unsafe class NetForgeModel : IDisposable
{
    private readonly RunOptions runOptions = new();
    private readonly ThreadLocal<Lane> lanes;
    private int disposed;

    private NetForgeModel(InferenceSession session, ModelContract contract, string source)
    {
        Session = session;
        Contract = contract;
        Source = source;
        lanes = new ThreadLocal<Lane>(() => new Lane(), trackAllValues: true);
    }

    private static readonly Lazy<string> Version = new(() => OrtEnv.Instance().GetVersionString());

    /// <summary>The ONNX Runtime version in use (the <c>Microsoft.ML.OnnxRuntime</c> package's native library), e.g. "1.32.0".</summary>
    /// <exception cref="ModelException">The native library cannot be loaded (<see cref="ModelErrorKind.RuntimeUnavailable"/>).</exception>
    public static string OnnxRuntimeVersion
    {
        get
        {
            try
            {
                return Version.Value;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException or OnnxRuntimeException)
            {
                throw new ModelException(ModelErrorKind.RuntimeUnavailable, "ONNX Runtime",
                    $"the native library of Microsoft.ML.OnnxRuntime cannot be loaded on this machine ({System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}): {(e.InnerException ?? e).Message} "
                    + "(the package carries it for linux-x64, linux-arm64, osx-arm64, win-x64 and win-arm64; publish for one of those runtime identifiers)", e);
            }
        }
    }

    /// <summary>The underlying ONNX Runtime session, for everything beyond classification (other outputs, run options, ...).</summary>
    public InferenceSession Session { get; }

    /// <summary>What the model promises: input, outputs, labels, scale, certificate, and what had to be inferred.</summary>
    public ModelContract Contract { get; }

    /// <summary>The model's path, or the name it was opened under from bytes; every error names it.</summary>
    public string Source { get; }

    /// <summary>Opens a model file.</summary>
    /// <param name="path">An .onnx file.</param>
    /// <param name="options">Session options; null for the defaults (<see cref="NetForgeModelOptions"/>).</param>
    /// <exception cref="ModelException">The file is missing, unreadable, not ONNX, truncated, corrupt, needs a newer ONNX Runtime, or is not a single-input classifier.</exception>
    public static NetForgeModel Open(string path, NetForgeModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new ModelException(ModelErrorKind.Unreadable, path, "is a folder, expected an .onnx model file");
        }

        if (!File.Exists(path))
        {
            throw new ModelException(ModelErrorKind.NotFound, path, "model file not found");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelException(ModelErrorKind.Unreadable, path, $"cannot read the model: {e.Message}", e);
        }

        // ORT loads from the path so that a model with external data files finds them.
        return Create(ModelScan.Read(bytes, path), path, o => new InferenceSession(path, o), options);
    }

    /// <summary>Opens a model from its serialized bytes (not needed after this returns).</summary>
    /// <param name="model">The ONNX ModelProto bytes.</param>
    /// <param name="options">Session options; null for the defaults.</param>
    /// <param name="name">How errors name the model (e.g. where the bytes came from).</param>
    /// <exception cref="ModelException">The bytes are not ONNX, truncated, corrupt, need a newer ONNX Runtime, or are not a single-input classifier.</exception>
    public static NetForgeModel Open(byte[] model, NetForgeModelOptions? options = null, string name = "model bytes")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Create(ModelScan.Read(model, name), name, o => new InferenceSession(model, o), options);
    }

    private static NetForgeModel Create(ModelScan scan, string source, Func<SessionOptions, InferenceSession> load, NetForgeModelOptions? options)
    {
        _ = OnnxRuntimeVersion; // a missing native library is named here, not as a type-initialiser failure
        InferenceSession session;
        using (SessionOptions native = (options ?? new NetForgeModelOptions()).Create())
        {
            try
            {
                session = load(native);
            }
            catch (OnnxRuntimeException e)
            {
                throw LoadError(e, scan, source);
            }
        }

        try
        {
            return new NetForgeModel(session, ModelContract.Read(session, scan, source), source);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static ModelException LoadError(OnnxRuntimeException e, ModelScan scan, string source)
    {
        string message = ModelException.TrimOrtMessage(e.Message);
        string code = ModelException.OrtCode(e) ?? "";
        bool version = message.Contains("opset", StringComparison.OrdinalIgnoreCase)
            || message.Contains("IR version", StringComparison.OrdinalIgnoreCase);
        if (version)
        {
            return new ModelException(ModelErrorKind.UnsupportedVersion, source,
                $"the model needs ONNX opset {scan.DefaultOpset} (IR version {scan.IrVersion}), which ONNX Runtime {OnnxRuntimeVersion} does not support: {message}", e);
        }

        return code == "NoSuchFile"
            ? new ModelException(ModelErrorKind.NotFound, source, message, e)
            : new ModelException(ModelErrorKind.Corrupt, source, $"corrupt: ONNX Runtime rejects the model: {message}", e);
    }

    /// <summary>Class probabilities of <paramref name="count"/> float samples, row-major <c>[count, classes]</c>.</summary>
    /// <exception cref="ModelException">The samples do not fit the input (<see cref="ModelErrorKind.InputMismatch"/>) or ORT fails (<see cref="ModelErrorKind.RunFailed"/>).</exception>
    public float[] Predict(ReadOnlySpan<float> samples, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new float[checked(count * Contract.Classes)];
        Predict(samples, count, result);
        return result;
    }

    /// <summary>Class probabilities of <paramref name="count"/> byte samples (raw 0–255 values), row-major <c>[count, classes]</c>.</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public float[] Predict(ReadOnlySpan<byte> samples, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new float[checked(count * Contract.Classes)];
        Predict(samples, count, result);
        return result;
    }

    /// <summary>Writes the class probabilities of <paramref name="count"/> float samples into <paramref name="probabilities"/> (its first count × classes values).</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public void Predict(ReadOnlySpan<float> samples, int count, Span<float> probabilities) =>
        Run(samples, count, probabilities, default, wantProbabilities: true, wantLogits: false);

    /// <summary>Writes the class probabilities of <paramref name="count"/> byte samples into <paramref name="probabilities"/>.</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public void Predict(ReadOnlySpan<byte> samples, int count, Span<float> probabilities) =>
        Run(samples, count, probabilities, default, wantProbabilities: true, wantLogits: false);

    /// <summary>Probabilities and logits of <paramref name="count"/> float samples in one run (the model needs a logits output).</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public void Predict(ReadOnlySpan<float> samples, int count, Span<float> probabilities, Span<float> logits) =>
        Run(samples, count, probabilities, logits, wantProbabilities: true, wantLogits: true);

    /// <summary>Probabilities and logits of <paramref name="count"/> byte samples in one run (the model needs a logits output).</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public void Predict(ReadOnlySpan<byte> samples, int count, Span<float> probabilities, Span<float> logits) =>
        Run(samples, count, probabilities, logits, wantProbabilities: true, wantLogits: true);

    /// <summary>The most probable class of each float sample (the first on ties).</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public int[] Classify(ReadOnlySpan<float> samples, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new int[count];
        Classify(samples, count, result);
        return result;
    }

    /// <summary>The most probable class of each byte sample (the first on ties).</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public int[] Classify(ReadOnlySpan<byte> samples, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new int[count];
        Classify(samples, count, result);
        return result;
    }

    /// <summary>Writes the most probable class of each float sample into <paramref name="classes"/>.</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public void Classify(ReadOnlySpan<float> samples, int count, Span<int> classes) => ClassifyCore(samples, count, classes);

    /// <summary>Writes the most probable class of each byte sample into <paramref name="classes"/>.</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public void Classify(ReadOnlySpan<byte> samples, int count, Span<int> classes) => ClassifyCore(samples, count, classes);

    /// <summary>The <paramref name="k"/> most probable classes of each float sample, most probable first (ties by class index).</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public ClassScore[][] TopK(ReadOnlySpan<float> samples, int count, int k) => TopKRows(Predict(samples, count), count, k);

    /// <summary>The <paramref name="k"/> most probable classes of each byte sample, most probable first (ties by class index).</summary>
    /// <inheritdoc cref="Predict(ReadOnlySpan{float}, int)" />
    public ClassScore[][] TopK(ReadOnlySpan<byte> samples, int count, int k) => TopKRows(Predict(samples, count), count, k);

    /// <summary>Ranks one row of probabilities: the <paramref name="k"/> largest, with their labels (ties by class index).</summary>
    /// <exception cref="ArgumentException">The row does not hold <see cref="ModelContract.Classes"/> values, or k is not in 1..classes.</exception>
    public ClassScore[] TopK(ReadOnlySpan<float> probabilities, int k)
    {
        int classes = Contract.Classes;
        if (probabilities.Length != classes)
        {
            throw new ArgumentException($"a row of probabilities has {classes} values, got {probabilities.Length}", nameof(probabilities));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, classes);
        var order = new int[classes];
        for (int i = 0; i < classes; i++)
        {
            order[i] = i;
        }

        float[] row = probabilities.ToArray();
        Array.Sort(order, (a, b) => row[b] != row[a] ? row[b].CompareTo(row[a]) : a.CompareTo(b));
        var top = new ClassScore[k];
        for (int i = 0; i < k; i++)
        {
            top[i] = new ClassScore(order[i], Contract.Labels[order[i]], row[order[i]]);
        }

        return top;
    }

    /// <summary>
    /// The index of the largest value: the first on ties, the first NaN if there is one (as <c>torch.argmax</c>).
    /// One argmax for NetForge: <see cref="System.Numerics.Tensors.TensorPrimitives.IndexOfMax{T}(ReadOnlySpan{T})"/>.
    /// </summary>
    public static int ArgMax(ReadOnlySpan<float> row) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);

    /// <summary>Releases the session and every ORT value NetForge bound for callers. Must not race with calls in progress.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        foreach (Lane lane in lanes.Values)
        {
            lane.Dispose();
        }

        lanes.Dispose();
        runOptions.Dispose();
        Session.Dispose();
    }

    private ClassScore[][] TopKRows(float[] probabilities, int count, int k)
    {
        int classes = Contract.Classes;
        var rows = new ClassScore[count][];
        for (int n = 0; n < count; n++)
        {
            rows[n] = TopK(probabilities.AsSpan(n * classes, classes), k);
        }

        return rows;
    }

    private void ClassifyCore<T>(ReadOnlySpan<T> samples, int count, Span<int> classes)
        where T : unmanaged
    {
        if (classes.Length < count)
        {
            throw Mismatch($"the classes buffer holds {classes.Length} values; {count} sample(s) need {count}");
        }

        // The argmax of the raw scores is the argmax of the probabilities: no softmax needed.
        int width = Contract.Classes;
        Lane lane = CurrentLane();
        Span<float> scores = lane.Scores(count * width);
        Run(samples, count, scores, default, wantProbabilities: true, wantLogits: false, rawScores: true);
        for (int n = 0; n < count; n++)
        {
            classes[n] = ArgMax(scores.Slice(n * width, width));
        }
    }

    private void Run<T>(ReadOnlySpan<T> samples, int count, Span<float> probabilities, Span<float> logits,
        bool wantProbabilities, bool wantLogits, bool rawScores = false)
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ModelContract c = Contract;
        bool bytes = typeof(T) == typeof(byte);
        if (!bytes && c.InputType == TensorElementType.UInt8)
        {
            throw Mismatch($"input '{c.InputName}' takes {c.InputDescription}; got float32 samples (pass bytes)");
        }

        long needIn = (long)count * c.SampleSize, needOut = (long)count * c.Classes;
        if (samples.Length != needIn)
        {
            throw Mismatch($"input '{c.InputName}' is {c.InputDescription}: {count} sample(s) need {needIn} values, got {samples.Length}");
        }

        if (wantProbabilities && probabilities.Length < needOut)
        {
            throw Mismatch($"the probabilities buffer holds {probabilities.Length} values; {count} sample(s) × {c.Classes} classes need {needOut}");
        }

        if (wantLogits && c.LogitsOutput is null)
        {
            throw new ModelException(ModelErrorKind.NotAClassifier, Source, $"the model has no logits output (its scores come from '{c.ScoresOutput}')");
        }

        if (wantLogits && logits.Length < needOut)
        {
            throw Mismatch($"the logits buffer holds {logits.Length} values; {count} sample(s) × {c.Classes} classes need {needOut}");
        }

        if (count == 0)
        {
            return;
        }

        Lane lane = CurrentLane();
        int batch = c.FixedBatch ?? count;
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            RunChunk(lane, samples.Slice(start * c.SampleSize, n * c.SampleSize), n, batch,
                wantProbabilities ? probabilities.Slice(start * c.Classes, n * c.Classes) : default,
                wantLogits ? logits.Slice(start * c.Classes, n * c.Classes) : default,
                wantProbabilities, wantLogits, rawScores);
        }
    }

    // One ORT run of `runBatch` samples (n real ones; a fixed-batch model's last chunk is padded with zeros).
    private void RunChunk<T>(Lane lane, ReadOnlySpan<T> samples, int n, int runBatch, Span<float> probabilities, Span<float> logits,
        bool wantProbabilities, bool wantLogits, bool rawScores)
        where T : unmanaged
    {
        ModelContract c = Contract;
        bool padded = n < runBatch;
        int values = runBatch * c.SampleSize, outValues = runBatch * c.Classes;

        // Input: the caller's memory, or a staging copy when it must be converted (bytes → float32) or padded.
        bool convert = typeof(T) == typeof(byte) && c.InputType == TensorElementType.Float;
        ReadOnlySpan<byte> input;
        if (convert)
        {
            Span<float> staged = lane.FloatInput(values);
            ReadOnlySpan<byte> raw = System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples);
            for (int i = 0; i < raw.Length; i++)
            {
                staged[i] = raw[i];
            }

            staged[raw.Length..].Clear();
            input = System.Runtime.InteropServices.MemoryMarshal.AsBytes(staged);
        }
        else if (padded)
        {
            Span<byte> staged = lane.ByteInput(values * Unsafe.SizeOf<T>());
            ReadOnlySpan<byte> raw = System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples);
            raw.CopyTo(staged);
            staged[raw.Length..].Clear();
            input = staged;
        }
        else
        {
            input = System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples);
        }

        // Outputs: the scores go into the probabilities span; logits into theirs (unless the scores are the logits).
        bool scoresAreLogits = c.Scores == ScoreKind.Logits;
        string? probName = wantProbabilities ? c.ScoresOutput : null;
        string? logitName = wantLogits && !(scoresAreLogits && wantProbabilities) ? c.LogitsOutput : null;
        Span<float> probTarget = padded && probName is not null ? lane.ProbabilitiesOut(outValues) : probabilities;
        Span<float> logitTarget = padded && logitName is not null ? lane.LogitsOut(outValues) : logits;

        fixed (byte* pin = input)
        fixed (float* pp = probTarget)
        fixed (float* pl = logitTarget)
        {
            OrtIoBinding binding = lane.Bind(this, (IntPtr)pin, input.Length, runBatch,
                probName, (IntPtr)pp, logitName, (IntPtr)pl);
            try
            {
                Session.RunWithBinding(runOptions, binding);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ModelException(ModelErrorKind.RunFailed, Source,
                    $"ONNX Runtime failed while running the model: {ModelException.TrimOrtMessage(e.Message)}", e);
            }
        }

        if (padded)
        {
            if (probName is not null)
            {
                probTarget[..(n * c.Classes)].CopyTo(probabilities);
            }

            if (logitName is not null)
            {
                logitTarget[..(n * c.Classes)].CopyTo(logits);
            }
        }

        if (wantLogits && logitName is null)
        {
            probabilities.CopyTo(logits); // the scores were the logits
        }

        if (wantProbabilities && !rawScores)
        {
            ToProbabilities(probabilities, c.Classes, c.Scores);
        }
    }

    private static void ToProbabilities(Span<float> scores, int classes, ScoreKind kind)
    {
        if (kind == ScoreKind.Probabilities)
        {
            return;
        }

        for (int row = 0; row < scores.Length; row += classes)
        {
            Span<float> r = scores.Slice(row, classes);
            if (kind == ScoreKind.LogProbabilities)
            {
                for (int i = 0; i < r.Length; i++)
                {
                    r[i] = MathF.Exp(r[i]);
                }

                continue;
            }

            float max = float.NegativeInfinity;
            foreach (float v in r)
            {
                max = MathF.Max(max, v);
            }

            double sum = 0;
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = MathF.Exp(r[i] - max);
                sum += r[i];
            }

            float inv = (float)(1.0 / sum);
            for (int i = 0; i < r.Length; i++)
            {
                r[i] *= inv;
            }
        }
    }

    private Lane CurrentLane()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        return lanes.Value!;
    }

    private ModelException Mismatch(string detail) => new(ModelErrorKind.InputMismatch, Source, detail);

    /// <summary>
    /// One thread's ORT bindings and staging buffers. A binding ties ORT values to fixed addresses (the caller's pinned
    /// span or a staging buffer) and a batch size; the same addresses and size reuse it, so a steady caller allocates
    /// nothing. Staging buffers are pinned arrays that grow and keep their address between calls.
    /// </summary>
    private sealed class Lane : IDisposable
    {
        private const int Slots = 8;
        private readonly Binding?[] bindings = new Binding?[Slots];
        private int next;
        private float[] floatInput = [];
        private byte[] byteInput = [];
        private float[] probabilitiesOut = [];
        private float[] logitsOut = [];
        private float[] scores = [];

        public Span<float> FloatInput(int n) => Grow(ref floatInput, n);

        public Span<byte> ByteInput(int n) => Grow(ref byteInput, n);

        public Span<float> ProbabilitiesOut(int n) => Grow(ref probabilitiesOut, n);

        public Span<float> LogitsOut(int n) => Grow(ref logitsOut, n);

        public Span<float> Scores(int n) => Grow(ref scores, n);

        public OrtIoBinding Bind(NetForgeModel model, IntPtr input, int inputBytes, int batch,
            string? probName, IntPtr prob, string? logitName, IntPtr logit)
        {
            for (int i = 0; i < Slots; i++)
            {
                Binding? b = bindings[i];
                if (b is not null && b.Input == input && b.InputBytes == inputBytes && b.Batch == batch
                    && ReferenceEquals(b.ProbName, probName) && b.Prob == prob && ReferenceEquals(b.LogitName, logitName) && b.Logit == logit)
                {
                    return b.IoBinding;
                }
            }

            var created = new Binding(model, input, inputBytes, batch, probName, prob, logitName, logit);
            bindings[next]?.Dispose();
            bindings[next] = created;
            next = (next + 1) % Slots;
            return created.IoBinding;
        }

        public void Dispose()
        {
            for (int i = 0; i < Slots; i++)
            {
                bindings[i]?.Dispose();
                bindings[i] = null;
            }
        }

        private static Span<T> Grow<T>(ref T[] buffer, int n)
            where T : unmanaged
        {
            if (buffer.Length < n)
            {
                buffer = GC.AllocateUninitializedArray<T>(Math.Max(n, buffer.Length * 2), pinned: true);
            }

            return buffer.AsSpan(0, n);
        }
    }

    private sealed class Binding : IDisposable
    {
        private readonly OrtValue inputValue;
        private readonly OrtValue? probValue;
        private readonly OrtValue? logitValue;

        public Binding(NetForgeModel model, IntPtr input, int inputBytes, int batch, string? probName, IntPtr prob, string? logitName, IntPtr logit)
        {
            (Input, InputBytes, Batch, ProbName, Prob, LogitName, Logit) = (input, inputBytes, batch, probName, prob, logitName, logit);
            ModelContract c = model.Contract;
            long[] inShape = [batch, .. c.SampleShape.Select(d => (long)d)];
            long[] outShape = [batch, c.Classes];
            long outBytes = (long)batch * c.Classes * sizeof(float);
            var info = OrtMemoryInfo.DefaultInstance;
            try
            {
                inputValue = OrtValue.CreateTensorValueWithData(info, c.InputType, inShape, input, inputBytes);
                IoBinding = model.Session.CreateIoBinding();
                IoBinding.BindInput(c.InputName, inputValue);
                if (probName is not null)
                {
                    probValue = OrtValue.CreateTensorValueWithData(info, TensorElementType.Float, outShape, prob, outBytes);
                    IoBinding.BindOutput(probName, probValue);
                }

                if (logitName is not null)
                {
                    logitValue = OrtValue.CreateTensorValueWithData(info, TensorElementType.Float, outShape, logit, outBytes);
                    IoBinding.BindOutput(logitName, logitValue);
                }
            }
            catch (OnnxRuntimeException e)
            {
                Dispose();
                throw new ModelException(ModelErrorKind.RunFailed, model.Source,
                    $"ONNX Runtime cannot bind the buffers: {ModelException.TrimOrtMessage(e.Message)}", e);
            }
        }

        public IntPtr Input { get; }

        public int InputBytes { get; }

        public int Batch { get; }

        public string? ProbName { get; }

        public IntPtr Prob { get; }

        public string? LogitName { get; }

        public IntPtr Logit { get; }

        public OrtIoBinding IoBinding { get; } = null!;

        public void Dispose()
        {
            IoBinding?.Dispose();
            inputValue?.Dispose();
            probValue?.Dispose();
            logitValue?.Dispose();
        }
    }
}
