using System.Collections;

namespace NetForge.Spec.Graph;

/// <summary>
/// A per-sample tensor shape, batch dimension excluded. Images are channels-first: [C, H, W];
/// flat features are [N]. Value equality; immutable.
/// </summary>
public sealed class Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[] _dims;

    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        _dims = (int[])dims.Clone();
    }

    public int Rank => _dims.Length;
    public int Count => _dims.Length;
    public int this[int index] => _dims[index];

    /// <summary>Number of elements per sample (product of the dims).</summary>
    public long Size
    {
        get
        {
            long n = 1;
            foreach (int d in _dims) n *= d;
            return n;
        }
    }

    public bool IsImage => _dims.Length == 3;
    public int Channels => IsImage ? _dims[0] : throw new InvalidOperationException($"shape {this} is not [C, H, W]");
    public int Height => IsImage ? _dims[1] : throw new InvalidOperationException($"shape {this} is not [C, H, W]");
    public int Width => IsImage ? _dims[2] : throw new InvalidOperationException($"shape {this} is not [C, H, W]");

    public int[] ToArray() => (int[])_dims.Clone();

    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);
    public override bool Equals(object? obj) => Equals(obj as Shape);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _dims.GetEnumerator();

    /// <summary>"[1, 28, 28]".</summary>
    public override string ToString() => "[" + string.Join(", ", _dims) + "]";

    /// <summary>Keras-style with the batch dimension: "(None, 16, 28, 28)".</summary>
    public string ToBatchString() => "(None, " + string.Join(", ", _dims) + ")";
}
