using System.Diagnostics;
using SkiaSharp;
using Xunit.Abstractions;

namespace NetForge.Imaging.Tests;

/// <summary>
/// JPEG, BMP, GIF and WebP through Skia's codecs (ImageFile sniffs the format): real photos that ship with Debian's
/// python3-sklearn, pictures written by an independent encoder (Skia's own JPEG/WebP encoders; BMP and GIF written here
/// byte by byte), decompression bombs refused from the header, and a fuzz run over mutated files of every format.
/// </summary>
public class PictureDecodingTests(ITestOutputHelper output)
{
    private const string SklearnImages = "/usr/lib/python3/dist-packages/sklearn/datasets/images";

    /// <summary>A 24-bit bottom-up BMP of <paramref name="rgb"/> (width x height x 3).</summary>
    internal static byte[] Bmp(byte[] rgb, int width, int height)
    {
        int row = ((width * 3) + 3) & ~3;
        var b = new byte[54 + (row * height)];
        b[0] = (byte)'B';
        b[1] = (byte)'M';
        BitConverter.GetBytes(b.Length).CopyTo(b, 2);
        BitConverter.GetBytes(54).CopyTo(b, 10);
        BitConverter.GetBytes(40).CopyTo(b, 14);
        BitConverter.GetBytes(width).CopyTo(b, 18);
        BitConverter.GetBytes(height).CopyTo(b, 22);
        BitConverter.GetBytes((short)1).CopyTo(b, 26);
        BitConverter.GetBytes((short)24).CopyTo(b, 28);
        BitConverter.GetBytes(row * height).CopyTo(b, 34);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int src = 3 * ((y * width) + x), dst = 54 + ((height - 1 - y) * row) + (3 * x);
                (b[dst], b[dst + 1], b[dst + 2]) = (rgb[src + 2], rgb[src + 1], rgb[src]);
            }
        }

        return b;
    }

    /// <summary>
    /// A GIF89a of gray pixels with a 256-gray palette and two frames (the second inverted): LZW with 9-bit codes kept
    /// constant by a clear code every 254 pixels (a valid, uncompressed-style stream).
    /// </summary>
    internal static byte[] Gif(byte[] gray, int width, int height)
    {
        var s = new MemoryStream();
        s.Write("GIF89a"u8);
        s.Write(BitConverter.GetBytes((ushort)width));
        s.Write(BitConverter.GetBytes((ushort)height));
        s.WriteByte(0xF7); // global colour table, 8 bits, 256 entries
        s.WriteByte(0);
        s.WriteByte(0);
        for (int i = 0; i < 256; i++) s.Write([(byte)i, (byte)i, (byte)i]);
        foreach (bool invert in new[] { false, true })
        {
            s.WriteByte(0x2C);
            s.Write(new byte[4]);
            s.Write(BitConverter.GetBytes((ushort)width));
            s.Write(BitConverter.GetBytes((ushort)height));
            s.WriteByte(0);
            s.WriteByte(8); // LZW minimum code size
            var codes = new List<int> { 256 };
            for (int i = 0; i < gray.Length; i++)
            {
                if (i > 0 && i % 254 == 0) codes.Add(256);
                codes.Add(invert ? 255 - gray[i] : gray[i]);
            }
            codes.Add(257);
            var bytes = new List<byte>();
            int acc = 0, bits = 0;
            foreach (int c in codes)
            {
                acc |= c << bits;
                bits += 9;
                while (bits >= 8)
                {
                    bytes.Add((byte)acc);
                    acc >>= 8;
                    bits -= 8;
                }
            }
            if (bits > 0) bytes.Add((byte)acc);
            for (int i = 0; i < bytes.Count; i += 255)
            {
                int n = Math.Min(255, bytes.Count - i);
                s.WriteByte((byte)n);
                s.Write(bytes.GetRange(i, n).ToArray());
            }
            s.WriteByte(0);
        }
        s.WriteByte(0x3B);
        return s.ToArray();
    }

    private static byte[] Gradient(int width, int height) =>
        [.. Enumerable.Range(0, width * height).Select(i => (byte)((i * 37) % 251))];

    private static byte[] SkiaEncode(byte[] gray, int width, int height, SKEncodedImageFormat format, int quality)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(gray, 0, bitmap.GetPixels(), gray.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    [Fact]
    public void Real_photos_from_a_debian_package_decode()
    {
        foreach (var name in new[] { "china.jpg", "flower.jpg" })
        {
            string path = Path.Combine(SklearnImages, name);
            Assert.True(File.Exists(path), $"{path} not found: install Debian's python3-sklearn (.ci/run does)");
            var image = ImageFile.Load(path);
            Assert.Equal((640, 427, PixelFormat.Rgba8), (image.Width, image.Height, image.Format));
            var planes = Preprocess.ToPlanes(image, 3);
            Assert.True(planes.Distinct().Count() > 200, "a photo has many values");
        }
    }

    [Fact]
    public void Bmp_and_gif_written_byte_by_byte_decode_exactly_and_gif_gives_its_first_frame()
    {
        var gray = Gradient(13, 7);
        var rgb = gray.SelectMany(g => new[] { g, (byte)(255 - g), (byte)(g / 2) }).ToArray();
        var bmp = ImageFile.Decode(Bmp(rgb, 13, 7), "x.bmp");
        Assert.Equal((13, 7), (bmp.Width, bmp.Height));
        var planes = Preprocess.ToPlanes(bmp, 3);
        for (int i = 0; i < 13 * 7; i++) Assert.Equal((rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2]), (planes[i], planes[91 + i], planes[182 + i]));

        var gif = ImageFile.Decode(Gif(gray, 13, 7), "x.gif");
        Assert.Equal(gray, Preprocess.ToGray(gif));
    }

    [Fact]
    public void Jpeg_and_webp_from_skias_encoders_decode_close_to_their_source()
    {
        var gray = Gradient(40, 30);
        foreach (var (format, max) in new[] { (SKEncodedImageFormat.Jpeg, 12.0), (SKEncodedImageFormat.Webp, 12.0) })
        {
            var decoded = Preprocess.ToGray(ImageFile.Decode(SkiaEncode(gray, 40, 30, format, 95), "x"));
            double mean = decoded.Zip(gray, (a, b) => Math.Abs(a - b)).Average();
            Assert.True(mean < max, $"{format}: mean |difference| {mean:F2}");
        }
    }

    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        using var bitmap = new SKBitmap(8, 8);
        using var image = SKImage.FromBitmap(bitmap);
        var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
        int sof = Enumerable.Range(2, jpeg.Length - 10).First(i => jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC2);
        (jpeg[sof + 5], jpeg[sof + 6], jpeg[sof + 7], jpeg[sof + 8]) = (0xEA, 0x60, 0xEA, 0x60);   // 60000 x 60000
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<ImageFormatException>(() => ImageFile.Decode(jpeg, "bomb.jpg"));
        Assert.Equal("bomb.jpg: JPEG of 60000x60000 is 3,600,000,000 pixels, more than the 67,108,864 (2^26) this reader decodes", ex.Message);
        Assert.True(clock.ElapsedMilliseconds < 2000);
    }

    /// <summary>
    /// Mutated files of every format (truncations, bit flips, overwritten runs): each decodes to a picture of sane size or
    /// throws <see cref="ImageFormatException"/> naming the file; nothing else, none slow.
    /// </summary>
    [Fact]
    public void Fuzzed_pictures_decode_or_fail_cleanly()
    {
        var gray = Gradient(24, 20);
        var seeds = new (string Name, byte[] Bytes)[]
        {
            ("seed.png", Png.Encode(new Image(24, 20, PixelFormat.Gray8, gray))),
            ("seed.jpg", SkiaEncode(gray, 24, 20, SKEncodedImageFormat.Jpeg, 90)),
            ("seed.webp", SkiaEncode(gray, 24, 20, SKEncodedImageFormat.Webp, 90)),
            ("seed.bmp", Bmp(gray.SelectMany(g => new[] { g, g, g }).ToArray(), 24, 20)),
            ("seed.gif", Gif(gray, 24, 20)),
        };
        var rng = new Random(20261207);
        foreach (var (name, bytes) in seeds)
        {
            int decoded = 0, refused = 0;
            double slowest = 0;
            for (int t = 0; t < 400; t++)
            {
                byte[] m = t switch
                {
                    < 40 => bytes[..(int)((long)bytes.Length * t / 40)],
                    < 300 => Flip(bytes, rng, 1 + (t % 6)),
                    _ => Overwrite(bytes, rng),
                };
                var clock = Stopwatch.StartNew();
                try
                {
                    var image = ImageFile.Decode(m, name);
                    Assert.InRange((long)image.Width * image.Height, 1, 1L << 26);
                    decoded++;
                }
                catch (ImageFormatException e)
                {
                    Assert.StartsWith(name + ": ", e.Message);
                    refused++;
                }
                slowest = Math.Max(slowest, clock.Elapsed.TotalMilliseconds);
            }
            output.WriteLine($"{name}: 400 mutations: {decoded} decoded, {refused} refused, slowest {slowest:F1} ms");
            Assert.True(slowest < 2000, $"{name}: a mutation took {slowest:F0} ms");
            Assert.True(refused > 0);
        }
    }

    private static byte[] Flip(byte[] bytes, Random rng, int flips)
    {
        var m = (byte[])bytes.Clone();
        for (int k = 0; k < flips; k++) m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8));
        return m;
    }

    private static byte[] Overwrite(byte[] bytes, Random rng)
    {
        var m = (byte[])bytes.Clone();
        int start = rng.Next(m.Length), length = Math.Min(m.Length - start, 1 + rng.Next(16));
        byte value = (byte)(rng.Next(2) == 0 ? 0xFF : rng.Next(256));
        m.AsSpan(start, length).Fill(value);
        return m;
    }
}
