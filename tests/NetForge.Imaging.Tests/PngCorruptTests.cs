using System.Buffers.Binary;

namespace NetForge.Imaging.Tests;

public class PngCorruptTests
{
    private static ImageFormatException Fails(byte[] png, string name = "x.png")
    {
        var ex = Assert.Throws<ImageFormatException>(() => Png.Decode(png, name));
        Assert.StartsWith(name + ": ", ex.Message);
        return ex;
    }

    /// <summary>Decoding must either succeed or throw ImageFormatException with a message: nothing else may escape.</summary>
    private static void DecodesOrFailsCleanly(byte[] png, string context)
    {
        try
        {
            Png.Decode(png, "f.png");
        }
        catch (ImageFormatException ex)
        {
            Assert.True(ex.Message.Length > "f.png: ".Length, context);
        }
        catch (Exception ex)
        {
            Assert.Fail($"{context}: {ex.GetType().Name} escaped: {ex.Message}");
        }
    }

    [Fact]
    public void Bad_signature_is_named()
    {
        var png = Fixtures.Bytes("ct0-d8.png");
        png[1] = (byte)'Q';
        var ex = Fails(png, "corrupt.png");
        Assert.Contains("not a PNG file: bad signature 89 51 4E 47", ex.Message);

        var crlf = Fixtures.Bytes("ct0-d8.png");
        crlf[4] = (byte)'\n'; // \r\n → \n, the classic FTP text-mode damage
        Assert.Contains("line-ending", Fails(crlf).Message);
        Assert.Contains("bad signature (empty file)", Fails([]).Message);
    }

    [Fact]
    public void A_flipped_crc_in_any_chunk_is_caught_and_located()
    {
        var good = Fixtures.Bytes("multi-idat.png");
        var chunks = PngBuilder.Chunks(good);
        Assert.Contains(chunks, c => c.Type == "tEXt"); // ancillary chunks are CRC-checked too
        foreach (var (type, offset, length) in chunks)
        {
            var bad = (byte[])good.Clone();
            int crcAt = offset + 8 + length;
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(bad.AsSpan(crcAt)) ^ 0x00010000;
            BinaryPrimitives.WriteUInt32BigEndian(bad.AsSpan(crcAt), stored);
            var ex = Fails(bad, "corrupt.png");
            Assert.Equal(
                $"corrupt.png: chunk {type} at byte {offset}: CRC mismatch (stored 0x{stored:X8}, computed 0x{stored ^ 0x00010000:X8})",
                ex.Message);

            if (length > 0)
            {
                var flipped = (byte[])good.Clone();
                flipped[offset + 8 + (length / 2)] ^= 0x40; // a data byte this time
                Assert.Contains($"chunk {type} at byte {offset}: CRC mismatch", Fails(flipped).Message);
            }
        }
    }

    [Fact]
    public void Truncation_at_every_byte_fails_cleanly_with_a_message()
    {
        foreach (var file in new[] { "one-pixel-rgba.png", "3x2-adam7-palette.png", "multi-idat.png" })
        {
            var good = Fixtures.Bytes(file);
            for (int n = 0; n < good.Length; n++)
            {
                var ex = Assert.Throws<ImageFormatException>(() => Png.Decode(good.AsSpan(0, n), file));
                Assert.StartsWith(file + ": ", ex.Message);
                Assert.True(ex.Message.Contains("truncated") || ex.Message.Contains("missing IEND") || n < 8, $"{n}: {ex.Message}");
            }
            Assert.NotNull(Png.Decode(good));
        }
    }

    [Fact]
    public void Truncation_message_gives_declared_and_remaining_bytes()
    {
        var good = Fixtures.Bytes("ct2-d8.png");
        var idat = PngBuilder.Chunks(good).Single(c => c.Type == "IDAT");
        var ex = Fails(good[..(idat.Offset + 8 + 10)]);
        Assert.Equal($"x.png: truncated: IDAT chunk at byte {idat.Offset} declares {idat.Length} bytes, 10 remain", ex.Message);
    }

