using System.Runtime.InteropServices;
using NetForge.Runtime.Native;

namespace NetForge.Runtime;

/// <summary>
/// An ONNX model loaded into ONNX Runtime (CPU). Input/output metadata and model metadata are read once at
/// construction. <see cref="Run(string, ReadOnlySpan{float}, ReadOnlySpan{long}, string?)"/> and the helpers
/// may be called from several threads at once; <see cref="Dispose"/> must not race with them (a call that
/// has started keeps the native session alive until it returns).
/// </summary>
/// <example>
/// <code>
/// using var session = new InferenceSession("mnist.onnx");
/// int[] digits = session.Classify(pixels, count);   // pixels: count * 784 raw 0-255 values
/// </code>
/// </example>
public sealed unsafe class InferenceSession : IDisposable
{
    private readonly OrtApiTable api;
    private readonly SessionHandle session;
    private readonly IntPtr[] inputNames;   // zero-terminated UTF-8 in session.NameBlock
    private readonly IntPtr[] outputNames;

    /// <summary>Loads a model file.</summary>
    /// <param name="modelPath">Path to an .onnx file.</param>
    /// <param name="options">Session options; null for the defaults.</param>
    /// <exception cref="OnnxRuntimeException">The file is missing or not a valid model, or ONNX Runtime is unavailable.</exception>
    public InferenceSession(string modelPath, SessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        api = OrtLibrary.Api;
        using (SessionOptionsHandle native = api.CreateSessionOptions(options ?? new SessionOptions()))
        {
            session = api.CreateSession(OrtLibrary.Env, modelPath, native);
        }

        (Inputs, Outputs, ModelMetadata, inputNames, outputNames) = ReadMetadata();
    }

    /// <summary>Loads a model from its serialized bytes (the bytes are not needed after the constructor returns).</summary>
    /// <param name="model">The ONNX ModelProto bytes.</param>
    /// <param name="options">Session options; null for the defaults.</param>
    /// <exception cref="OnnxRuntimeException">The bytes are not a valid model, or ONNX Runtime is unavailable.</exception>
    public InferenceSession(ReadOnlySpan<byte> model, SessionOptions? options = null)
    {
        if (model.IsEmpty)
        {
            throw new OnnxRuntimeException(ErrorCode.InvalidProtobuf, "The model is empty (0 bytes).");
        }

        api = OrtLibrary.Api;
        using (SessionOptionsHandle native = api.CreateSessionOptions(options ?? new SessionOptions()))
        {
            session = api.CreateSession(OrtLibrary.Env, model, native);
        }

        (Inputs, Outputs, ModelMetadata, inputNames, outputNames) = ReadMetadata();
    }

    /// <summary>The model inputs, in graph order.</summary>
    public IReadOnlyList<NodeInfo> Inputs { get; }

    /// <summary>The model outputs, in graph order.</summary>
    public IReadOnlyList<NodeInfo> Outputs { get; }

    /// <summary>Producer, graph name, domain, description, version and custom metadata_props of the model.</summary>
    public ModelMetadata ModelMetadata { get; }

