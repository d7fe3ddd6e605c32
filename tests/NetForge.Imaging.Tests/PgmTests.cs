using System.Text;

namespace NetForge.Imaging.Tests;

public class PgmTests
{
    private static ImageFormatException Fails(byte[] data, string name = "d.pgm")
    {
        var ex = Assert.Throws<ImageFormatException>(() => Pgm.Decode(data, name));
        Assert.StartsWith(name + ": ", ex.Message);
        return ex;
    }

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void Reads_plain_p2_with_comments_everywhere()
    {
        var image = Pgm.Decode(Ascii("P2\n# made by hand\n3 # width\n2\n# maxval next\n255\n0 128 255\n# a comment between rows\n 1\t2\r\n3\n"));
        Assert.Equal((3, 2, PixelFormat.Gray8), (image.Width, image.Height, image.Format));
        Assert.Equal(new byte[] { 0, 128, 255, 1, 2, 3 }, image.Pixels);
    }

    [Fact]
    public void Reads_raw_p5_with_a_comment_and_maxval_255()
    {
        byte[] data = [.. Ascii("P5 # raw\n2 2 255\n"), 0, 10, 200, 255];
        Assert.Equal(new byte[] { 0, 10, 200, 255 }, Pgm.Decode(data).Pixels);
    }

    [Fact]
    public void Scales_maxval_65535_and_other_maxvals_to_8_bits_with_rounding()
    {
        // 16-bit big-endian samples: 0, 65535, 128 (→ 0.498 → 0), 129 (→ 0.502 → 1), 32896 (= 128.0 exactly)
        byte[] data = [.. Ascii("P5\n5 1\n65535\n"), 0, 0, 0xFF, 0xFF, 0, 128, 0, 129, 0x80, 0x80];
        Assert.Equal(new byte[] { 0, 255, 0, 1, 128 }, Pgm.Decode(data).Pixels);
        Assert.Equal(new byte[] { 0, 255, 0, 1, 128 }, Pgm.Decode(Ascii("P2 5 1 65535 0 65535 128 129 32896")).Pixels);
        // maxval 1 (bitmap-like) and 15: v * 255 / maxval
        Assert.Equal(new byte[] { 0, 255 }, Pgm.Decode(Ascii("P2 2 1 1 0 1")).Pixels);
        Assert.Equal(new byte[] { 0, 17, 136, 255 }, Pgm.Decode([.. Ascii("P5 4 1 15\n"), 0, 1, 8, 15]).Pixels);
        // maxval 300 still uses 2 bytes per sample: 150/300 → 127.5 → 128
        Assert.Equal(new byte[] { 128 }, Pgm.Decode([.. Ascii("P5 1 1 300\n"), 0, 150]).Pixels);
    }

    [Fact]
    public void Truncated_p5_says_how_much_is_missing()
    {
        byte[] data = [.. Ascii("P5\n3 3\n255\n"), 1, 2, 3, 4];
        Assert.Equal("d.pgm: truncated: P5 3x3 with maxval 255 needs 9 data bytes after byte 11, 4 remain", Fails(data).Message);
        Assert.Contains("needs 18 data bytes", Fails([.. Ascii("P5 3 3 65535\n"), 1, 2]).Message);
        // every prefix of a valid file fails cleanly
        byte[] good = [.. Ascii("P5 # c\n2 2\n255\n"), 1, 2, 3, 4];
        for (int n = 0; n < good.Length; n++)
        {
            Fails(good[..n]);
        }
        byte[] plain = Ascii("P2 # c\n2 2\n255\n1 2 3 4");
        for (int n = 0; n < plain.Length - 1; n++)
        {
            Fails(plain[..n]);
        }
    }

    [Fact]
    public void Bad_headers_and_samples_are_named()
    {
        Assert.Contains("not a PGM file: expected magic number P2 or P5 (P6 is a color pixmap, PPM)", Fails(Ascii("P6 1 1 255\n...")).Message);
        Assert.Contains("expected magic number P2 or P5", Fails(Ascii("hello")).Message);
        Assert.Contains("header: width at byte 3 is not a decimal number (found 'x')", Fails(Ascii("P2 x 1 255 0")).Message);
        Assert.Contains("zero width (0x1)", Fails(Ascii("P2 0 1 255")).Message);
        Assert.Contains("maxval 0 is outside 1..65535", Fails(Ascii("P2 1 1 0 0")).Message);
        Assert.Contains("maxval 65536 is outside 1..65535", Fails(Ascii("P2 1 1 65536 0")).Message);
        Assert.Contains("sample 1 at byte 11 is 9, above maxval 7", Fails(Ascii("P2 2 1 7 1 9")).Message);
        Assert.Contains("sample 0 at byte 0xB", Fails([.. Ascii("P5 1 1 7\n"), 9]).Message.Replace("byte 9", "byte 0xB"));
        Assert.Contains("expected a decimal number, found '-'", Fails(Ascii("P2 2 1 7 1 -1")).Message);
        Assert.Contains("more than the 67108864 (2^26) pixels", Fails(Ascii("P5 100000 100000 255\n")).Message);
        Assert.Contains("truncated: P2 data ends after 1 of 2 samples", Fails(Ascii("P2 2 1 7 1 ")).Message);
    }

    [Fact]
    public void Huge_header_numbers_do_not_overflow()
    {
        Assert.Contains("pixels this reader accepts", Fails(Ascii("P2 99999999999999999999999 2 255")).Message);
    }
}
