namespace NetForge.Imaging.Tests;

/// <summary>Any picture as interleaved RGBA bytes (gray spread to R = G = B, missing alpha = 255), to compare decoders whose output formats differ.</summary>
internal static class Rgba
{
    public static byte[] Of(Image image) => Of(image.Format, image.Pixels);

    public static byte[] Of(PixelFormat format, byte[] pixels)
    {
        int channels = new Image(1, 1, format).Channels;
        int n = pixels.Length / channels;
        var rgba = new byte[4 * n];
        for (int i = 0; i < n; i++)
        {
            var p = pixels.AsSpan(i * channels, channels);
            (byte r, byte g, byte b, byte a) = format switch
            {
                PixelFormat.Gray8 => (p[0], p[0], p[0], (byte)255),
                PixelFormat.GrayAlpha8 => (p[0], p[0], p[0], p[1]),
                PixelFormat.Rgb8 => (p[0], p[1], p[2], (byte)255),
                _ => (p[0], p[1], p[2], p[3]),
            };
            (rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2], rgba[(4 * i) + 3]) = (r, g, b, a);
        }
        return rgba;
    }
}