    private (IReadOnlyList<NodeInfo> Inputs, IReadOnlyList<NodeInfo> Outputs, ModelMetadata Meta, IntPtr[] InNames, IntPtr[] OutNames) ReadMetadata()
    {
        try
        {
            IntPtr s = session.DangerousGetHandle();
            var inputs = new NodeInfo[api.InputCount(s)];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = api.NodeInfo(s, i, input: true);
            }

            var outputs = new NodeInfo[api.OutputCount(s)];
            for (int i = 0; i < outputs.Length; i++)
            {
                outputs[i] = api.NodeInfo(s, i, input: false);
            }

            ModelMetadata meta = api.ModelMetadata(s);

            // Cache every name once in native memory, as Run passes them on every call.
            byte[][] encoded = [.. inputs.Select(n => OrtApiTable.Utf8Z(n.Name)), .. outputs.Select(n => OrtApiTable.Utf8Z(n.Name))];
            IntPtr block = Marshal.AllocHGlobal(Math.Max(1, encoded.Sum(e => e.Length)));
            session.NameBlock = block;
            var pointers = new IntPtr[encoded.Length];
            int offset = 0;
            for (int i = 0; i < encoded.Length; i++)
            {
                pointers[i] = block + offset;
                Marshal.Copy(encoded[i], 0, pointers[i], encoded[i].Length);
                offset += encoded[i].Length;
            }

            return (Array.AsReadOnly(inputs), Array.AsReadOnly(outputs), meta, pointers[..inputs.Length], pointers[inputs.Length..]);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on one float32 input and returns one output (the caller disposes it).
    /// </summary>
    /// <param name="inputName">The input to feed; the model must need no other input.</param>
    /// <param name="input">The values, row-major, <c>product(shape)</c> of them.</param>
    /// <param name="shape">The input shape, e.g. <c>[count, 784]</c>; checked against <see cref="Inputs"/> before ORT is called.</param>
    /// <param name="outputName">The output to return; null for the first output.</param>
    /// <exception cref="ArgumentException">Unknown input/output name, wrong element type, a shape that does not fit the model, or a length that does not match the shape.</exception>
    /// <exception cref="OnnxRuntimeException">ORT failed while running.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public OrtTensor Run(string inputName, ReadOnlySpan<float> input, ReadOnlySpan<long> shape, string? outputName = null)
        => RunOne(inputName, MemoryMarshal.AsBytes(input), input.Length, TensorElementType.Float, shape, outputName);

    /// <summary>Runs the model on one uint8 input and returns one output (the caller disposes it).</summary>
    /// <inheritdoc cref="Run(string, ReadOnlySpan{float}, ReadOnlySpan{long}, string?)" />
    public OrtTensor Run(string inputName, ReadOnlySpan<byte> input, ReadOnlySpan<long> shape, string? outputName = null)
        => RunOne(inputName, input, input.Length, TensorElementType.UInt8, shape, outputName);

    /// <summary>Runs the model on one float32 input and returns every output, in <see cref="Outputs"/> order (the caller disposes each).</summary>
    /// <inheritdoc cref="Run(string, ReadOnlySpan{float}, ReadOnlySpan{long}, string?)" />
    public OrtTensor[] RunAll(string inputName, ReadOnlySpan<float> input, ReadOnlySpan<long> shape)
        => RunCore(InputIndex(inputName, TensorElementType.Float, shape, input.Length), MemoryMarshal.AsBytes(input),
            TensorElementType.Float, shape, AllOutputs());

    /// <summary>Runs the model on one uint8 input and returns every output, in <see cref="Outputs"/> order (the caller disposes each).</summary>
    /// <inheritdoc cref="Run(string, ReadOnlySpan{float}, ReadOnlySpan{long}, string?)" />
    public OrtTensor[] RunAll(string inputName, ReadOnlySpan<byte> input, ReadOnlySpan<long> shape)
        => RunCore(InputIndex(inputName, TensorElementType.UInt8, shape, input.Length), input,
            TensorElementType.UInt8, shape, AllOutputs());

    /// <summary>
    /// Class probabilities for a batch: the model's single input gets <paramref name="count"/> samples (its first
    /// dimension becomes <paramref name="count"/>, the others must be fixed in the model); returns the output named
    /// "probabilities" if there is one, else the first output, as a row-major <c>[count, classes]</c> array.
    /// </summary>
    /// <param name="samples">count × per-sample values, e.g. raw 0–255 pixels for NetForge models.</param>
    /// <param name="count">Number of samples.</param>
    /// <exception cref="InvalidOperationException">The model does not have exactly one float32 input with a leading batch dimension and fixed other dimensions.</exception>
    /// <exception cref="ArgumentException"><paramref name="samples"/> does not hold <paramref name="count"/> samples.</exception>
    public float[] Predict(ReadOnlySpan<float> samples, int count)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (Inputs.Count != 1 || !Inputs[0].IsTensor || Inputs[0].Dimensions.Count == 0)
        {
            throw new InvalidOperationException(
                $"Predict needs a model with one tensor input with a batch dimension; this one has: {string.Join("; ", Inputs)}.");
        }

        NodeInfo input = Inputs[0];
        if (input.ElementType != TensorElementType.Float)
        {
            throw new InvalidOperationException(
                $"Predict feeds float32 samples, but input '{input.Name}' is {input.TypeAndShape}; use Run with a matching element type.");
        }

        Span<long> shape = stackalloc long[input.Dimensions.Count];
        shape[0] = count;
        long perSample = 1;
        for (int i = 1; i < shape.Length; i++)
        {
            shape[i] = input.Dimensions[i];
            if (shape[i] < 0)
            {
                throw new InvalidOperationException(
                    $"Predict needs every non-batch dimension of input '{input.Name}' to be fixed; it is {input.TypeAndShape}.");
            }

            perSample *= shape[i];
        }

        if (samples.Length != count * perSample)
        {
            throw new ArgumentException(
                $"{count} samples of input '{input.Name}' ({input.TypeAndShape}) need {count * perSample} values, got {samples.Length}.",
                nameof(samples));
        }

        string output = Outputs.Any(o => o.Name == "probabilities") ? "probabilities" : Outputs[0].Name;
        using OrtTensor result = Run(input.Name, samples, shape, output);
        return result.ToArray();
    }

    /// <summary>The most probable class of each sample (first one on ties); see <see cref="Predict"/>.</summary>
    /// <inheritdoc cref="Predict" />
    public int[] Classify(ReadOnlySpan<float> samples, int count)
    {
        float[] probabilities = Predict(samples, count);
        int classes = probabilities.Length / count;
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> row = probabilities.AsSpan(n * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            labels[n] = best;
        }

        return labels;
    }

