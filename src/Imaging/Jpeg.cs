using System.Runtime.InteropServices;
using SkiaSharp;

namespace NetForge.Imaging;

/// <summary>JPEG encoding through Skia (libjpeg-turbo); decoding goes through <see cref="ImageFile"/>.</summary>
public static class Jpeg
{
    /// <summary>Encodes <paramref name="image"/> (any <see cref="PixelFormat"/>; alpha is composited over white) at <paramref name="quality"/> 1–100.</summary>
    public static byte[] Encode(Image image, int quality = 90)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        int n = image.Width * image.Height;
        SKBitmap bitmap;
        if (image.Format == PixelFormat.Gray8 || image.Format == PixelFormat.GrayAlpha8)
        {
            bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque));
            Copy(Preprocess.ToGray(image), bitmap, image.Width);
        }
        else
        {
            var planes = Preprocess.ToPlanes(image, 3);
            var rgba = new byte[4 * n];
            for (int i = 0; i < n; i++) (rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2], rgba[(4 * i) + 3]) = (planes[i], planes[n + i], planes[(2 * n) + i], 255);
            bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
            Copy(rgba, bitmap, 4 * image.Width);
        }

        using (bitmap)
        {
            using var encoded = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, quality)
                ?? throw new InvalidOperationException("Skia's JPEG encoder returned nothing");
            return encoded.ToArray();
        }
    }

    private static void Copy(byte[] pixels, SKBitmap bitmap, int rowBytes)
    {
        IntPtr dst = bitmap.GetPixels();
        for (int y = 0; y < bitmap.Height; y++) Marshal.Copy(pixels, y * rowBytes, dst + (y * bitmap.RowBytes), rowBytes);
    }
}
