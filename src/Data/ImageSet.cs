namespace NetForge.Data;

/// <summary>
/// A labelled set of images as raw bytes: <see cref="Pixels"/> is [Count, Channels·Rows·Cols], channels-first
/// (planar: all of red, then green, then blue for RGB) and row-major, 0–255 and unscaled (scaling is part of the
/// model); <see cref="SampleSet.Labels"/> holds one class index per image. Immutable by convention; slices copy.
/// </summary>
public sealed class ImageSet : SampleSet
{
    /// <summary>Wraps the arrays of a grayscale set after checking their lengths agree with the sizes.</summary>
    public ImageSet(byte[] pixels, byte[] labels, int rows, int cols)
        : this(pixels, labels, 1, rows, cols)
    {
    }

    /// <summary>Wraps the arrays after checking their lengths agree with the sizes (1 channel: gray; 3: RGB, planar).</summary>
    public ImageSet(byte[] pixels, byte[] labels, int channels, int rows, int cols)
        : base(labels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if (pixels.LongLength != (long)labels.Length * channels * rows * cols)
            throw new ArgumentException($"pixels has {pixels.LongLength} bytes, expected {labels.Length} images of {channels}x{rows}x{cols}", nameof(pixels));
        Pixels = pixels;
        Channels = channels;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>[Count, Channels·Rows·Cols] pixel bytes, channels-first, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>Colour channels: 1 (gray) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>Image height.</summary>
    public int Rows { get; }

    /// <summary>Image width.</summary>
    public int Cols { get; }

    /// <summary>Channels·Rows·Cols: the values of one image.</summary>
    public int PixelsPerImage => Channels * Rows * Cols;

    /// <inheritdoc />
    public override int SampleSize => PixelsPerImage;

    /// <inheritdoc />
    public override string SampleDescription => $"{Rows}x{Cols} {(Channels == 1 ? "gray" : Channels == 3 ? "RGB" : $"{Channels}-channel")} images";

    /// <inheritdoc />
    public override void CopySample(int index, Span<float> destination) =>
        System.Numerics.Tensors.TensorPrimitives.ConvertChecked<byte, float>(Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage), destination);

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>
    /// Pairs images with labels as read from IDX files, checking what only the pair can tell: equal
    /// counts and every label below <paramref name="classes"/>. Names in messages are the file names.
    /// </summary>
    public static ImageSet FromIdx(IdxImages images, byte[] labels, int classes, string imagesName, string labelsName)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.Count != labels.Length)
            throw new DataException($"{imagesName} / {labelsName}: count mismatch: {images.Count} images but {labels.Length} labels");
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes)
                throw new DataException($"{labelsName}: label {labels[i]} of sample {i} at byte {8 + i} is out of range: expected 0..{classes - 1}");
        }
        return new ImageSet(images.Pixels, labels, images.Rows, images.Cols);
    }

    /// <summary>Images [start, start + count) as a new set (copies).</summary>
    public override ImageSet Slice(int start, int count)
    {
        CheckRange(start, count);
        return new ImageSet(
            Pixels.AsSpan(start * PixelsPerImage, count * PixelsPerImage).ToArray(),
            Labels.AsSpan(start, count).ToArray(),
            Channels,
            Rows,
            Cols);
    }
}
