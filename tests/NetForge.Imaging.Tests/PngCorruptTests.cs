using System.Buffers.Binary;

namespace NetForge.Imaging.Tests;

/// <summary>
/// Damaged PNGs through the Skia-backed decoder: every defect is an <see cref="ImageFormatException"/> naming the file, and
/// a file is either refused or decodes to exactly the pixels of the intact file — never padded, never half a picture.
/// </summary>
public class PngCorruptTests
{
    private static ImageFormatException Fails(byte[] png, string name = "x.png")
    {
        var ex = Assert.Throws<ImageFormatException>(() => ImageFile.Decode(png, name));
        Assert.StartsWith(name + ": ", ex.Message);
        return ex;
    }

    /// <summary>Refused with a named <see cref="ImageFormatException"/> (true) or decoded (false); any other exception fails the test.</summary>
    private static bool Refused(byte[] png, string context, out Image? image)
    {
        image = null;
        try
        {
            image = ImageFile.Decode(png, "f.png");
            return false;
        }
        catch (ImageFormatException ex)
        {
            Assert.True(ex.Message.StartsWith("f.png: ", StringComparison.Ordinal) && ex.Message.Length > 12, $"{context}: {ex.Message}");
            return true;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{context}: {ex.GetType().Name} escaped: {ex.Message}");
            throw;
        }
    }

    [Fact]
    public void A_damaged_signature_is_named()
    {
        var png = Fixtures.Bytes("ct0-d8.png");
        png[1] = (byte)'Q';
        Assert.Contains("unsupported image format", Fails(png, "corrupt.png").Message);

        var crlf = Fixtures.Bytes("ct0-d8.png");
        crlf[4] = (byte)'\n'; // \r\n → \n, the classic FTP text-mode damage
        Assert.Contains("a PNG with a damaged signature", Fails(crlf).Message);
        Assert.Contains("an empty file", Fails([]).Message);
        Assert.Equal("x.png: not a PNG file (the first 8 bytes are not the PNG signature)", Assert.Throws<ImageFormatException>(() => Png.Decode(png, "x.png")).Message);
    }

    [Fact]
    public void A_flipped_crc_in_a_critical_chunk_is_refused_and_in_an_ancillary_one_changes_nothing()
    {
        var good = Fixtures.Bytes("multi-idat.png");
        var pixels = ImageFile.Decode(good).Pixels;
        var chunks = PngBuilder.Chunks(good);
        Assert.Contains(chunks, c => c.Type == "tEXt");
        foreach (var (type, offset, length) in chunks)
        {
            var bad = (byte[])good.Clone();
            int crcAt = offset + 8 + length;
            BinaryPrimitives.WriteUInt32BigEndian(bad.AsSpan(crcAt), BinaryPrimitives.ReadUInt32BigEndian(bad.AsSpan(crcAt)) ^ 0x00010000);
            if (type is "IHDR" or "IDAT")
            {
                Fails(bad, "corrupt.png");
            }
            else if (!Refused(bad, type, out var image))
            {
                Assert.Equal(pixels, image!.Pixels); // libpng drops an ancillary chunk with a bad CRC
            }
        }
    }

    [Fact]
    public void Truncation_at_every_byte_is_refused_or_gives_the_whole_picture()
    {
        foreach (var file in new[] { "one-pixel-rgba.png", "3x2-adam7-palette.png", "multi-idat.png", "ct2-d16-adam7.png" })
        {
            var good = Fixtures.Bytes(file);
            var whole = ImageFile.Decode(good).Pixels;
            var decoded = new List<int>();
            for (int n = 0; n < good.Length; n++)
            {
                if (!Refused(good[..n], $"{file} cut at {n}", out var image))
                {
                    decoded.Add(n);
                    Assert.Equal(whole, image!.Pixels); // only checksums or IEND were cut
                }
            }
            // libpng stops reading once it has every row, so a cut in the last bytes of the deflate data may still give the
            // whole picture (asserted above); a cut in the middle of the image data never does
            var first = PngBuilder.Chunks(good).First(c => c.Type == "IDAT");
            int middle = first.Offset + 8 + (first.Length / 2);
            Assert.True(decoded.All(n => n > middle), $"{file}: cuts decoded: {string.Join(", ", decoded)}; the first IDAT's middle is byte {middle}");
        }
    }