    [Fact]
    public void A_zlib_stream_cut_at_every_byte_fails_cleanly()
    {
        var raw = new byte[5 * (1 + 7)];
        new Random(3).NextBytes(raw);
        for (int r = 0; r < 5; r++)
        {
            raw[r * 8] = (byte)(r % 5);
        }
        var z = PngBuilder.Zlib(raw);
        for (int n = 0; n < z.Length; n++)
        {
            var png = new PngBuilder().Header(7, 5, 8, 0).Chunk("IDAT", z[..n]).End().ToArray();
            var ex = Assert.Throws<ImageFormatException>(() => Png.Decode(png, "cut.png"));
            Assert.Contains("IDAT", ex.Message);
            if (n >= z.Length - 4)
            {
                // all pixel data is there, only the Adler-32 trailer is cut: still refused
                Assert.Contains("Adler-32", ex.Message);
            }
        }
        Assert.Equal(35, Png.Decode(new PngBuilder().Header(7, 5, 8, 0).Chunk("IDAT", z).End().ToArray()).Pixels.Length);
    }

    [Fact]
    public void Random_damage_inside_idat_never_escapes_as_another_exception()
    {
        var good = Fixtures.Bytes("multi-idat-adam7.png");
        var idats = PngBuilder.Chunks(good).Where(c => c.Type == "IDAT" && c.Length > 0).ToList();
        var rng = new Random(11);
        for (int i = 0; i < 1500; i++)
        {
            var bad = (byte[])good.Clone();
            var (_, offset, length) = idats[rng.Next(idats.Count)];
            bad[offset + 8 + rng.Next(length)] ^= (byte)(1 << rng.Next(8));
            // re-seal the CRC so the damage reaches the inflater and the unfilter
            uint crc = Crc32.Compute(bad.AsSpan(offset + 4, 4 + length));
            BinaryPrimitives.WriteUInt32BigEndian(bad.AsSpan(offset + 8 + length), crc);
            DecodesOrFailsCleanly(bad, $"iteration {i}");
        }
    }

    [Fact]
    public void Random_damage_anywhere_with_crcs_resealed_never_escapes_as_another_exception()
    {
        // damage reaches every parser (IHDR fields, PLTE, tRNS, chunk lengths, IDAT) because the CRCs are fixed afterwards
        var rng = new Random(12);
        foreach (var file in new[] { "trns-ct3-d4-adam7.png", "trns-ct2-d16.png", "ct0-d1-adam7.png", "multi-idat.png" })
        {
            var good = Fixtures.Bytes(file);
            var chunks = PngBuilder.Chunks(good);
            for (int i = 0; i < 500; i++)
            {
                var bad = (byte[])good.Clone();
                int flips = 1 + rng.Next(3);
                for (int k = 0; k < flips; k++)
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
                DecodesOrFailsCleanly(bad, $"{file} iteration {i}");
            }
        }
    }

    [Fact]
    public void Missing_iend_is_refused()
    {
        var good = Fixtures.Bytes("ct0-d8.png");
        var iend = PngBuilder.Chunks(good).Single(c => c.Type == "IEND");
        Assert.Equal($"x.png: missing IEND chunk: the file ends at byte {iend.Offset} without one", Fails(good[..iend.Offset]).Message);
    }

