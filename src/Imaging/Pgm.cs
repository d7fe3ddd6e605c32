using System.Globalization;

namespace NetForge.Imaging;

/// <summary>
/// A reader for Netpbm gray maps (PGM): P2 (plain, ASCII decimal samples) and P5 (raw, binary samples).
/// <para>
/// The header is the magic number, width, height and maxval separated by whitespace, with <c>#</c> comments (to the end of
/// the line) allowed wherever whitespace is; P2 also tolerates comments between samples. In P5 exactly one whitespace byte
/// follows maxval, then width × height samples of one byte (maxval &lt; 256) or two big-endian bytes (maxval ≥ 256). maxval
/// may be 1 to 65535; samples are scaled to 8 bits as round(v × 255 / maxval) (halves rounded up) and a sample above maxval
/// is an error. Anything after the first image is ignored. The result is always <see cref="PixelFormat.Gray8"/>.
/// </para>
/// </summary>
public static class Pgm
{
    /// <summary>True when <paramref name="data"/> starts with <c>P2</c> or <c>P5</c> followed by whitespace or <c>#</c>.</summary>
    public static bool IsPgm(ReadOnlySpan<byte> data) =>
        data.Length >= 3 && data[0] == 'P' && (data[1] == '2' || data[1] == '5') && (IsSpace(data[2]) || data[2] == '#');

    /// <summary>Reads and decodes the PGM file at <paramref name="path"/>; format errors name the file.</summary>
    public static Image Read(string path) => Decode(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>
    /// Decodes a P2 or P5 PGM held in memory. <paramref name="name"/> prefixes every error message. Throws
    /// <see cref="ImageFormatException"/> for a wrong magic number, a missing or non-numeric header field, zero or huge
    /// dimensions (more than <see cref="ImageFile.MaxPixels"/> pixels), maxval outside 1..65535, a sample above maxval, or
    /// too few samples.
    /// </summary>
    public static Image Decode(ReadOnlySpan<byte> data, string? name = null)
    {
        string prefix = name is null ? string.Empty : name + ": ";
        ImageFormatException Fail(string message) => new(prefix + message);

        if (data.Length < 2 || data[0] != 'P' || (data[1] != '2' && data[1] != '5'))
        {
            string found = data.Length >= 2 && data[0] == 'P' && data[1] is (byte)'1' or (byte)'3' or (byte)'4' or (byte)'6'
                ? Inv($" (P{(char)data[1]} is a {(data[1] is (byte)'1' or (byte)'4' ? "bitmap, PBM" : "color pixmap, PPM")})")
                : string.Empty;
            throw Fail($"not a PGM file: expected magic number P2 or P5{found}");
        }
        bool plain = data[1] == '2';
        int pos = 2;
        long w = ReadHeaderNumber(data, ref pos, "width", prefix);
        long h = ReadHeaderNumber(data, ref pos, "height", prefix);
        long maxval = ReadHeaderNumber(data, ref pos, "maxval", prefix);
        if (w == 0 || h == 0)
        {
            throw Fail(Inv($"zero {(w == 0 ? "width" : "height")} ({w}x{h})"));
        }
        if (w > int.MaxValue || h > int.MaxValue || w * h > ImageFile.MaxPixels)
        {
            throw Fail(Inv($"{w}x{h} is more than the {ImageFile.MaxPixels} (2^26) pixels this reader accepts"));
        }
        if (maxval < 1 || maxval > 65535)
        {
            throw Fail(Inv($"maxval {maxval} is outside 1..65535"));
        }
        int count = (int)(w * h);
        int max = (int)maxval;
        var pixels = new byte[count];
        if (plain)
        {
            for (int i = 0; i < count; i++)
            {
                SkipSpaceAndComments(data, ref pos);
                if (pos >= data.Length)
                {
                    throw Fail(Inv($"truncated: P2 data ends after {i} of {count} samples ({w}x{h})"));
                }
                int start = pos;
                long v = ReadDigits(data, ref pos);
                if (pos == start)
                {
                    throw Fail(Inv($"sample {i} at byte {start}: expected a decimal number, found '{Printable(data[start])}'"));
                }
                pixels[i] = Scale(CheckSample(v, i, max, start, prefix), max);
            }
        }
        else
        {
            if (pos >= data.Length || !IsSpace(data[pos]))
            {
                throw Fail("truncated: P5 header must end with one whitespace byte after maxval");
            }
            pos++;
            int bytesPer = max < 256 ? 1 : 2;
            long need = (long)count * bytesPer;
            long have = data.Length - pos;
            if (have < need)
            {
                throw Fail(Inv($"truncated: P5 {w}x{h} with maxval {max} needs {need} data bytes after byte {pos}, {have} remain"));
            }
            for (int i = 0; i < count; i++)
            {
                int at = pos + (i * bytesPer);
                int v = bytesPer == 1 ? data[at] : (data[at] << 8) | data[at + 1];
                pixels[i] = Scale(CheckSample(v, i, max, at, prefix), max);
            }
        }
        return new Image((int)w, (int)h, PixelFormat.Gray8, pixels);
    }

    private static int CheckSample(long v, int index, int max, int at, string prefix)
    {
        if (v > max)
        {
            throw new ImageFormatException(prefix + Inv($"sample {index} at byte {at} is {v}, above maxval {max}"));
        }
        return (int)v;
    }

    private static byte Scale(int v, int max) => max == 255 ? (byte)v : (byte)(((v * 255L) + (max / 2)) / max);

    private static long ReadHeaderNumber(ReadOnlySpan<byte> data, ref int pos, string field, string prefix)
    {
        int before = pos;
        SkipSpaceAndComments(data, ref pos);
        if (pos >= data.Length)
        {
            throw new ImageFormatException(prefix + Inv($"truncated: header ends before {field}"));
        }
        if (pos == before)
        {
            throw new ImageFormatException(prefix + Inv($"header: expected whitespace before {field} at byte {pos}"));
        }
        int start = pos;
        long v = ReadDigits(data, ref pos);
        if (pos == start)
        {
            throw new ImageFormatException(prefix + Inv($"header: {field} at byte {start} is not a decimal number (found '{Printable(data[start])}')"));
        }
        return v;
    }

    /// <summary>Reads decimal digits, saturating at a value larger than any legal field so huge numbers fail cleanly.</summary>
    private static long ReadDigits(ReadOnlySpan<byte> data, ref int pos)
    {
        long v = 0;
        while (pos < data.Length && data[pos] >= '0' && data[pos] <= '9')
        {
            v = Math.Min((v * 10) + (data[pos] - '0'), 1L << 40);
            pos++;
        }
        return v;
    }

    private static void SkipSpaceAndComments(ReadOnlySpan<byte> data, ref int pos)
    {
        while (pos < data.Length)
        {
            if (IsSpace(data[pos]))
            {
                pos++;
            }
            else if (data[pos] == '#')
            {
                while (pos < data.Length && data[pos] != '\n' && data[pos] != '\r')
                {
                    pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;

    private static string Printable(byte b) => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : Inv($"0x{b:X2}");

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
