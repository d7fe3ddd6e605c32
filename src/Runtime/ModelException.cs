using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace NetForge.Runtime;

/// <summary>What went wrong with a model file or a call on it.</summary>
public enum ModelErrorKind
{
    /// <summary>The model file does not exist.</summary>
    NotFound,

    /// <summary>The file exists but cannot be read (permissions, an I/O error).</summary>
    Unreadable,

    /// <summary>The bytes are not an ONNX model (empty, another format, no graph).</summary>
    NotOnnx,

    /// <summary>The file ends inside the model: it was cut short while copying or writing.</summary>
    Truncated,

    /// <summary>The bytes are an ONNX model with damaged content that ONNX Runtime rejects.</summary>
    Corrupt,

    /// <summary>The model needs an opset or IR version newer than this ONNX Runtime supports.</summary>
    UnsupportedVersion,

    /// <summary>The model is not a classifier NetForge can drive (inputs, outputs or shapes it cannot read).</summary>
    NotAClassifier,

    /// <summary>The samples do not fit the model's input (element type, count, values per sample) or the output buffers are too small.</summary>
    InputMismatch,

    /// <summary>ONNX Runtime failed while running the model.</summary>
    RunFailed,

    /// <summary>ONNX Runtime's native library cannot be loaded on this machine.</summary>
    RuntimeUnavailable,
}

/// <summary>
/// A problem with a model, always naming the model (<see cref="ModelSource"/>: its path, or the name given for bytes) and
/// the cause in words; ONNX Runtime's own exception, when there is one, is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed partial class ModelException : Exception
{
    /// <summary>Creates the exception; the message is "<paramref name="source"/>: <paramref name="detail"/>".</summary>
    public ModelException(ModelErrorKind kind, string source, string detail, Exception? inner = null)
        : base($"{source}: {detail}", inner)
    {
        Kind = kind;
        ModelSource = source;
        Detail = detail;
    }

    /// <summary>What kind of problem this is.</summary>
    public ModelErrorKind Kind { get; }

    /// <summary>The model's path, or the name it was opened under from bytes.</summary>
    public string ModelSource { get; }

    /// <summary>The cause, without the source prefix.</summary>
    public string Detail { get; }

    /// <summary>
    /// ONNX Runtime's message without its "[ErrorCode:X] " prefix and without the internal source locations and C++
    /// signatures it carries ("/onnxruntime_src/onnxruntime/core/x.cc:123 onnxruntime::X::Y(...) "), leaving the part a
    /// user can act on.
    /// </summary>
    public static string TrimOrtMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message = ErrorCodePrefix().Replace(message, "");
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

    /// <summary>ORT's error code from the "[ErrorCode:X]" prefix of its message, or null.</summary>
    internal static string? OrtCode(OnnxRuntimeException e)
    {
        Match m = ErrorCodePrefix().Match(e.Message);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^\s*\[ErrorCode:(\w+)\]\s*")]
    private static partial Regex ErrorCodePrefix();

    // "file.cc:123 " with or without a directory ("/onnxruntime_src/onnxruntime/core/x.cc:123 ", "D:\\a\\x.cc:12 ").
    [GeneratedRegex(@"(?:[A-Za-z]:)?(?:[/\\]?[\w.\-]+[/\\])*[\w\-]+\.(?:cc|cpp|c|h|hpp|inc):\d+\s*")]
    private static partial Regex SourceLocation();

    // What ORT prints after a location: a full signature "ns::T::F(args) [const] " or a bare function name "F ".
    [GeneratedRegex(@"^(?:(?:[\w:~<>,&*\[\]]+\s+)*[\w~<>]*::[\w:~<>]+\((?:[^()]|\([^()]*\))*\)(?:\s*const)?|[\w:~<>]+)\s+")]
    private static partial Regex FunctionAfterLocation();
}