    /// <summary>Releases the native session. Tensors returned earlier stay valid until they are disposed.</summary>
    public void Dispose() => session.Dispose();

    private OrtTensor RunOne(string inputName, ReadOnlySpan<byte> bytes, int length, TensorElementType type, ReadOnlySpan<long> shape, string? outputName)
    {
        int inputIndex = InputIndex(inputName, type, shape, length);
        int outputIndex = outputName is null ? 0 : OutputIndex(outputName);
        return RunCore(inputIndex, bytes, type, shape, [outputIndex])[0];
    }

    private int[] AllOutputs() => [.. Enumerable.Range(0, Outputs.Count)];

    private OrtTensor[] RunCore(int inputIndex, ReadOnlySpan<byte> bytes, TensorElementType type, ReadOnlySpan<long> shape, int[] outputIndices)
    {
        bool added = false;
        session.DangerousAddRef(ref added); // keeps session and cached names alive for this call
        try
        {
            int n = outputIndices.Length;
            IntPtr* outNames = stackalloc IntPtr[n];
            IntPtr* outValues = stackalloc IntPtr[n];
            for (int i = 0; i < n; i++)
            {
                outNames[i] = outputNames[outputIndices[i]];
                outValues[i] = IntPtr.Zero;
            }

            IntPtr inName = inputNames[inputIndex];
            byte dummy = 0;
            fixed (byte* data = bytes)
            {
                // CreateTensorWithDataAsOrtValue wants a non-null pointer even for zero elements.
                using ValueHandle inputValue = api.CreateTensor(OrtLibrary.CpuMemoryInfo, data == null ? &dummy : data,
                    (nuint)bytes.Length, shape, type);
                IntPtr inValue = inputValue.DangerousGetHandle();
                api.Run(session.DangerousGetHandle(), &inName, &inValue, 1, outNames, n, outValues);
            }

            var handles = new ValueHandle?[n];
            for (int i = 0; i < n; i++)
            {
                handles[i] = new ValueHandle(outValues[i], api); // owned from here on
            }

            if (Array.Exists(handles, h => h!.IsInvalid))
            {
                Array.ForEach(handles, h => h!.Dispose());
                throw new OnnxRuntimeException(ErrorCode.Fail, "ONNX Runtime returned no value for a requested output.");
            }

            var result = new OrtTensor[n];
            try
            {
                for (int i = 0; i < n; i++)
                {
                    result[i] = new OrtTensor(Outputs[outputIndices[i]].Name, handles[i]!, api);
                    handles[i] = null;
                }
            }
            catch
            {
                foreach (ValueHandle? h in handles)
                {
                    h?.Dispose();
                }

                foreach (OrtTensor? t in result)
                {
                    t?.Dispose();
                }

                throw;
            }

            return result;
        }
        finally
        {
            if (added)
            {
                session.DangerousRelease();
            }
        }
    }

    private int InputIndex(string inputName, TensorElementType type, ReadOnlySpan<long> shape, int length)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(inputName);
        int index = -1;
        for (int i = 0; i < Inputs.Count; i++)
        {
            if (Inputs[i].Name == inputName)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw new ArgumentException(
                $"model has no input '{inputName}'; its inputs are: {string.Join("; ", Inputs)}.", nameof(inputName));
        }

        NodeInfo info = Inputs[index];
        string got = type.DisplayName() + " " + NodeInfo.Format(shape);
        bool fits = info.IsTensor && info.ElementType == type && info.Dimensions.Count == shape.Length;
        for (int i = 0; fits && i < shape.Length; i++)
        {
            fits = shape[i] >= 0 && (info.Dimensions[i] < 0 || info.Dimensions[i] == shape[i]);
        }

        if (!fits)
        {
            throw new ArgumentException(
                $"input '{info.Name}' expects {info.TypeAndShape}, got {(info.ElementType == type ? NodeInfo.Format(shape) : got)}.",
                nameof(shape));
        }

        long elements = 1;
        foreach (long d in shape)
        {
            elements *= d;
        }

        if (elements != length)
        {
            throw new ArgumentException(
                $"input '{info.Name}' has shape {NodeInfo.Format(shape)} = {elements} elements, but {length} values were given.",
                nameof(shape));
        }

        return index;
    }

    private int OutputIndex(string outputName)
    {
        for (int i = 0; i < Outputs.Count; i++)
        {
            if (Outputs[i].Name == outputName)
            {
                return i;
            }
        }

        throw new ArgumentException(
            $"model has no output '{outputName}'; its outputs are: {string.Join("; ", Outputs)}.", nameof(outputName));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(session.IsClosed, this);
}
