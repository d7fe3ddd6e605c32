using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace NetForge.Imaging;

/// <summary>
/// PNG through Skia (SkiaSharp's libpng build): decoding by <see cref="SkiaDecoder"/>, like every other format, and encoding
/// with Skia's PNG encoder. The hand-written decoder and encoder this class held until 2026-12 were retired when a
/// measurement showed Skia as fast or faster (a 640x427 RGB PNG: Skia 4.3 ms, ours 8.9 ms; 28x28 gray: equal) and as
/// strict: a damaged file is refused, never returned padded.
/// <para>
/// <b>Decoding</b> (<see cref="Decode"/>, <see cref="Read"/>): every colour type and bit depth, PLTE with tRNS, Adam7; a gray
/// PNG without transparency gives <see cref="PixelFormat.Gray8"/>, everything else <see cref="PixelFormat.Rgba8"/> (not
/// premultiplied); 16-bit samples are reduced to 8 bits by Skia. Pictures above <see cref="ImageFile.MaxPixels"/> are refused
/// from the header, before anything is allocated.
/// </para>
/// <para>
/// <b>Encoding</b> (<see cref="Encode"/>): 8-bit, non-interlaced; <see cref="PixelFormat.Gray8"/> as a gray PNG, other formats
/// as RGB (opaque) or RGBA; the result decodes back to the same pixel values (<see cref="PixelFormat.GrayAlpha8"/> and
/// <see cref="PixelFormat.Rgb8"/> come back as <see cref="PixelFormat.Rgba8"/>).
/// </para>
/// </summary>
public static class Png
{
    /// <summary>The 8 bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>True when <paramref name="data"/> starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <summary>
    /// Reads and decodes the PNG file at <paramref name="path"/>; format errors name the file. I/O errors (missing file,
    /// no permission) propagate as the usual <see cref="IOException"/>/<see cref="UnauthorizedAccessException"/>.
    /// </summary>
    public static Image Read(string path) => Decode(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>
    /// Decodes a complete PNG file held in memory. <paramref name="name"/> (usually the file name) prefixes every error
    /// message. Throws <see cref="ImageFormatException"/> for anything that is not a complete, valid PNG.
    /// </summary>
    public static Image Decode(ReadOnlySpan<byte> data, string? name = null)
    {
        if (!IsPng(data))
        {
            string prefix = name is null ? string.Empty : name + ": ";
            throw new ImageFormatException(Signature.StartsWith(data) && data.Length > 0
                ? $"{prefix}truncated: the file ends inside the PNG signature ({data.Length} of 8 bytes)"
                : $"{prefix}not a PNG file (the first 8 bytes are not the PNG signature)");
        }
        CheckReachable(data, name);
        return SkiaDecoder.Decode(data, name, "PNG");
    }

    /// <summary>Deflate expands at most 1032:1 (a 258-byte match costs at least 2 bits).</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>
    /// Refuses, before Skia allocates the picture, a header whose filtered data the file is too small to hold even at
    /// deflate's maximum ratio: a few hundred bytes declaring 8192x8192 RGBA would otherwise cost 256 MiB before failing.
    /// A header Skia cannot read is left for Skia to name.
    /// </summary>
    private static void CheckReachable(ReadOnlySpan<byte> data, string? name)
    {
        if (data.Length < 33 || !data[12..16].SequenceEqual("IHDR"u8))
        {
            return;
        }
        long width = BinaryPrimitives.ReadUInt32BigEndian(data[16..]);
        long height = BinaryPrimitives.ReadUInt32BigEndian(data[20..]);
        int depth = data[24];
        int samples = data[25] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (samples == 0 || depth is not (1 or 2 or 4 or 8 or 16) || width * height > ImageFile.MaxPixels)
        {
            return; // Skia names an illegal header; the pixel limit is SkiaDecoder's
        }
        long raw = height * (1 + ((width * samples * depth) + 7) / 8);
        if (raw > data.Length * MaxDeflateRatio)
        {
            string prefix = name is null ? string.Empty : name + ": ";
            throw new ImageFormatException(
                $"{prefix}PNG header gives {width}x{height}, {raw:N0} bytes of pixel data, which {data.Length:N0} bytes of file cannot hold " +
                $"(deflate's maximum ratio is 1032:1): truncated or forged");
        }
    }

    /// <summary>Encodes <paramref name="image"/> as an 8-bit, non-interlaced PNG (see the class remarks).</summary>
    public static byte[] Encode(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        bool gray = image.Format == PixelFormat.Gray8;
        byte[] pixels = gray || image.Format == PixelFormat.Rgba8 ? image.Pixels : ToRgba(image);
        var info = new SKImageInfo(
            image.Width,
            image.Height,
            gray ? SKColorType.Gray8 : SKColorType.Rgba8888,
            image.HasAlpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var encoded = pixmap.Encode(SKEncodedImageFormat.Png, 100)
                ?? throw new InvalidOperationException($"Skia's PNG encoder refused a {image.Width}x{image.Height} {image.Format} picture");
            return encoded.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    /// <summary>
    /// Encodes <paramref name="image"/> as a <c>data:image/png;base64,...</c> URI, for embedding in HTML
    /// (<c>&lt;img src="..."&gt;</c>) without a separate file.
    /// </summary>
    public static string ToDataUri(Image image) => "data:image/png;base64," + Convert.ToBase64String(Encode(image));

    /// <summary>Encodes <paramref name="image"/> and writes it to <paramref name="path"/> atomically (<see cref="NetForge.IO.AtomicFile"/>).</summary>
    public static void Write(string path, Image image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NetForge.IO.AtomicFile.WriteAllBytes(path, Encode(image));
    }

    private static byte[] ToRgba(Image image)
    {
        int n = image.Width * image.Height;
        var src = image.Pixels;
        var rgba = new byte[4 * n];
        for (int i = 0; i < n; i++)
        {
            switch (image.Format)
            {
                case PixelFormat.GrayAlpha8:
                    rgba[4 * i] = rgba[(4 * i) + 1] = rgba[(4 * i) + 2] = src[2 * i];
                    rgba[(4 * i) + 3] = src[(2 * i) + 1];
                    break;
                default: // Rgb8
                    rgba[4 * i] = src[3 * i];
                    rgba[(4 * i) + 1] = src[(3 * i) + 1];
                    rgba[(4 * i) + 2] = src[(3 * i) + 2];
                    rgba[(4 * i) + 3] = 255;
                    break;
            }
        }
        return rgba;
    }
}
