namespace NetForge.Data;

/// <summary>
/// A labelled set of samples as every engine takes them: <see cref="Count"/> samples of <see cref="SampleSize"/> raw
/// values each (unscaled and unnormalised: the model's input block does that) and one class index per sample.
/// Two kinds: <see cref="ImageSet"/> (pixel bytes 0–255) and <see cref="TableSet"/> (float features of a CSV table).
/// Immutable by convention; slices copy.
/// </summary>
public abstract class SampleSet
{
    private protected SampleSet(byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Labels = labels;
    }

    /// <summary>One class index per sample.</summary>
    public byte[] Labels { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Raw values per sample.</summary>
    public abstract int SampleSize { get; }

    /// <summary>What one sample is, for messages: <c>28x28 gray images</c>, <c>4 features</c>.</summary>
    public abstract string SampleDescription { get; }

    /// <summary>Copies sample <paramref name="index"/>'s raw values as floats into <paramref name="destination"/> (its first <see cref="SampleSize"/> values).</summary>
    public abstract void CopySample(int index, Span<float> destination);

    /// <summary>Every sample's raw values as floats, [Count, SampleSize] (a copy).</summary>
    public float[] ToFloats()
    {
        var values = new float[checked((long)Count * SampleSize)];
        for (int i = 0; i < Count; i++) CopySample(i, values.AsSpan(i * SampleSize, SampleSize));
        return values;
    }

    /// <summary>Samples [start, start + count) as a new set (copies).</summary>
    public abstract SampleSet Slice(int start, int count);

    /// <summary>The first <c>min(count, Count)</c> samples.</summary>
    public SampleSet Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count >= Count ? this : Slice(0, count);
    }

    /// <summary>
    /// Splits off the last <paramref name="fraction"/> of the set for validation, like Keras
    /// <c>validation_split</c> (no shuffling first): <c>splitAt = (int)(Count · (1 − fraction))</c>;
    /// train is [0, splitAt), validation [splitAt, Count). A fraction of 0 gives an empty validation set.
    /// </summary>
    public (SampleSet Train, SampleSet Validation) SplitValidation(double fraction)
    {
        if (!(fraction >= 0.0 && fraction < 1.0))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "expected a fraction in [0, 1)");
        int splitAt = (int)(Count * (1.0 - fraction));
        return (fraction == 0.0 ? this : Slice(0, splitAt), Slice(splitAt, Count - splitAt));
    }

    private protected void CheckRange(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + (long)count, Count, nameof(count));
    }
}
