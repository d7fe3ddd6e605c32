using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace NetForge.Runtime.Native;

/// <summary>
/// The slice of the ONNX Runtime C API (<c>OrtApi</c>, API version 30 = ORT 1.30) that NetForge calls.
/// Each field is pointer slot <i>i</i> of the table returned by <c>OrtGetApiBase()->GetApi(30)</c>;
/// slots are counted in the order of <c>struct OrtApi</c> in <c>onnxruntime_c_api.h</c> and only ever get
/// appended, so the indices stay valid on later versions. Slots that are not in the team's proven list
/// are proven by tests that read back known values (MetadataTests in NetForge.Runtime.Tests).
/// </summary>
/// <remarks>
/// The raw function pointers are private: every call goes through a wrapper here, and every
/// <c>OrtStatus*</c> goes through <see cref="ThrowIfError"/>, so no caller can forget to check or free a status.
/// </remarks>
internal sealed unsafe partial class OrtApiTable
{
    /// <summary>ORT_API_VERSION of ONNX Runtime 1.30.</summary>
    public const uint ApiVersion = 30;

    // Slot indices (struct OrtApi order, starting at 0).
    private const int SlotGetErrorCode = 1, SlotGetErrorMessage = 2, SlotCreateEnv = 3, SlotCreateSession = 7,
        SlotCreateSessionFromArray = 8, SlotRun = 9, SlotCreateSessionOptions = 10, SlotSetGraphOptimizationLevel = 23,
        SlotSetIntraOpNumThreads = 24, SlotSessionGetInputCount = 30, SlotSessionGetOutputCount = 31,
        SlotSessionGetInputTypeInfo = 33, SlotSessionGetOutputTypeInfo = 34, SlotSessionGetInputName = 36,
        SlotSessionGetOutputName = 37, SlotCreateTensorWithDataAsOrtValue = 49, SlotGetTensorMutableData = 51,
        SlotCastTypeInfoToTensorInfo = 55, SlotGetOnnxTypeFromTypeInfo = 56, SlotGetTensorElementType = 60,
        SlotGetDimensionsCount = 61, SlotGetDimensions = 62, SlotGetSymbolicDimensions = 63,
        SlotGetTensorTypeAndShape = 65, SlotCreateCpuMemoryInfo = 69, SlotAllocatorFree = 76,
        SlotGetAllocatorWithDefaultOptions = 78, SlotReleaseStatus = 93, SlotReleaseSession = 95,
        SlotReleaseValue = 96, SlotReleaseTypeInfo = 98, SlotReleaseTensorTypeAndShapeInfo = 99,
        SlotReleaseSessionOptions = 100, SlotSessionGetModelMetadata = 111, SlotModelMetadataGetProducerName = 112,
        SlotModelMetadataGetGraphName = 113, SlotModelMetadataGetDomain = 114, SlotModelMetadataGetDescription = 115,
        SlotModelMetadataLookupCustomMetadataMap = 116, SlotModelMetadataGetVersion = 117,
        SlotReleaseModelMetadata = 118, SlotModelMetadataGetCustomMetadataMapKeys = 123;

    private readonly delegate* unmanaged[Cdecl]<IntPtr, int> getErrorCode;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, byte*> getErrorMessage;
    private readonly delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr> createEnv;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr> createSession;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr> createSessionFromArray;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr> run;
    private readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> createSessionOptions;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> setGraphOptimizationLevel;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> setIntraOpNumThreads;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> sessionGetInputCount;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> sessionGetOutputCount;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> sessionGetInputTypeInfo;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> sessionGetOutputTypeInfo;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr> sessionGetInputName;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr> sessionGetOutputName;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> createTensorWithData;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr> getTensorMutableData;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> castTypeInfoToTensorInfo;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> getOnnxTypeFromTypeInfo;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> getTensorElementType;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> getDimensionsCount;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr> getDimensions;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, byte**, nuint, IntPtr> getSymbolicDimensions;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> getTensorTypeAndShape;
    private readonly delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr> createCpuMemoryInfo;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr> allocatorFree;
    private readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> getAllocatorWithDefaultOptions;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> releaseStatus;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> releaseSession;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> releaseValue;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> releaseTypeInfo;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> releaseTensorTypeAndShapeInfo;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> releaseSessionOptions;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> sessionGetModelMetadata;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr> modelMetadataGetProducerName;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr> modelMetadataGetGraphName;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr> modelMetadataGetDomain;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr> modelMetadataGetDescription;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte*, byte**, IntPtr> modelMetadataLookupCustomMetadataMap;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, long*, IntPtr> modelMetadataGetVersion;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, void> releaseModelMetadata;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte***, long*, IntPtr> modelMetadataGetCustomMetadataMapKeys;

