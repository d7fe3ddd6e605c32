namespace NetForge.Imaging.Tests;

public class PngRoundTripTests
{
    public static TheoryData<PixelFormat, int, int> Cases()
    {
        var data = new TheoryData<PixelFormat, int, int>();
        foreach (var format in Enum.GetValues<PixelFormat>())
        {
            foreach (var (w, h) in new[] { (1, 1), (3, 7), (33, 2), (64, 48) })
            {
                data.Add(format, w, h);
            }
        }
        return data;
    }

    private static Image Random(PixelFormat format, int w, int h, int seed)
    {
        var rng = new Random(seed);
        var image = new Image(w, h, format);
        rng.NextBytes(image.Pixels);
        return image;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_then_decode_gives_back_the_same_image(PixelFormat format, int w, int h)
    {
        foreach (int seed in new[] { 1, 2 })
        {
            var image = Random(format, w, h, seed + (w * 100) + h);
            var back = Png.Decode(Png.Encode(image));
            Assert.Equal((w, h), (back.Width, back.Height));
            Assert.Equal(format == PixelFormat.Gray8 ? PixelFormat.Gray8 : PixelFormat.Rgba8, back.Format);
            Assert.Equal(Rgba.Of(image), Rgba.Of(back));
        }
    }

    [Fact]
    public void Smooth_content_round_trips_and_compresses()
    {
        var image = new Image(100, 80, PixelFormat.Rgb8);
        for (int y = 0; y < 80; y++)
        {
            for (int x = 0; x < 100; x++)
            {
                int o = ((y * 100) + x) * 3;
                image.Pixels[o] = (byte)(x * 2);
                image.Pixels[o + 1] = (byte)(y * 3);
                image.Pixels[o + 2] = (byte)(x + y);
            }
        }
        var png = Png.Encode(image);
        Assert.True(png.Length < image.Pixels.Length / 4, $"{png.Length} bytes for {image.Pixels.Length} raw");
        Assert.Equal(Rgba.Of(image), Png.Decode(png).Pixels);
    }

    [Fact]
    public void Encoder_writes_8_bit_non_interlaced_headers_with_the_right_color_type()
    {
        foreach (var (format, colorType) in new[] { (PixelFormat.Gray8, 0), (PixelFormat.GrayAlpha8, 6), (PixelFormat.Rgb8, 2), (PixelFormat.Rgba8, 6) })
        {
            var png = Png.Encode(new Image(5, 3, format));
            Assert.True(Png.IsPng(png));
            var chunks = PngBuilder.Chunks(png);
            Assert.Equal("IHDR", chunks[0].Type);
            Assert.Equal("IEND", chunks[^1].Type);
            Assert.Equal(new byte[] { 0, 0, 0, 5, 0, 0, 0, 3, 8, (byte)colorType, 0, 0, 0 }, png.AsSpan(16, 13).ToArray());
        }
    }

    [Fact]
    public void Write_is_atomic_and_leaves_no_temporary_file()
    {
        string dir = Path.Combine(Path.GetTempPath(), "nf-imaging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "digit.png");
            File.WriteAllText(path, "old content");
            var image = Random(PixelFormat.GrayAlpha8, 28, 28, 5);
            Png.Write(path, image);
            Assert.Equal(new[] { "digit.png" }, Directory.GetFiles(dir).Select(Path.GetFileName));
            Assert.Equal(Rgba.Of(image), Png.Read(path).Pixels);
            Assert.Equal(Rgba.Of(image), ImageFile.Load(path).Pixels);

            // a failing write (folder missing) throws and leaves nothing behind
            Assert.ThrowsAny<IOException>(() => Png.Write(Path.Combine(dir, "missing", "x.png"), image));
            Assert.Single(Directory.GetFileSystemEntries(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Data_uri_carries_the_encoded_png()
    {
        var image = Random(PixelFormat.Gray8, 28, 28, 8);
        string uri = Png.ToDataUri(image);
        Assert.StartsWith("data:image/png;base64,iVBORw0KGgo", uri);
        Assert.Equal(image.Pixels, Png.Decode(Convert.FromBase64String(uri["data:image/png;base64,".Length..])).Pixels);
    }

    [Fact]
    public void Image_constructor_validates_sizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(0, 1, PixelFormat.Gray8, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(1, -1, PixelFormat.Gray8, []));
        var ex = Assert.Throws<ArgumentException>(() => new Image(2, 2, PixelFormat.Rgb8, new byte[11]));
        Assert.Contains("needs 12 bytes", ex.Message);
        Assert.Equal(4, new Image(1, 1, PixelFormat.Rgba8).Channels);
        Assert.Equal(2, new Image(1, 1, PixelFormat.GrayAlpha8).Channels);
    }
}
