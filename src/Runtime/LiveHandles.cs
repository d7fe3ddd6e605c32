namespace NetForge.Runtime;

/// <summary>The kinds of native ONNX Runtime objects NetForge owns.</summary>
public enum HandleKind
{
    /// <summary><c>OrtSession</c>: one per <see cref="InferenceSession"/>.</summary>
    Session,

    /// <summary><c>OrtSessionOptions</c>: lives only while a session is created.</summary>
    SessionOptions,

    /// <summary><c>OrtValue</c>: run inputs (released after the call) and outputs (one per <see cref="OrtTensor"/>).</summary>
    Value,

    /// <summary><c>OrtTypeInfo</c>: read while a session loads its input/output metadata.</summary>
    TypeInfo,

    /// <summary><c>OrtTensorTypeAndShapeInfo</c>: read while an output's shape is taken.</summary>
    TensorInfo,

    /// <summary><c>OrtModelMetadata</c>: read once per session.</summary>
    ModelMetadata,
}

/// <summary>
/// Counts native ORT objects that are currently alive, per <see cref="HandleKind"/>. After every session and
/// tensor is disposed all counts return to zero; tests use this to prove nothing leaks. The process-wide
/// environment and CPU memory description (created once, never released) are not counted.
/// </summary>
public static class LiveHandles
{
    private static readonly long[] Counts = new long[Enum.GetValues<HandleKind>().Length];

    /// <summary>Number of live objects of one kind.</summary>
    public static long Count(HandleKind kind) => Interlocked.Read(ref Counts[(int)kind]);

    /// <summary>Number of live objects of all kinds.</summary>
    public static long Total
    {
        get
        {
            long total = 0;
            foreach (HandleKind kind in Enum.GetValues<HandleKind>())
            {
                total += Count(kind);
            }

            return total;
        }
    }

    internal static void Increment(HandleKind kind) => Interlocked.Increment(ref Counts[(int)kind]);

    internal static void Decrement(HandleKind kind) => Interlocked.Decrement(ref Counts[(int)kind]);
}
