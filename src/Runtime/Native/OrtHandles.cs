using System.Runtime.InteropServices;

namespace NetForge.Runtime.Native;

/// <summary>
/// Base of every owned ORT object: a <see cref="SafeHandle"/> whose <see cref="ReleaseHandle"/> calls the
/// matching <c>Release*</c> slot exactly once and keeps <see cref="LiveHandles"/> in step.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    private readonly HandleKind kind;

    protected OrtHandle(IntPtr pointer, OrtApiTable api, HandleKind kind)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        Api = api;
        this.kind = kind;
        SetHandle(pointer);
        if (pointer != IntPtr.Zero)
        {
            LiveHandles.Increment(kind);
        }
    }

    protected OrtApiTable Api { get; }

    /// <inheritdoc />
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc />
    protected override bool ReleaseHandle()
    {
        Release(handle);
        LiveHandles.Decrement(kind);
        return true;
    }

    protected abstract void Release(IntPtr pointer);
}

/// <summary>Owns an <c>OrtSession*</c> and the session's UTF-8 input/output names (one native block).</summary>
internal sealed class SessionHandle(IntPtr pointer, OrtApiTable api) : OrtHandle(pointer, api, HandleKind.Session)
{
    /// <summary>Native block holding the zero-terminated UTF-8 names; freed with the session.</summary>
    public IntPtr NameBlock { get; set; }

    protected override void Release(IntPtr pointer)
    {
        Api.ReleaseSession(pointer);
        if (NameBlock != IntPtr.Zero)
        {
            Marshal.FreeHGlobal(NameBlock);
            NameBlock = IntPtr.Zero;
        }
    }
}

/// <summary>Owns an <c>OrtSessionOptions*</c>.</summary>
internal sealed class SessionOptionsHandle(IntPtr pointer, OrtApiTable api) : OrtHandle(pointer, api, HandleKind.SessionOptions)
{
    protected override void Release(IntPtr pointer) => Api.ReleaseSessionOptions(pointer);
}

/// <summary>Owns an <c>OrtValue*</c>.</summary>
internal sealed class ValueHandle(IntPtr pointer, OrtApiTable api) : OrtHandle(pointer, api, HandleKind.Value)
{
    protected override void Release(IntPtr pointer) => Api.ReleaseValue(pointer);
}

/// <summary>Owns an <c>OrtTypeInfo*</c>.</summary>
internal sealed class TypeInfoHandle(IntPtr pointer, OrtApiTable api) : OrtHandle(pointer, api, HandleKind.TypeInfo)
{
    protected override void Release(IntPtr pointer) => Api.ReleaseTypeInfo(pointer);
}

/// <summary>Owns an <c>OrtTensorTypeAndShapeInfo*</c>.</summary>
internal sealed class TensorTypeAndShapeInfoHandle(IntPtr pointer, OrtApiTable api) : OrtHandle(pointer, api, HandleKind.TensorInfo)
{
    protected override void Release(IntPtr pointer) => Api.ReleaseTensorTypeAndShapeInfo(pointer);
}

/// <summary>Owns an <c>OrtModelMetadata*</c>.</summary>
internal sealed class ModelMetadataHandle(IntPtr pointer, OrtApiTable api) : OrtHandle(pointer, api, HandleKind.ModelMetadata)
{
    protected override void Release(IntPtr pointer) => Api.ReleaseModelMetadata(pointer);
}