    [Fact]
    public void Idat_shorter_or_longer_than_the_header_implies_is_refused()
    {
        // 4x3 gray 8-bit: 3 rows of 1 + 4 bytes = 15
        var shortPng = new PngBuilder().Header(4, 3, 8, 0).Data(new byte[14]).End().ToArray();
        Assert.Equal("x.png: IDAT too short: the data inflates to 14 bytes, the 4x3 color type 0, 8-bit header implies 15", Fails(shortPng).Message);
        var longPng = new PngBuilder().Header(4, 3, 8, 0).Data(new byte[16]).End().ToArray();
        Assert.Contains("IDAT too long: the data inflates to more than the 15 bytes", Fails(longPng).Message);
        Assert.Equal(12, Png.Decode(new PngBuilder().Header(4, 3, 8, 0).Data(new byte[15]).End().ToArray()).Pixels.Length);
        // interlaced sizes count the passes: 4x3 Adam7 → passes 1 (1x1), 3 (1x1), 4 (1x1)... computed independently below
        int expected = 0;
        foreach (var (x0, y0, dx, dy) in new[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) })
        {
            int pw = Enumerable.Range(0, 4).Count(x => x >= x0 && (x - x0) % dx == 0);
            int ph = Enumerable.Range(0, 3).Count(y => y >= y0 && (y - y0) % dy == 0);
            expected += pw > 0 && ph > 0 ? ph * (1 + pw) : 0;
        }
        Assert.NotNull(Png.Decode(new PngBuilder().Header(4, 3, 8, 0, interlace: 1).Data(new byte[expected]).End().ToArray()));
        Assert.Contains("too long", Fails(new PngBuilder().Header(4, 3, 8, 0, interlace: 1).Data(new byte[expected + 1]).End().ToArray()).Message);
        Assert.Contains("too short", Fails(new PngBuilder().Header(4, 3, 8, 0, interlace: 1).Data(new byte[expected - 1]).End().ToArray()).Message);
    }

    [Theory]
    [InlineData(0, 3, "bit depth 3 is not allowed with color type 0 (allowed: 1, 2, 4, 8, 16)")]
    [InlineData(2, 4, "bit depth 4 is not allowed with color type 2 (allowed: 8, 16)")]
    [InlineData(3, 16, "bit depth 16 is not allowed with color type 3 (allowed: 1, 2, 4, 8)")]
    [InlineData(4, 2, "bit depth 2 is not allowed with color type 4 (allowed: 8, 16)")]
    [InlineData(6, 1, "bit depth 1 is not allowed with color type 6 (allowed: 8, 16)")]
    [InlineData(6, 32, "bit depth 32 is not allowed with color type 6 (allowed: 8, 16)")]
    [InlineData(1, 8, "invalid color type 1 (legal: 0, 2, 3, 4, 6)")]
    [InlineData(5, 8, "invalid color type 5 (legal: 0, 2, 3, 4, 6)")]
    [InlineData(7, 8, "invalid color type 7 (legal: 0, 2, 3, 4, 6)")]
    public void Illegal_depth_and_color_type_combinations_are_refused(byte colorType, byte depth, string message)
    {
        var png = new PngBuilder().Header(2, 2, depth, colorType).Data(new byte[6]).End().ToArray();
        Assert.Equal("x.png: IHDR: " + message, Fails(png).Message);
    }

    [Fact]
    public void Unknown_methods_and_bad_header_length_are_refused()
    {
        Assert.Contains("unknown compression method 1", Fails(new PngBuilder().Chunk("IHDR", PngBuilder.Ihdr(2, 2, 8, 0, compression: 1)).End().ToArray()).Message);
        Assert.Contains("unknown filter method 1", Fails(new PngBuilder().Chunk("IHDR", PngBuilder.Ihdr(2, 2, 8, 0, filter: 1)).End().ToArray()).Message);
        Assert.Contains("unknown interlace method 2", Fails(new PngBuilder().Chunk("IHDR", PngBuilder.Ihdr(2, 2, 8, 0, interlace: 2)).End().ToArray()).Message);
        Assert.Contains("IHDR has 12 bytes, expected 13", Fails(new PngBuilder().Chunk("IHDR", new byte[12]).End().ToArray()).Message);
        Assert.Contains("first chunk is IDAT at byte 8, expected IHDR", Fails(new PngBuilder().Data(new byte[3]).End().ToArray()).Message);
    }

    [Theory]
    [InlineData(0u, 5u, "IHDR: zero width (0x5)")]
    [InlineData(5u, 0u, "IHDR: zero height (5x0)")]
    [InlineData(0x80000000u, 1u, "IHDR: dimensions 2147483648x1 exceed the PNG limit of 2^31-1")]
    [InlineData(65536u, 65536u, "IHDR: 65536x65536 is 4294967296 pixels, more than the 268435456 (2^28) this decoder accepts")]
    public void Zero_and_huge_dimensions_are_refused(uint w, uint h, string message)
    {
        var png = new PngBuilder().Header(w, h, 8, 6).Data(new byte[10]).End().ToArray();
        Assert.Equal("x.png: " + message, Fails(png).Message);
    }

    [Fact]
    public void Huge_images_are_refused_without_allocating()
    {
        // 2^28 pixels exactly passes the pixel cap, but a few hundred compressed bytes cannot inflate to 1 GiB:
        // refused before the output (1 GiB) is allocated.
        var bomb = new PngBuilder().Header(16384, 16384, 8, 6).Data(new byte[100_000]).End().ToArray();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Fails(bomb);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("IDAT too short:", ex.Message);
        Assert.Contains("deflate's maximum ratio is 1032:1", ex.Message);
        Assert.True(allocated < 4_000_000, $"allocated {allocated} bytes");

        var huge = new PngBuilder().Header(1u << 20, 1u << 20, 16, 6).End().ToArray();
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("more than the 268435456 (2^28)", Fails(huge).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void Chunk_order_and_presence_rules_are_enforced()
    {
        var raw = new byte[2 * 3];
        Assert.Contains("unknown critical chunk ABCD at byte 33", Fails(new PngBuilder().Header(2, 2, 8, 0).Chunk("ABCD", [1]).Data(raw).End().ToArray()).Message);
        // ancillary unknown chunks are skipped
        Assert.NotNull(Png.Decode(new PngBuilder().Header(2, 2, 8, 0).Chunk("abCD", [1]).Data(raw).Chunk("zzZZ", []).End().ToArray()));
        Assert.Contains("IDAT chunks must be consecutive", Fails(new PngBuilder().Header(2, 2, 8, 0).Chunk("IDAT", PngBuilder.Zlib(raw)[..4]).Chunk("tEXt", [65, 0, 66]).Chunk("IDAT", PngBuilder.Zlib(raw)[4..]).End().ToArray()).Message);
        Assert.Contains("no IDAT chunk", Fails(new PngBuilder().Header(2, 2, 8, 0).End().ToArray()).Message);
        Assert.Contains("IEND chunk at byte 33 has 1 data bytes", Fails(new PngBuilder().Header(2, 2, 8, 0).Chunk("IEND", [0]).ToArray()).Message);
        Assert.Contains("second IHDR", Fails(new PngBuilder().Header(2, 2, 8, 0).Header(2, 2, 8, 0).Data(raw).End().ToArray()).Message);
        Assert.Contains("invalid chunk type 49443154", Fails(new PngBuilder().Header(2, 2, 8, 0).Chunk("ID1T", raw).End().ToArray()).Message);
        Assert.Contains("exceeds the PNG limit", Fails([.. Png.Signature, 0xFF, 0xFF, 0xFF, 0xFF, .. "IHDR"u8.ToArray()]).Message);
    }

    [Fact]
    public void Palette_rules_are_enforced()
    {
        var raw = new byte[2 * 3];
        byte[] plte = [255, 0, 0, 0, 255, 0];
        Assert.Contains("color type 3 (palette) needs a PLTE chunk", Fails(new PngBuilder().Header(2, 2, 8, 3).Data(raw).End().ToArray()).Message);
        Assert.Contains("not allowed in a grayscale image", Fails(new PngBuilder().Header(2, 2, 8, 0).Chunk("PLTE", plte).Data(raw).End().ToArray()).Message);
        Assert.Contains("PLTE chunk at byte 33 has 5 bytes", Fails(new PngBuilder().Header(2, 2, 8, 3).Chunk("PLTE", new byte[5]).Data(raw).End().ToArray()).Message);
        Assert.Contains("PLTE has 3 entries, more than a 1-bit index can address (2)", Fails(new PngBuilder().Header(2, 2, 1, 3).Chunk("PLTE", new byte[9]).Data(raw).End().ToArray()).Message);
        Assert.Contains("tRNS has 3 alpha values but the palette only 2 entries", Fails(new PngBuilder().Header(2, 2, 8, 3).Chunk("PLTE", plte).Chunk("tRNS", [1, 2, 3]).Data(raw).End().ToArray()).Message);
        Assert.Contains("tRNS chunk at byte 33 comes before PLTE", Fails(new PngBuilder().Header(2, 2, 8, 3).Chunk("tRNS", [1]).Chunk("PLTE", plte).Data(raw).End().ToArray()).Message);
        Assert.Contains("has 4 bytes, expected 6 for color type 2", Fails(new PngBuilder().Header(2, 2, 8, 2).Chunk("tRNS", new byte[4]).Data(new byte[14]).End().ToArray()).Message);
        Assert.Contains("PLTE chunk at byte", Fails(new PngBuilder().Header(2, 2, 8, 3).Chunk("PLTE", plte).Data(raw).Chunk("PLTE", plte).End().ToArray()).Message);

        // index 2 with a 2-entry palette
        byte[] bad = [0, 0, 1, 0, 1, 2];
        var ex = Fails(new PngBuilder().Header(2, 2, 8, 3).Chunk("PLTE", plte).Data(bad).End().ToArray());
        Assert.Contains("pixel (1, 1) uses palette index 2, but PLTE has only 2 entries", ex.Message);
        var ok = Png.Decode(new PngBuilder().Header(2, 2, 8, 3).Chunk("PLTE", plte).Chunk("tRNS", [7]).Data([0, 0, 1, 0, 1, 1]).End().ToArray());
        Assert.Equal(new byte[] { 255, 0, 0, 7, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255 }, ok.Pixels);
    }

    [Fact]
    public void Trns_in_a_color_type_with_alpha_is_ignored_like_libpng()
    {
        var png = new PngBuilder().Header(1, 1, 8, 4).Chunk("tRNS", [0, 0]).Data([0, 9, 200]).End().ToArray();
        var image = Png.Decode(png);
        Assert.Equal(PixelFormat.GrayAlpha8, image.Format);
        Assert.Equal(new byte[] { 9, 200 }, image.Pixels);
    }

    [Fact]
    public void Gray_trns_below_16_bits_uses_only_the_low_bits()
    {
        // 2-bit gray, 4 pixels 0,1,2,3 in one byte; tRNS says 0x0102 whose low 2 bits are 2
        var png = new PngBuilder().Header(4, 1, 2, 0).Chunk("tRNS", [1, 2]).Data([0, 0b00_01_10_11]).End().ToArray();
        var image = Png.Decode(png);
        Assert.Equal(new byte[] { 0, 255, 85, 255, 170, 0, 255, 255 }, image.Pixels);
    }

    [Fact]
    public void Invalid_filter_type_names_the_row()
    {
        var png = new PngBuilder().Header(2, 2, 8, 0).Data([0, 1, 2, 5, 3, 4]).End().ToArray();
        Assert.Equal("x.png: IDAT: row 1 has invalid filter type 5 (legal: 0-4)", Fails(png).Message);
        var interlaced = new PngBuilder().Header(1, 1, 8, 0, interlace: 1).Data([9, 1]).End().ToArray();
        Assert.Contains("Adam7 pass 1 row 0 has invalid filter type 9", Fails(interlaced).Message);
    }

    [Fact]
    public void Corrupt_zlib_data_is_reported_as_a_format_error()
    {
        var png = new PngBuilder().Header(2, 2, 8, 0).Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]).End().ToArray();
        Assert.Contains("IDAT", Fails(png).Message);
        var z = PngBuilder.Zlib(new byte[6]);
        z[^1] ^= 1; // Adler-32 damaged
        DecodesOrFailsCleanly(new PngBuilder().Header(2, 2, 8, 0).Chunk("IDAT", z).End().ToArray(), "adler");
    }
}