    private readonly IntPtr allocator;

    /// <summary>Reads the slots NetForge uses from the table returned by <c>GetApi(30)</c>.</summary>
    public OrtApiTable(IntPtr* table)
    {
        getErrorCode = (delegate* unmanaged[Cdecl]<IntPtr, int>)table[SlotGetErrorCode];
        getErrorMessage = (delegate* unmanaged[Cdecl]<IntPtr, byte*>)table[SlotGetErrorMessage];
        createEnv = (delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr>)table[SlotCreateEnv];
        createSession = (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)table[SlotCreateSession];
        createSessionFromArray = (delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, IntPtr, IntPtr*, IntPtr>)table[SlotCreateSessionFromArray];
        run = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)table[SlotRun];
        createSessionOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[SlotCreateSessionOptions];
        setGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[SlotSetGraphOptimizationLevel];
        setIntraOpNumThreads = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[SlotSetIntraOpNumThreads];
        sessionGetInputCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[SlotSessionGetInputCount];
        sessionGetOutputCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[SlotSessionGetOutputCount];
        sessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)table[SlotSessionGetInputTypeInfo];
        sessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)table[SlotSessionGetOutputTypeInfo];
        sessionGetInputName = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr>)table[SlotSessionGetInputName];
        sessionGetOutputName = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr>)table[SlotSessionGetOutputName];
        createTensorWithData = (delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)table[SlotCreateTensorWithDataAsOrtValue];
        getTensorMutableData = (delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr>)table[SlotGetTensorMutableData];
        castTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)table[SlotCastTypeInfoToTensorInfo];
        getOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)table[SlotGetOnnxTypeFromTypeInfo];
        getTensorElementType = (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)table[SlotGetTensorElementType];
        getDimensionsCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[SlotGetDimensionsCount];
        getDimensions = (delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr>)table[SlotGetDimensions];
        getSymbolicDimensions = (delegate* unmanaged[Cdecl]<IntPtr, byte**, nuint, IntPtr>)table[SlotGetSymbolicDimensions];
        getTensorTypeAndShape = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)table[SlotGetTensorTypeAndShape];
        createCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr>)table[SlotCreateCpuMemoryInfo];
        allocatorFree = (delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr>)table[SlotAllocatorFree];
        getAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[SlotGetAllocatorWithDefaultOptions];
        releaseStatus = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[SlotReleaseStatus];
        releaseSession = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[SlotReleaseSession];
        releaseValue = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[SlotReleaseValue];
        releaseTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[SlotReleaseTypeInfo];
        releaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[SlotReleaseTensorTypeAndShapeInfo];
        releaseSessionOptions = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[SlotReleaseSessionOptions];
        sessionGetModelMetadata = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)table[SlotSessionGetModelMetadata];
        modelMetadataGetProducerName = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr>)table[SlotModelMetadataGetProducerName];
        modelMetadataGetGraphName = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr>)table[SlotModelMetadataGetGraphName];
        modelMetadataGetDomain = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr>)table[SlotModelMetadataGetDomain];
        modelMetadataGetDescription = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr>)table[SlotModelMetadataGetDescription];
        modelMetadataLookupCustomMetadataMap = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte*, byte**, IntPtr>)table[SlotModelMetadataLookupCustomMetadataMap];
        modelMetadataGetVersion = (delegate* unmanaged[Cdecl]<IntPtr, long*, IntPtr>)table[SlotModelMetadataGetVersion];
        releaseModelMetadata = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[SlotReleaseModelMetadata];
        modelMetadataGetCustomMetadataMapKeys = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte***, long*, IntPtr>)table[SlotModelMetadataGetCustomMetadataMapKeys];

        IntPtr alloc;
        ThrowIfError(getAllocatorWithDefaultOptions(&alloc)); // owned by ORT: never released
        allocator = alloc;
    }

    // ---- status: the one error path ---------------------------------------------------------

    /// <summary>Throws <see cref="OnnxRuntimeException"/> for a non-null status, always releasing it.</summary>
    public void ThrowIfError(IntPtr status)
    {
        if (status == IntPtr.Zero)
        {
            return;
        }

        try
        {
            var code = (ErrorCode)getErrorCode(status);
            string message = Marshal.PtrToStringUTF8((IntPtr)getErrorMessage(status)) ?? "";
            throw new OnnxRuntimeException(code, TrimMessage(message));
        }
        finally
        {
            releaseStatus(status);
        }
    }

    // "file.cc:123 " with or without a directory ("/onnxruntime_src/onnxruntime/core/x.cc:123 ", "D:\\a\\x.cc:12 ").
    [GeneratedRegex(@"(?:[A-Za-z]:)?(?:[/\\]?[\w.\-]+[/\\])*[\w\-]+\.(?:cc|cpp|c|h|hpp|inc):\d+\s*")]
    private static partial Regex SourceLocation();

    // What ORT prints after a location: a full signature "ns::T::F(args) [const] " or a bare function name "F ".
    [GeneratedRegex(@"^(?:(?:[\w:~<>,&*\[\]]+\s+)*[\w~<>]*::[\w:~<>]+\((?:[^()]|\([^()]*\))*\)(?:\s*const)?|[\w:~<>]+)\s+")]
    private static partial Regex FunctionAfterLocation();

    /// <summary>
    /// Removes the internal source locations ORT puts into messages ("/onnxruntime_src/onnxruntime/core/x.cc:123 ",
    /// "tensorprotoutils.cc:1469 ") and the function name that follows each one ("ValidateX ", or a full C++
    /// signature "onnxruntime::X::Y(...) "), leaving the part a user can act on.
    /// </summary>
    public static string TrimMessage(string message)
    {
        var text = new StringBuilder();
        int last = 0;
        foreach (Match m in SourceLocation().Matches(message))
        {
            if (m.Index < last)
            {
                continue;
            }

            text.Append(message, last, m.Index - last);
            last = m.Index + m.Length;
            Match function = FunctionAfterLocation().Match(message[last..]);
            if (function.Success)
            {
                last += function.Length;
            }

            if (text.Length > 0 && !char.IsWhiteSpace(text[^1]))
            {
                text.Append(' ');
            }
        }

        text.Append(message, last, message.Length - last);
        return text.ToString().Trim();
    }

    // ---- environment, options, sessions -----------------------------------------------------

    public IntPtr CreateEnv(int loggingLevel, string logId)
    {
        IntPtr env;
        fixed (byte* id = Utf8Z(logId))
        {
            ThrowIfError(createEnv(loggingLevel, id, &env));
        }

        return env;
    }

    public IntPtr CreateCpuMemoryInfo()
    {
        IntPtr info;
        ThrowIfError(createCpuMemoryInfo(1 /* OrtArenaAllocator */, 0 /* OrtMemTypeDefault */, &info));
        return info;
    }

    public SessionOptionsHandle CreateSessionOptions(SessionOptions options)
    {
        IntPtr p;
        ThrowIfError(createSessionOptions(&p));
        var handle = new SessionOptionsHandle(p, this);
        try
        {
            ThrowIfError(setIntraOpNumThreads(p, options.IntraOpThreads));
            ThrowIfError(setGraphOptimizationLevel(p, (int)options.OptimizationLevel));
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public SessionHandle CreateSession(IntPtr env, string path, SessionOptionsHandle options)
    {
        IntPtr session;
        bool added = false;
        options.DangerousAddRef(ref added);
        try
        {
            if (OperatingSystem.IsWindows())
            {
                fixed (char* p = path) // ORTCHAR_T is wchar_t on Windows (a .NET string is zero-terminated)
                {
                    ThrowIfError(createSession(env, (byte*)p, options.DangerousGetHandle(), &session));
                }
            }
            else
            {
                fixed (byte* p = Utf8Z(path)) // ORTCHAR_T is char (UTF-8) elsewhere
                {
                    ThrowIfError(createSession(env, p, options.DangerousGetHandle(), &session));
                }
            }
        }
        finally
        {
            if (added)
            {
                options.DangerousRelease();
            }
        }

        return new SessionHandle(session, this);
    }

    public SessionHandle CreateSession(IntPtr env, ReadOnlySpan<byte> model, SessionOptionsHandle options)
    {
        IntPtr session;
        bool added = false;
        options.DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = model)
            {
                ThrowIfError(createSessionFromArray(env, p, (nuint)model.Length, options.DangerousGetHandle(), &session));
            }
        }
        finally
        {
            if (added)
            {
                options.DangerousRelease();
            }
        }

        return new SessionHandle(session, this);
    }

    public int InputCount(IntPtr session)
    {
        nuint n;
        ThrowIfError(sessionGetInputCount(session, &n));
        return checked((int)n);
    }

    public int OutputCount(IntPtr session)
    {
        nuint n;
        ThrowIfError(sessionGetOutputCount(session, &n));
        return checked((int)n);
    }

    public string InputName(IntPtr session, int index)
    {
        byte* name;
        ThrowIfError(sessionGetInputName(session, (nuint)index, allocator, &name));
        return TakeAllocatorString(name) ?? "";
    }

    public string OutputName(IntPtr session, int index)
    {
        byte* name;
        ThrowIfError(sessionGetOutputName(session, (nuint)index, allocator, &name));
        return TakeAllocatorString(name) ?? "";
    }

    /// <summary>Reads element type and (symbolic) dimensions of input or output <paramref name="index"/>.</summary>
    public NodeInfo NodeInfo(IntPtr session, int index, bool input)
    {
        string name = input ? InputName(session, index) : OutputName(session, index);
        IntPtr typeInfo;
        ThrowIfError(input
            ? sessionGetInputTypeInfo(session, (nuint)index, &typeInfo)
            : sessionGetOutputTypeInfo(session, (nuint)index, &typeInfo));
        using var owner = new TypeInfoHandle(typeInfo, this);
        int onnxType;
        ThrowIfError(getOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        IntPtr tensorInfo = IntPtr.Zero;
        if (onnxType == 1 /* ONNX_TYPE_TENSOR */)
        {
            ThrowIfError(castTypeInfoToTensorInfo(typeInfo, &tensorInfo)); // owned by typeInfo: not released
        }

        if (tensorInfo == IntPtr.Zero)
        {
            return new NodeInfo(name, TensorElementType.Undefined, [], [], IsTensor: false);
        }

        var (type, dims) = TypeAndShape(tensorInfo);
        var symbolic = new string[dims.Length];
        byte** names = stackalloc byte*[Math.Max(dims.Length, 1)];
        ThrowIfError(getSymbolicDimensions(tensorInfo, names, (nuint)dims.Length));
        for (int i = 0; i < dims.Length; i++)
        {
            symbolic[i] = Marshal.PtrToStringUTF8((IntPtr)names[i]) ?? "";
        }

        return new NodeInfo(name, type, Array.AsReadOnly(dims), Array.AsReadOnly(symbolic), IsTensor: true);
    }

    private (TensorElementType Type, long[] Dims) TypeAndShape(IntPtr tensorInfo)
    {
        int type;
        nuint rank;
        ThrowIfError(getTensorElementType(tensorInfo, &type));
        ThrowIfError(getDimensionsCount(tensorInfo, &rank));
        var dims = new long[(int)rank];
        fixed (long* d = dims)
        {
            ThrowIfError(getDimensions(tensorInfo, d, rank));
        }

        return ((TensorElementType)type, dims);
    }

    public ModelMetadata ModelMetadata(IntPtr session)
    {
        IntPtr meta;
        ThrowIfError(sessionGetModelMetadata(session, &meta));
        using var owner = new ModelMetadataHandle(meta, this);
        byte* s;
        ThrowIfError(modelMetadataGetProducerName(meta, allocator, &s));
        string producer = TakeAllocatorString(s) ?? "";
        ThrowIfError(modelMetadataGetGraphName(meta, allocator, &s));
        string graph = TakeAllocatorString(s) ?? "";
        ThrowIfError(modelMetadataGetDomain(meta, allocator, &s));
        string domain = TakeAllocatorString(s) ?? "";
        ThrowIfError(modelMetadataGetDescription(meta, allocator, &s));
        string description = TakeAllocatorString(s) ?? "";
        long version;
        ThrowIfError(modelMetadataGetVersion(meta, &version));

        var custom = new SortedDictionary<string, string>(StringComparer.Ordinal);
        byte** keys;
        long count;
        ThrowIfError(modelMetadataGetCustomMetadataMapKeys(meta, allocator, &keys, &count));
        if (keys != null)
        {
            var names = new List<string>();
            try
            {
                for (long i = 0; i < count; i++)
                {
                    names.Add(Marshal.PtrToStringUTF8((IntPtr)keys[i]) ?? "");
                }
            }
            finally
            {
                for (long i = 0; i < count; i++)
                {
                    FreeAllocatorMemory(keys[i]);
                }

                FreeAllocatorMemory(keys);
            }

            foreach (string key in names)
            {
                fixed (byte* k = Utf8Z(key))
                {
                    ThrowIfError(modelMetadataLookupCustomMetadataMap(meta, allocator, k, &s));
                }

                custom[key] = TakeAllocatorString(s) ?? "";
            }
        }

        return new ModelMetadata(producer, graph, domain, description, version, custom);
    }

    // ---- values and run ---------------------------------------------------------------------

    /// <summary>Wraps caller memory (pinned by the caller for the value's lifetime) as a tensor OrtValue.</summary>
    public ValueHandle CreateTensor(IntPtr memoryInfo, void* data, nuint byteLength, ReadOnlySpan<long> shape, TensorElementType type)
    {
        IntPtr value;
        fixed (long* s = shape)
        {
            ThrowIfError(createTensorWithData(memoryInfo, data, byteLength, s, (nuint)shape.Length, (int)type, &value));
        }

        return new ValueHandle(value, this);
    }

    /// <summary>Calls <c>Run</c>; <paramref name="outputs"/> must be zeroed so ORT allocates each output.</summary>
    public void Run(IntPtr session, IntPtr* inputNames, IntPtr* inputs, int inputCount, IntPtr* outputNames, int outputCount, IntPtr* outputs)
        => ThrowIfError(run(session, IntPtr.Zero, inputNames, inputs, (nuint)inputCount, outputNames, (nuint)outputCount, outputs));

    /// <summary>Element type, shape and data pointer of a tensor value.</summary>
    public (TensorElementType Type, long[] Shape, IntPtr Data) TensorOf(IntPtr value)
    {
        IntPtr info;
        ThrowIfError(getTensorTypeAndShape(value, &info));
        (TensorElementType type, long[] dims) result;
        using (new TensorTypeAndShapeInfoHandle(info, this))
        {
            result = TypeAndShape(info);
        }

        void* data;
        ThrowIfError(getTensorMutableData(value, &data));
        return (result.type, result.dims, (IntPtr)data);
    }

    // ---- releases (called by the SafeHandles) -----------------------------------------------

    public void ReleaseSession(IntPtr p) => releaseSession(p);

    public void ReleaseSessionOptions(IntPtr p) => releaseSessionOptions(p);

    public void ReleaseValue(IntPtr p) => releaseValue(p);

    public void ReleaseTypeInfo(IntPtr p) => releaseTypeInfo(p);

    public void ReleaseTensorTypeAndShapeInfo(IntPtr p) => releaseTensorTypeAndShapeInfo(p);

    public void ReleaseModelMetadata(IntPtr p) => releaseModelMetadata(p);

    // ---- strings ----------------------------------------------------------------------------

    /// <summary>Zero-terminated UTF-8 bytes of <paramref name="s"/>.</summary>
    public static byte[] Utf8Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    private string? TakeAllocatorString(byte* s)
    {
        if (s == null)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8((IntPtr)s);
        }
        finally
        {
            FreeAllocatorMemory(s);
        }
    }

    private void FreeAllocatorMemory(void* p)
    {
        if (p != null)
        {
            ThrowIfError(allocatorFree(allocator, p));
        }
    }
}
