using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace NetForge.Tests.Shared;

/// <summary>
/// Image-folder test sets written from real data: the first pictures of Debian's Fashion-MNIST (dataset-fashion-mnist;
/// .ci/run installs it) as PNG and JPEG files in one folder per class, encoded by SkiaSharp, the library NetForge decodes
/// with; and a colour variant, each garment tinted with a hue that has nothing to do with its class. One file linked
/// into the test projects that need it.
/// </summary>
internal static class PictureFolders
{
    public const string FashionFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class folders written (Fashion-MNIST's first three classes; names sorted as written).</summary>
    public static readonly string[] Classes = ["pullover", "trouser", "tshirt"];

    private static readonly int[] FashionLabel = [2, 1, 0];   // pullover, trouser, T-shirt/top

    /// <summary>Fashion-MNIST's images and labels from the Debian folder (raw IDX bytes after the headers).</summary>
    public static (byte[] Pixels, byte[] Labels) Fashion(string set)
    {
        string images = Path.Combine(FashionFolder, $"{set}-images-idx3-ubyte.gz"), labels = Path.Combine(FashionFolder, $"{set}-labels-idx1-ubyte.gz");
        if (!File.Exists(images)) throw new InvalidOperationException($"{images} not found: install Debian's dataset-fashion-mnist (.ci/run does)");
        return (Gunzip(images)[16..], Gunzip(labels)[8..]);
    }

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gz.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>One written picture: its file, class index (into <see cref="Classes"/>) and the 28x28 pixels it was made from.</summary>
    public sealed record Picture(string Path, int Label, byte[] Gray, (byte R, byte G, byte B) Tint);

    /// <summary>
    /// Writes <paramref name="perClass"/> pictures per class of Fashion-MNIST's <paramref name="set"/> (train or t10k)
    /// into <paramref name="dir"/>/CLASS/: even ones as PNG, odd ones as JPEG (quality 95); <paramref name="rgb"/> tints them.
    /// </summary>
    public static List<Picture> Write(string dir, string set, int perClass, bool rgb = false, int skip = 0)
    {
        var (pixels, labels) = Fashion(set);
        var written = new List<Picture>();
        var rng = new Random(set == "train" ? 3 : 4);
        for (int c = 0; c < Classes.Length; c++)
        {
            string folder = Path.Combine(dir, Classes[c]);
            Directory.CreateDirectory(folder);
            int found = 0, seen = 0;
            for (int i = 0; i < labels.Length && found < perClass; i++)
            {
                if (labels[i] != FashionLabel[c] || seen++ < skip) continue;
                var gray = pixels.AsSpan(i * 784, 784).ToArray();
                var tint = rgb ? ((byte)rng.Next(80, 256), (byte)rng.Next(80, 256), (byte)rng.Next(80, 256)) : ((byte)255, (byte)255, (byte)255);
                bool png = found % 2 == 0;
                string path = Path.Combine(folder, $"{set}-{i:D5}.{(png ? "png" : "jpg")}");
                File.WriteAllBytes(path, Encode(gray, 28, 28, rgb ? tint : null, png));
                written.Add(new Picture(path, c, gray, tint));
                found++;
            }
        }

        return written;
    }

    /// <summary>Encodes gray pixels (tinted into RGB when <paramref name="tint"/> is given) as PNG or JPEG with SkiaSharp.</summary>
    public static byte[] Encode(byte[] gray, int width, int height, (byte R, byte G, byte B)? tint, bool png, int quality = 95)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte g = gray[(y * width) + x];
                bitmap.SetPixel(x, y, tint is { } t ? new SKColor((byte)(g * t.R / 255), (byte)(g * t.G / 255), (byte)(g * t.B / 255)) : new SKColor(g, g, g));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(png ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    /// <summary>The RGB a tinted picture was made of, at pixel <paramref name="i"/>.</summary>
    public static (int R, int G, int B) Tinted(Picture p, int i) => (p.Gray[i] * p.Tint.R / 255, p.Gray[i] * p.Tint.G / 255, p.Gray[i] * p.Tint.B / 255);

    /// <summary>A JPEG whose frame header claims <paramref name="width"/> x <paramref name="height"/> (a decompression bomb's header).</summary>
    public static byte[] JpegClaiming(int width, int height)
    {
        var jpeg = Encode(new byte[64], 8, 8, null, png: false);
        for (int i = 2; i + 9 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 7), (ushort)width);
                return jpeg;
            }
        }

        throw new InvalidOperationException("no SOF marker in the encoded JPEG");
    }
}
