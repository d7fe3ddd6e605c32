namespace NetForge.Runtime;

/// <summary>ONNX Runtime error codes (<c>OrtErrorCode</c>), plus one NetForge code for a missing native library.</summary>
public enum ErrorCode
{
    /// <summary>ORT_OK (never thrown).</summary>
    Ok = 0,

    /// <summary>ORT_FAIL: generic failure (e.g. a file that is not a model).</summary>
    Fail = 1,

    /// <summary>ORT_INVALID_ARGUMENT: e.g. an input shape the model rejects at run time.</summary>
    InvalidArgument = 2,

    /// <summary>ORT_NO_SUCHFILE: the model file does not exist.</summary>
    NoSuchFile = 3,

    /// <summary>ORT_NO_MODEL.</summary>
    NoModel = 4,

    /// <summary>ORT_ENGINE_ERROR.</summary>
    EngineError = 5,

    /// <summary>ORT_RUNTIME_EXCEPTION: a kernel failed while running.</summary>
    RuntimeException = 6,

    /// <summary>ORT_INVALID_PROTOBUF: the bytes are not a valid ONNX protobuf.</summary>
    InvalidProtobuf = 7,

    /// <summary>ORT_MODEL_LOADED.</summary>
    ModelLoaded = 8,

    /// <summary>ORT_NOT_IMPLEMENTED: e.g. an operator or opset ORT does not have.</summary>
    NotImplemented = 9,

    /// <summary>ORT_INVALID_GRAPH: the graph fails ORT's checks.</summary>
    InvalidGraph = 10,

    /// <summary>ORT_EP_FAIL: an execution provider failed.</summary>
    ExecutionProviderFail = 11,

    /// <summary>NetForge: the ONNX Runtime native library could not be found, fetched, verified or loaded.</summary>
    NativeLibraryUnavailable = 1000,
}

/// <summary>
/// An error reported by ONNX Runtime (its status code and message, with internal source paths removed),
/// or a failure to provide the native library (<see cref="ErrorCode.NativeLibraryUnavailable"/>).
/// </summary>
public sealed class OnnxRuntimeException : Exception
{
    /// <summary>Creates an exception with an error code and a user-facing message.</summary>
    public OnnxRuntimeException(ErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Creates an exception with an error code, a message and the underlying cause.</summary>
    public OnnxRuntimeException(ErrorCode code, string message, Exception inner)
        : base(message, inner)
    {
        Code = code;
    }

    /// <summary>The ORT error code (or <see cref="ErrorCode.NativeLibraryUnavailable"/>).</summary>
    public ErrorCode Code { get; }
}
