namespace NetForge.Imaging.Tests;

/// <summary>
/// Decodes PNGs written by tools/fixtures/png.py (its own filters, Adam7 and zlib.crc32) through Skia and compares every
/// pixel with the manifest, as RGBA: Skia gives <see cref="PixelFormat.Gray8"/> for opaque gray and
/// <see cref="PixelFormat.Rgba8"/> for everything else.
/// </summary>
public class PngFixtureTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var e in Fixtures.All)
        {
            data.Add(e.File);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Decodes_fixture_exactly(string file)
    {
        var expected = Fixtures.All.Single(e => e.File == file);
        var image = Png.Read(Path.Combine(Fixtures.Dir, file));
        Assert.Equal((expected.Width, expected.Height), (image.Width, image.Height));
        var format = Enum.Parse<PixelFormat>(expected.Format);
        Assert.Equal(format == PixelFormat.Gray8 ? PixelFormat.Gray8 : PixelFormat.Rgba8, image.Format);
        var want = Rgba.Of(format, Convert.FromHexString(expected.Pixels));
        Assert.Equal(Convert.ToHexString(want), Convert.ToHexString(Rgba.Of(image)));
    }

    [Fact]
    public void Fixtures_cover_every_color_type_and_depth_plainly_and_interlaced()
    {
        var names = Fixtures.All.Select(e => e.File).ToHashSet();
        foreach (var (ct, depths) in new[] { (0, new[] { 1, 2, 4, 8, 16 }), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16]) })
        {
            foreach (var d in depths)
            {
                Assert.Contains($"ct{ct}-d{d}.png", names);
                Assert.Contains($"ct{ct}-d{d}-adam7.png", names);
            }
        }
        for (int f = 0; f < 5; f++)
        {
            Assert.Contains($"filter{f}-rgba16.png", names);
        }
        Assert.True(PngBuilder.Chunks(Fixtures.Bytes("multi-idat.png")).Count(c => c.Type == "IDAT") > 3);
        // sizes stay small: the whole folder is committed
        Assert.True(Directory.GetFiles(Fixtures.Dir).Sum(f => new FileInfo(f).Length) < 200_000);
    }

    [Fact]
    public void The_test_crc32_matches_the_standard_check_value()
    {
        // PngBuilder seals the chunks of hand-made PNGs with it
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Transparency_gives_rgba_and_opaque_gray_stays_gray()
    {
        Assert.Equal(PixelFormat.Rgba8, Png.Decode(Fixtures.Bytes("trns-ct3-d4.png")).Format);
        Assert.Equal(PixelFormat.Rgba8, Png.Decode(Fixtures.Bytes("ct3-d4.png")).Format);
        Assert.Equal(PixelFormat.Gray8, Png.Decode(Fixtures.Bytes("ct0-d8.png")).Format);
        var gray = Png.Decode(Fixtures.Bytes("trns-ct0-d8.png"));
        Assert.Equal(PixelFormat.Rgba8, gray.Format);
        Assert.Equal(0, gray.Pixels[3]); // png.py makes pixel (0,0) the transparent gray
        Assert.Contains(gray.Pixels.Where((_, i) => i % 4 == 3), a => a == 255);
    }

    [Fact]
    public void Interlaced_and_plain_versions_of_the_same_samples_decode_alike()
    {
        // png.py uses different seeds per file, so compare each with its manifest instead; here: Adam7 with empty passes.
        var tiny = Png.Decode(Fixtures.Bytes("one-pixel-adam7.png"));
        Assert.Equal((1, 1, PixelFormat.Gray8), (tiny.Width, tiny.Height, tiny.Format));
        var tall = Png.Decode(Fixtures.Bytes("2x9-adam7-rgb16.png"));
        Assert.Equal((2, 9, PixelFormat.Rgba8), (tall.Width, tall.Height, tall.Format));
    }
}