    [Fact]
    public void A_cut_idat_names_the_file_and_says_truncated()
    {
        var good = Fixtures.Bytes("ct2-d8.png");
        var idat = PngBuilder.Chunks(good).Single(c => c.Type == "IDAT");
        var ex = Fails(good[..(idat.Offset + 8 + (idat.Length / 2))]);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void A_zlib_stream_cut_at_every_byte_is_refused_or_complete()
    {
        var raw = new byte[5 * (1 + 7)];
        new Random(3).NextBytes(raw);
        for (int r = 0; r < 5; r++)
        {
            raw[r * 8] = (byte)(r % 5);
        }
        var z = PngBuilder.Zlib(raw);
        var whole = ImageFile.Decode(new PngBuilder().Header(7, 5, 8, 0).Chunk("IDAT", z).End().ToArray()).Pixels;
        Assert.Equal(35, whole.Length);
        for (int n = 0; n < z.Length; n++)
        {
            var png = new PngBuilder().Header(7, 5, 8, 0).Chunk("IDAT", z[..n]).End().ToArray();
            if (!Refused(png, $"zlib cut at {n}", out var image))
            {
                Assert.True(n >= z.Length - 4, $"cut at {n} of {z.Length} decoded"); // only the Adler-32 trailer may be missing
                Assert.Equal(whole, image!.Pixels);
            }
        }
    }

    [Theory]
    [InlineData("multi-idat-adam7.png", 11)]
    [InlineData("trns-ct3-d4-adam7.png", 12)]
    [InlineData("trns-ct2-d16.png", 13)]
    [InlineData("ct0-d1-adam7.png", 14)]
    public void Random_damage_with_crcs_resealed_never_escapes_as_another_exception(string file, int seed)
    {
        // damage reaches every parser (IHDR fields, PLTE, tRNS, chunk lengths, the inflater, the unfilter) because the CRCs
        // are fixed afterwards
        var good = Fixtures.Bytes(file);
        var chunks = PngBuilder.Chunks(good);
        var rng = new Random(seed);
        int refused = 0;
        for (int i = 0; i < 500; i++)
        {
            var bad = (byte[])good.Clone();
            for (int k = 1 + rng.Next(3); k > 0; k--)
            {
                bad[8 + rng.Next(bad.Length - 8)] ^= (byte)(1 << rng.Next(8));
            }
            foreach (var (_, offset, length) in chunks)
            {
                if (offset + 12 + length <= bad.Length)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(bad.AsSpan(offset + 8 + length), Crc32.Compute(bad.AsSpan(offset + 4, 4 + length)));
                }
            }
            refused += Refused(bad, $"{file} iteration {i}", out _) ? 1 : 0;
        }
        Assert.InRange(refused, 1, 499); // the damage was seen, and some of it is harmless (filter bytes, pixel values)
    }

    [Fact]
    public void Too_little_image_data_is_refused()
    {
        // 4x3 gray 8-bit: 3 rows of 1 + 4 bytes = 15
        Assert.Contains("truncated", Fails(new PngBuilder().Header(4, 3, 8, 0).Data(new byte[14]).End().ToArray()).Message);
        Assert.Equal(12, ImageFile.Decode(new PngBuilder().Header(4, 3, 8, 0).Data(new byte[15]).End().ToArray()).Pixels.Length);
        Fails(new PngBuilder().Header(4, 3, 8, 0).End().ToArray()); // no IDAT at all
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(2, 4)]
    [InlineData(3, 16)]
    [InlineData(4, 2)]
    [InlineData(6, 1)]
    [InlineData(6, 32)]
    [InlineData(1, 8)]
    [InlineData(5, 8)]
    [InlineData(7, 8)]
    public void Illegal_depth_and_color_type_combinations_are_refused(byte colorType, byte depth)
    {
        var png = new PngBuilder().Header(2, 2, depth, colorType).Data(new byte[6]).End().ToArray();
        Assert.Contains("PNG", Fails(png).Message);
    }

