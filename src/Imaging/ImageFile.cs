namespace NetForge.Imaging;

/// <summary>Loads an image file of any supported format, chosen by its content (never by its extension).</summary>
public static class ImageFile
{
    /// <summary>The formats <see cref="Load"/> and <see cref="Decode"/> understand, as shown in error messages.</summary>
    public const string SupportedFormats = "PNG, JPEG, BMP, GIF (first frame), WebP, PGM (P2 plain or P5 raw)";

    /// <summary>The largest picture any decoder accepts: 2^26 pixels (8192 x 8192; 256 MiB as RGBA), checked from the header.</summary>
    public const long MaxPixels = 1L << 26;

    /// <summary>
    /// Reads <paramref name="path"/> and decodes it by sniffing its first bytes: <c>P2</c>/<c>P5</c> → <see cref="Pgm"/>; PNG,
    /// JPEG, BMP, GIF and WebP → Skia's codecs (SkiaSharp). Anything else throws
    /// <see cref="ImageFormatException"/> naming the file, the format it looks like (TIFF, other Netpbm) when
    /// recognisable, and the supported formats. I/O errors propagate unchanged.
    /// </summary>
    public static Image Load(string path) => Decode(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>
    /// Decodes in-memory file content by sniffing it, like <see cref="Load"/>. A file cut inside the PNG signature counts
    /// as PNG (and is reported as truncated).
    /// </summary>
    public static Image Decode(ReadOnlySpan<byte> data, string? name = null)
    {
        if (Png.IsPng(data) || (data.Length > 0 && Png.Signature.StartsWith(data)))
        {
            return Png.Decode(data, name);
        }
        if (Pgm.IsPgm(data))
        {
            return Pgm.Decode(data, name);
        }
        string? sniffed = Sniff(data);
        if (sniffed is "JPEG" or "GIF" or "BMP" or "WebP")
        {
            return SkiaDecoder.Decode(data, name, sniffed);
        }
        string prefix = name is null ? string.Empty : name + ": ";
        string looks = sniffed is { } known ? $" (looks like {known})" : string.Empty;
        throw new ImageFormatException($"{prefix}unsupported image format{looks}; supported: {SupportedFormats}");
    }

    private static string? Sniff(ReadOnlySpan<byte> d)
    {
        if (d.Length == 0)
        {
            return "an empty file";
        }
        if (d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "JPEG";
        }
        if (d.StartsWith("GIF8"u8))
        {
            return "GIF";
        }
        if (d.StartsWith("BM"u8))
        {
            return "BMP";
        }
        if (d.Length >= 12 && d.StartsWith("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8))
        {
            return "WebP";
        }
        if (d.StartsWith("II*\0"u8) || d.StartsWith("MM\0*"u8))
        {
            return "TIFF";
        }
        if (d.Length >= 2 && d[0] == 'P' && d[1] is (byte)'1' or (byte)'3' or (byte)'4' or (byte)'6' or (byte)'7')
        {
            return "a Netpbm PBM/PPM/PAM file; only PGM is supported";
        }
        if (d.Length >= 4 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G')
        {
            return "a PNG with a damaged signature";
        }
        return null;
    }
}
