using NetForge.Spec.Graph;

namespace NetForge.Engine.Tensors;

/// <summary>A named slice of the flat parameter buffer: <c>layers.0.weight</c> at [Offset, Offset+Length).</summary>
public sealed record ParamSlice(ParamSpec Spec, int Offset, int Length)
{
    public string Path => Spec.Path;
    public bool Trainable => Spec.Trainable;
}

/// <summary>
/// Every parameter of a network in one contiguous buffer, and every gradient in a second one of the
/// same layout (llm.c's malloc_and_point_parameters). An optimizer step is a flat loop over
/// <see cref="Values"/>/<see cref="Grads"/>, zeroing gradients one clear, a checkpoint one write.
/// Slices come in <see cref="ModelGraph.Parameters"/> order.
/// </summary>
public sealed class ParameterStore
{
    private readonly Dictionary<string, ParamSlice> _byPath = new(StringComparer.Ordinal);

    public ParameterStore(IEnumerable<ParamSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var slices = new List<ParamSlice>();
        long offset = 0;
        foreach (var spec in specs)
        {
            if (spec.Size > int.MaxValue - offset)
                throw new ArgumentException($"parameters exceed {int.MaxValue} elements at '{spec.Path}'", nameof(specs));
            var slice = new ParamSlice(spec, (int)offset, (int)spec.Size);
            if (!_byPath.TryAdd(spec.Path, slice))
                throw new ArgumentException($"duplicate parameter path '{spec.Path}'", nameof(specs));
            slices.Add(slice);
            offset += spec.Size;
        }
        Slices = slices;
        Values = new float[offset];
        Grads = new float[offset];
    }

    public IReadOnlyList<ParamSlice> Slices { get; }
    public float[] Values { get; }
    public float[] Grads { get; }
    public int Count => Values.Length;

    public ParamSlice this[string path] =>
        _byPath.TryGetValue(path, out var s) ? s : throw new KeyNotFoundException($"no parameter named '{path}'");

    public bool TryGet(string path, out ParamSlice slice) => _byPath.TryGetValue(path, out slice!);

    public Span<float> Value(ParamSlice slice) => Values.AsSpan(slice.Offset, slice.Length);
    public Span<float> Grad(ParamSlice slice) => Grads.AsSpan(slice.Offset, slice.Length);
    public Span<float> Value(string path) => Value(this[path]);
    public Span<float> Grad(string path) => Grad(this[path]);

    public void ZeroGrad() => Array.Clear(Grads);

    /// <summary>Fills every parameter from its initializer (<see cref="Train.Initializers.Initializers.Apply"/>).</summary>
    public void Initialize(ulong seed) => Train.Initializers.Initializers.Apply(Slices.Select(s => s.Spec), Values, seed);

    /// <summary>
    /// The first slice of <paramref name="buffer"/> (<see cref="Values"/> or <see cref="Grads"/>) holding a NaN or infinity, else null:
    /// one vectorised sum over the whole buffer per call; the slices are searched only when it is not finite.
    /// </summary>
    public ParamSlice? FirstNonFinite(float[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(buffer))) return null;
        foreach (var slice in Slices)
        {
            var span = buffer.AsSpan(slice.Offset, slice.Length);
            if (!float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(span)) && HasNonFinite(span)) return slice;
        }
        return null;   // the sum overflowed but every element is finite
    }

    private static bool HasNonFinite(ReadOnlySpan<float> span)
    {
        foreach (float v in span)
        {
            if (!float.IsFinite(v)) return true;
        }
        return false;
    }
}
