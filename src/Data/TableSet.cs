namespace NetForge.Data;

/// <summary>
/// A labelled table read from CSV: <see cref="Values"/> is [Count, Features] float32 feature values as they are in the
/// file (unnormalised: normalisation is part of the model), <see cref="SampleSet.Labels"/> one class index per row, and for each
/// row the file and line it came from (the report names misclassified rows by them).
/// </summary>
public sealed class TableSet : SampleSet
{
    /// <summary>Wraps the arrays after checking their lengths agree.</summary>
    /// <param name="values">[count, features] feature values.</param>
    /// <param name="labels">One class index per row.</param>
    /// <param name="featureNames">The feature columns' header names, in order.</param>
    /// <param name="file">The CSV file the rows come from.</param>
    /// <param name="lines">Each row's 1-based line number in <paramref name="file"/>.</param>
    public TableSet(float[] values, byte[] labels, IReadOnlyList<string> featureNames, string file, int[] lines)
        : base(labels)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(lines);
        if (featureNames.Count == 0) throw new ArgumentException("a table needs at least one feature", nameof(featureNames));
        if (values.LongLength != (long)labels.Length * featureNames.Count)
            throw new ArgumentException($"values has {values.LongLength} entries, expected {labels.Length} rows of {featureNames.Count} features", nameof(values));
        if (lines.Length != labels.Length) throw new ArgumentException($"lines has {lines.Length} entries, expected {labels.Length}", nameof(lines));
        Values = values;
        FeatureNames = featureNames;
        File = file;
        Lines = lines;
    }

    /// <summary>[Count, Features] feature values, row-major.</summary>
    public float[] Values { get; }

    /// <summary>The feature columns' names, in input order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Features per row.</summary>
    public int Features => FeatureNames.Count;

    /// <summary>The CSV file the rows were read from.</summary>
    public string File { get; }

    /// <summary>Each row's 1-based line number in <see cref="File"/>.</summary>
    public int[] Lines { get; }

    /// <inheritdoc />
    public override int SampleSize => Features;

    /// <inheritdoc />
    public override string SampleDescription => $"{Features} features";

    /// <summary>The feature values of row <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Values.AsSpan(index * Features, Features);
    }

    /// <inheritdoc />
    public override void CopySample(int index, Span<float> destination) => Values.AsSpan(index * Features, Features).CopyTo(destination);

    /// <summary>Rows [start, start + count) as a new set (copies).</summary>
    public override TableSet Slice(int start, int count)
    {
        CheckRange(start, count);
        return new TableSet(Values.AsSpan(start * Features, count * Features).ToArray(), Labels.AsSpan(start, count).ToArray(), FeatureNames, File,
            Lines.AsSpan(start, count).ToArray());
    }

    /// <summary>The rows at <paramref name="indices"/>, in that order (copies): a shuffle or a split.</summary>
    public TableSet Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var values = new float[checked((long)indices.Count * Features)];
        var labels = new byte[indices.Count];
        var lines = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int r = indices[i];
            Values.AsSpan(r * Features, Features).CopyTo(values.AsSpan(i * Features, Features));
            labels[i] = Labels[r];
            lines[i] = Lines[r];
        }

        return new TableSet(values, labels, FeatureNames, File, lines);
    }
}