    [Fact]
    public void Unknown_methods_and_bad_headers_are_refused()
    {
        Fails(new PngBuilder().Chunk("IHDR", PngBuilder.Ihdr(2, 2, 8, 0, compression: 1)).Data(new byte[6]).End().ToArray());
        Fails(new PngBuilder().Chunk("IHDR", PngBuilder.Ihdr(2, 2, 8, 0, filter: 1)).Data(new byte[6]).End().ToArray());
        Fails(new PngBuilder().Chunk("IHDR", PngBuilder.Ihdr(2, 2, 8, 0, interlace: 2)).Data(new byte[6]).End().ToArray());
        Fails(new PngBuilder().Chunk("IHDR", new byte[12]).End().ToArray());
        Fails(new PngBuilder().Data(new byte[3]).End().ToArray()); // IDAT before IHDR
        Fails([.. Png.Signature, 0xFF, 0xFF, 0xFF, 0xFF, .. "IHDR"u8.ToArray()]);
        Fails(new PngBuilder().Header(2, 2, 8, 3).Data(new byte[6]).End().ToArray()); // palette colour type without PLTE
        // unknown ancillary chunks are skipped
        Assert.NotNull(ImageFile.Decode(new PngBuilder().Header(2, 2, 8, 0).Chunk("abCD", [1]).Data(new byte[6]).Chunk("zzZZ", []).End().ToArray()));
    }

    [Theory]
    [InlineData(0u, 5u)]
    [InlineData(5u, 0u)]
    [InlineData(0x80000000u, 1u)]
    [InlineData(65536u, 65536u)]
    public void Zero_and_huge_dimensions_are_refused(uint w, uint h)
    {
        Fails(new PngBuilder().Header(w, h, 8, 6).Data(new byte[10]).End().ToArray());
    }

    [Fact]
    public void Decompression_bombs_are_refused_from_the_header_without_allocating()
    {
        // 8192 x 8192 RGBA is exactly the pixel limit (256 MiB), but 100 kB cannot inflate to it (deflate's maximum ratio
        // is 1032:1): refused before the picture is allocated
        var bomb = new PngBuilder().Header(8192, 8192, 8, 6).Data(new byte[100_000]).End().ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Fails(bomb);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4_000_000, "the bomb was allocated");
        Assert.Contains("deflate's maximum ratio is 1032:1", ex.Message);

        // above the pixel limit: refused from the header alone
        var huge = new PngBuilder().Header(16384, 16384, 8, 0).Data(new byte[1000]).End().ToArray();
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("more than the 67,108,864 (2^26)", Fails(huge).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void A_palette_png_with_transparency_decodes_to_its_colours()
    {
        byte[] plte = [255, 0, 0, 0, 255, 0];
        var ok = ImageFile.Decode(new PngBuilder().Header(2, 2, 8, 3).Chunk("PLTE", plte).Chunk("tRNS", [7]).Data([0, 0, 1, 0, 1, 1]).End().ToArray());
        Assert.Equal(new byte[] { 255, 0, 0, 7, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255 }, ok.Pixels);
    }

    [Fact]
    public void Corrupt_zlib_data_and_bad_filter_types_are_refused()
    {
        Fails(new PngBuilder().Header(2, 2, 8, 0).Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]).End().ToArray());
        Fails(new PngBuilder().Header(2, 2, 8, 0).Data([0, 1, 2, 5, 3, 4]).End().ToArray()); // row 1 filter type 5
        Fails(new PngBuilder().Header(1, 1, 8, 0, interlace: 1).Data([9, 1]).End().ToArray());
    }
}
