using System.Globalization;
using NetForge.Runtime.Native;

namespace NetForge.Runtime;

/// <summary>
/// One output of <see cref="InferenceSession.Run(string, ReadOnlySpan{float}, ReadOnlySpan{long}, string?)"/>: owns the native
/// tensor ORT allocated. The caller must dispose it. Spans returned by <see cref="Data"/> and <see cref="GetData{T}"/> point
/// into native memory and are valid only while this instance is alive (not disposed); copy with <see cref="ToArray"/>
/// to keep the values.
/// </summary>
public sealed unsafe class OrtTensor : IDisposable
{
    private readonly ValueHandle value;
    private readonly IntPtr data;
    private readonly long[] shape;

    internal OrtTensor(string name, ValueHandle value, OrtApiTable api)
    {
        this.value = value;
        Name = name;
        bool added = false;
        value.DangerousAddRef(ref added);
        try
        {
            (ElementType, shape, data) = api.TensorOf(value.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                value.DangerousRelease();
            }
        }

        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        ElementCount = count;
    }

    /// <summary>The output name.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The shape (a copy).</summary>
    public long[] Shape => (long[])shape.Clone();

    /// <summary>Number of elements (product of the shape).</summary>
    public long ElementCount { get; }

    /// <summary>The values of a float32 tensor; valid only while this tensor is not disposed.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not float32.</exception>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public ReadOnlySpan<float> Data => GetData<float>();

    /// <summary>The values viewed as <typeparamref name="T"/>, which must match <see cref="ElementType"/>
    /// (float, byte, sbyte, short, ushort, int, uint, long, ulong, double, bool, Half); valid only while this tensor is not disposed.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> does not match the element type.</exception>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    public ReadOnlySpan<T> GetData<T>()
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(value.IsClosed, this);
        TensorElementType wanted = TensorElementTypeExtensions.Of<T>();
        if (wanted != ElementType || ElementType == TensorElementType.Undefined)
        {
            throw new InvalidOperationException(
                $"output '{Name}' is {ElementType.DisplayName()}, it cannot be read as {typeof(T).Name}.");
        }

        return new ReadOnlySpan<T>((void*)data, checked((int)ElementCount));
    }

    /// <summary>A managed copy of a float32 tensor's values.</summary>
    public float[] ToArray() => Data.ToArray();

    /// <summary><c>name: float32 [2, 10]</c>.</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Name}: {ElementType.DisplayName()} {NodeInfo.Format(shape)}");

    /// <summary>Releases the native tensor.</summary>
    public void Dispose() => value.Dispose();
}
