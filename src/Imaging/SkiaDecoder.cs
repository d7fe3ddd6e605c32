using SkiaSharp;

namespace NetForge.Imaging;

/// <summary>
/// JPEG, BMP, GIF (first frame) and WebP through Skia's codecs (SkiaSharp; libjpeg-turbo, libwebp and Skia's own BMP and
/// GIF readers, fuzzed upstream). The size is read from the header before anything is decoded, so a picture above
/// <see cref="MaxPixels"/> (a decompression bomb) is refused without allocating it; a truncated file is an error, never a
/// picture padded with gray. EXIF orientation is not applied (as Keras's loader does not).
/// </summary>
internal static class SkiaDecoder
{
    /// <summary>The largest picture decoded: 2^26 pixels (8192 x 8192; 256 MiB as RGBA).</summary>
    public const long MaxPixels = 1L << 26;

    public static Image Decode(ReadOnlySpan<byte> data, string? name, string format)
    {
        string prefix = name is null ? string.Empty : name + ": ";
        using var bytes = SKData.CreateCopy(data);
        using var stream = new SKMemoryStream(bytes);
        using var codec = SKCodec.Create(stream, out SKCodecResult opened);
        if (codec is null) throw new ImageFormatException($"{prefix}not a readable {format} ({Describe(opened)})");
        var info = codec.Info;
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0) throw new ImageFormatException($"{prefix}{format} header gives a {info.Width}x{info.Height} picture");
        if (pixels > MaxPixels)
        {
            throw new ImageFormatException(
                $"{prefix}{format} of {info.Width}x{info.Height} is {pixels:N0} pixels, more than the {MaxPixels:N0} (2^26) this reader decodes");
        }

        var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var buffer = new byte[target.BytesSize];
        SKCodecResult result = codec.GetPixels(target, buffer);
        if (result != SKCodecResult.Success)
            throw new ImageFormatException($"{prefix}{format} of {info.Width}x{info.Height} cannot be decoded ({Describe(result)})");
        return new Image(info.Width, info.Height, PixelFormat.Rgba8, buffer);
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file is truncated",
        SKCodecResult.ErrorInInput => "the data is corrupt",
        SKCodecResult.InvalidInput => "the data is invalid",
        SKCodecResult.Unimplemented => "a variant the decoder does not support",
        SKCodecResult.InvalidConversion => "a pixel format that cannot be converted to RGBA",
        SKCodecResult.InvalidScale or SKCodecResult.InvalidParameters => "invalid parameters",
        SKCodecResult.CouldNotRewind => "the data cannot be re-read",
        SKCodecResult.InternalError => "an internal decoder error",
        _ => result.ToString(),
    };
}
