using SkiaSharp;

namespace NetForge.Imaging;

/// <summary>
/// PNG, JPEG, BMP, GIF (first frame) and WebP through Skia's codecs (SkiaSharp; libpng, libjpeg-turbo, libwebp and Skia's
/// own BMP and GIF readers, fuzzed upstream). The size is read from the header before anything is decoded, so a picture above
/// <see cref="ImageFile.MaxPixels"/> (a decompression bomb) is refused without allocating it; a truncated file is an error, never a
/// picture padded with gray. EXIF orientation is not applied (as Keras's loader does not), nor any
/// embedded colour profile or gamma (pixel values are the file's). An opaque gray picture decodes to
/// <see cref="PixelFormat.Gray8"/>, anything else to <see cref="PixelFormat.Rgba8"/> (not premultiplied).
/// </summary>
internal static class SkiaDecoder
{
    public static Image Decode(ReadOnlySpan<byte> data, string? name, string format)
    {
        string prefix = name is null ? string.Empty : name + ": ";
        using var bytes = SKData.CreateCopy(data);
        // from SKData: no stream wrapper (a third of the time of a 28x28 PNG); only a refusal asks a stream for the reason
        using var codec = SKCodec.Create(bytes);
        if (codec is null)
        {
            using var stream = new SKMemoryStream(bytes);
            using var again = SKCodec.Create(stream, out SKCodecResult opened);
            throw new ImageFormatException($"{prefix}not a readable {format} ({Describe(again is null ? opened : SKCodecResult.InvalidInput)})");
        }
        var info = codec.Info;
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0) throw new ImageFormatException($"{prefix}{format} header gives a {info.Width}x{info.Height} picture");
        if (pixels > ImageFile.MaxPixels)
        {
            throw new ImageFormatException(
                $"{prefix}{format} of {info.Width}x{info.Height} is {pixels:N0} pixels, more than the {ImageFile.MaxPixels:N0} (2^26) this reader decodes");
        }

        bool gray = info.ColorType == SKColorType.Gray8 && info.AlphaType == SKAlphaType.Opaque;
        var target = gray
            ? new SKImageInfo(info.Width, info.Height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var buffer = new byte[target.BytesSize];
        SKCodecResult result = codec.GetPixels(target, buffer);
        if (result != SKCodecResult.Success)
            throw new ImageFormatException($"{prefix}{format} of {info.Width}x{info.Height} cannot be decoded ({Describe(result)})");
        return new Image(info.Width, info.Height, gray ? PixelFormat.Gray8 : PixelFormat.Rgba8, buffer);
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
