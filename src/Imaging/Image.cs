namespace NetForge.Imaging;

/// <summary>How the bytes of an <see cref="Image"/> are laid out per pixel. Every format has 8 bits per channel.</summary>
public enum PixelFormat
{
    /// <summary>One byte per pixel: gray, 0 = black, 255 = white.</summary>
    Gray8,

    /// <summary>Two bytes per pixel: gray, then alpha (0 = fully transparent, 255 = opaque).</summary>
    GrayAlpha8,

    /// <summary>Three bytes per pixel: red, green, blue.</summary>
    Rgb8,

    /// <summary>Four bytes per pixel: red, green, blue, alpha (straight, not premultiplied).</summary>
    Rgba8,
}

/// <summary>
/// A decoded raster image: <see cref="Width"/> × <see cref="Height"/> pixels in <see cref="Format"/>, stored interleaved and
/// row-major with no padding, so pixel (x, y) channel c is at <c>Pixels[(y * Width + x) * Channels + c]</c>.
/// </summary>
public sealed class Image
{
    /// <summary>
    /// Wraps <paramref name="pixels"/> (not copied: the image takes ownership). Throws <see cref="ArgumentOutOfRangeException"/>
    /// unless both sides are positive and <see cref="ArgumentException"/> unless <paramref name="pixels"/> holds exactly
    /// width × height × channels bytes.
    /// </summary>
    public Image(int width, int height, PixelFormat format, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        int channels = ChannelsOf(format);
        long expected = (long)width * height * channels;
        if (pixels.LongLength != expected)
        {
            throw new ArgumentException(
                $"a {width}x{height} {format} image needs {expected} bytes ({channels} per pixel), got {pixels.LongLength}",
                nameof(pixels));
        }
        Width = width;
        Height = height;
        Format = format;
        Pixels = pixels;
    }

    /// <summary>Creates an all-zero (black, and transparent if the format has alpha) image.</summary>
    public Image(int width, int height, PixelFormat format)
        : this(width, height, format, new byte[checked((long)width * height * ChannelsOf(format))])
    {
    }

    /// <summary>Width in pixels (at least 1).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (at least 1).</summary>
    public int Height { get; }

    /// <summary>The pixel layout.</summary>
    public PixelFormat Format { get; }

    /// <summary>The pixel bytes: interleaved channels, row-major, no padding; length Width × Height × Channels.</summary>
    public byte[] Pixels { get; }

    /// <summary>Bytes (channels) per pixel: 1, 2, 3 or 4.</summary>
    public int Channels => ChannelsOf(Format);

    /// <summary>True for <see cref="PixelFormat.GrayAlpha8"/> and <see cref="PixelFormat.Rgba8"/>.</summary>
    public bool HasAlpha => Format is PixelFormat.GrayAlpha8 or PixelFormat.Rgba8;

    /// <summary>
    /// What the picture is, in words for a user: <c>gray</c>, <c>gray with alpha</c>, <c>RGB</c> or <c>RGBA</c>; an
    /// <see cref="PixelFormat.Rgba8"/> picture that is fully opaque (every JPEG, as Skia decodes it) says <c>RGB</c>.
    /// </summary>
    public string Kind => Format switch
    {
        PixelFormat.Gray8 => "gray",
        PixelFormat.GrayAlpha8 => "gray with alpha",
        PixelFormat.Rgb8 => "RGB",
        _ => IsOpaque() ? "RGB" : "RGBA",
    };

    private bool IsOpaque()
    {
        for (int i = 3; i < Pixels.Length; i += 4)
        {
            if (Pixels[i] != 255) return false;
        }
        return true;
    }

    /// <summary>Bytes (channels) per pixel of <paramref name="format"/>.</summary>
    public static int ChannelsOf(PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => 1,
        PixelFormat.GrayAlpha8 => 2,
        PixelFormat.Rgb8 => 3,
        PixelFormat.Rgba8 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Width}x{Height} {Format}");
}
