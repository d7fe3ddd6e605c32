using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace NetForge.Imaging;

/// <summary>
/// A PNG reader and writer written from the PNG specification (W3C, 2nd edition), for still images.
/// <para>
/// <b>Decoding</b> accepts every colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA) at every legal bit depth
/// (1, 2, 4, 8, 16), PLTE with tRNS alpha, tRNS for gray and RGB, all five row filters, Adam7 interlacing and any number of
/// consecutive IDAT chunks. It checks the CRC of every chunk, validates IHDR (dimensions, depth/type combination, compression,
/// filter and interlace methods), refuses unknown critical chunks, skips unknown ancillary ones, requires IEND, requires the
/// concatenated IDAT data to be exactly one complete zlib stream (ending with its Adler-32) and its decompressed data to be
/// exactly as long as the header implies; bytes after IEND are ignored. Images of more than <see cref="MaxPixels"/> pixels are
/// refused from the header alone, and the compressed size is checked against deflate's 1032:1 maximum ratio before the
/// output is allocated, so a forged header cannot make the decoder allocate gigabytes. Output: gray → <see cref="PixelFormat.Gray8"/>
/// (<see cref="PixelFormat.GrayAlpha8"/> with tRNS), RGB → <see cref="PixelFormat.Rgb8"/> (<see cref="PixelFormat.Rgba8"/>
/// with tRNS), palette → Rgb8 (Rgba8 with tRNS), gray+alpha → GrayAlpha8, RGBA → Rgba8. Samples below 8 bits are scaled
/// exactly (v × 255 / (2^depth − 1)); 16-bit samples become round(v × 255 / 65535). A gray or RGB tRNS colour below 16 bits is
/// matched on its low depth bits, and a tRNS chunk in a colour type that already has alpha is ignored (both as libpng does); every other defect throws <see cref="ImageFormatException"/>.
/// </para>
/// <para>
/// <b>Encoding</b> writes 8-bit, non-interlaced PNGs (colour type 0, 4, 2 or 6 for Gray8, GrayAlpha8, Rgb8, Rgba8) with a
/// per-row adaptive filter chosen by libpng's heuristic (the filter whose output has the minimum sum of absolute values,
/// bytes read as signed) and zlib compression.
/// </para>
/// </summary>
public static class Png
{
    /// <summary>The largest image (width × height) the decoder accepts: 2^28 pixels (1 GiB as RGBA).</summary>
    public const long MaxPixels = 1L << 28;

    /// <summary>Deflate can expand at most 1032:1 (a 258-byte match costs at least 2 bits); the zip-bomb guard uses it.</summary>
    private const long MaxDeflateRatio = 1032;

    private const int IdatChunkSize = 1 << 18;

    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
    [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ];

    /// <summary>The 8 bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>True when <paramref name="data"/> starts with the PNG signature.</summary>
    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <summary>
    /// Reads and decodes the PNG file at <paramref name="path"/>; format errors name the file. I/O errors (missing file,
    /// no permission) propagate as the usual <see cref="IOException"/>/<see cref="UnauthorizedAccessException"/>.
    /// </summary>
    public static Image Read(string path) => Decode(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>
    /// Decodes a complete PNG file held in memory. <paramref name="name"/> (usually the file name) prefixes every error
    /// message. Throws <see cref="ImageFormatException"/> for anything that is not a valid PNG (see the class remarks).
    /// </summary>
    public static Image Decode(ReadOnlySpan<byte> data, string? name = null)
    {
        var decoder = new Decoder(name);
        return decoder.Decode(data);
    }

    /// <summary>
    /// Encodes <paramref name="image"/> as an 8-bit, non-interlaced PNG (see the class remarks). The result decodes back
    /// to exactly the same pixels and format.
    /// </summary>
    public static byte[] Encode(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        byte colorType = image.Format switch
        {
            PixelFormat.Gray8 => 0,
            PixelFormat.GrayAlpha8 => 4,
            PixelFormat.Rgb8 => 2,
            _ => 6,
        };
        int bpp = image.Channels;
        int rowBytes = image.Width * bpp;

        byte[] compressed;
        using (var zout = new MemoryStream())
        {
            using (var z = new ZLibStream(zout, CompressionLevel.Optimal, leaveOpen: true))
            {
                var filtered = new byte[5][];
                for (int f = 0; f < 5; f++)
                {
                    filtered[f] = new byte[rowBytes + 1];
                    filtered[f][0] = (byte)f;
                }
                var zero = new byte[rowBytes];
                for (int y = 0; y < image.Height; y++)
                {
                    var cur = image.Pixels.AsSpan(y * rowBytes, rowBytes);
                    ReadOnlySpan<byte> prev = y == 0 ? zero : image.Pixels.AsSpan((y - 1) * rowBytes, rowBytes);
                    int best = 0;
                    long bestSum = long.MaxValue;
                    for (int f = 0; f < 5; f++)
                    {
                        long sum = Filter(f, cur, prev, bpp, filtered[f].AsSpan(1));
                        if (sum < bestSum)
                        {
                            best = f;
                            bestSum = sum;
                        }
                    }
                    z.Write(filtered[best]);
                }
            }
            compressed = zout.ToArray();
        }

        using var png = new MemoryStream(compressed.Length + 64);
        png.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)image.Height);
        ihdr[8] = 8;
        ihdr[9] = colorType;
        ihdr[10] = 0;
        ihdr[11] = 0;
        ihdr[12] = 0;
        WriteChunk(png, "IHDR"u8, ihdr);
        for (int off = 0; off < compressed.Length; off += IdatChunkSize)
        {
            WriteChunk(png, "IDAT"u8, compressed.AsSpan(off, Math.Min(IdatChunkSize, compressed.Length - off)));
        }
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    /// <summary>
    /// Encodes <paramref name="image"/> as a <c>data:image/png;base64,...</c> URI, for embedding in HTML
    /// (<c>&lt;img src="..."&gt;</c>) without a separate file.
    /// </summary>
    public static string ToDataUri(Image image) => "data:image/png;base64," + Convert.ToBase64String(Encode(image));

    /// <summary>Encodes <paramref name="image"/> and writes it to <paramref name="path"/> atomically (<see cref="NetForge.IO.AtomicFile"/>).</summary>
    public static void Write(string path, Image image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NetForge.IO.AtomicFile.WriteAllBytes(path, Encode(image));
    }

    /// <summary>Applies PNG filter <paramref name="type"/> to one row; returns libpng's heuristic cost (sum of |signed byte|).</summary>
    internal static long Filter(int type, ReadOnlySpan<byte> cur, ReadOnlySpan<byte> prev, int bpp, Span<byte> output)
    {
        int n = cur.Length;
        int head = Math.Min(bpp, n); // the first pixel has no left neighbour: a = c = 0
        switch (type)
        {
            case 0:
                cur.CopyTo(output);
                break;
            case 1:
                cur[..head].CopyTo(output);
                for (int i = bpp; i < n; i++)
                {
                    output[i] = (byte)(cur[i] - cur[i - bpp]);
                }
                break;
            case 2:
                for (int i = 0; i < n; i++)
                {
                    output[i] = (byte)(cur[i] - prev[i]);
                }
                break;
            case 3:
                for (int i = 0; i < head; i++)
                {
                    output[i] = (byte)(cur[i] - (prev[i] >> 1));
                }
                for (int i = bpp; i < n; i++)
                {
                    output[i] = (byte)(cur[i] - ((cur[i - bpp] + prev[i]) >> 1));
                }
                break;
            default:
                for (int i = 0; i < head; i++)
                {
                    output[i] = (byte)(cur[i] - prev[i]); // Paeth(0, b, 0) = b
                }
                for (int i = bpp; i < n; i++)
                {
                    output[i] = (byte)(cur[i] - Paeth(cur[i - bpp], prev[i], prev[i - bpp]));
                }
                break;
        }
        long sum = 0;
        foreach (byte v in output[..n])
        {
            sum += Math.Abs((int)(sbyte)v);
        }
        return sum;
    }

    /// <summary>Continues zlib's Adler-32 (start with 1) over <paramref name="data"/>.</summary>
    internal static uint Adler32(uint adler, ReadOnlySpan<byte> data)
    {
        uint a = adler & 0xFFFF, b = adler >> 16;
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, 5552); // the largest run that cannot overflow 32 bits before the modulo
            foreach (byte x in data[..n])
            {
                a += x;
                b += a;
            }
            a %= 65521;
            b %= 65521;
            data = data[n..];
        }
        return (b << 16) | a;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> body)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)body.Length);
        s.Write(word);
        s.Write(type);
        s.Write(body);
        uint crc = Crc32.Update(Crc32.Compute(type), body);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        s.Write(word);
    }

    /// <summary>One decode: parses the chunk structure first, then inflates and unfilters row by row.</summary>
    private sealed class Decoder(string? name)
    {
        private readonly string prefix = name is null ? string.Empty : name + ": ";
        private int width;
        private int height;
        private int depth;
        private int colorType;
        private bool interlaced;
        private byte[]? palette; // RGB triples
        private byte[]? trns;

        public Image Decode(ReadOnlySpan<byte> data)
        {
            CheckSignature(data);
            bool seenHeader = false;
            bool seenTrns = false;
            bool idatDone = false;
            string? afterIdat = null;
            var idat = new List<(int Offset, int Length)>();
            long idatBytes = 0;
            int pos = 8;
            while (true)
            {
                if (pos == data.Length)
                {
                    throw Fail(Inv($"missing IEND chunk: the file ends at byte {pos} without one"));
                }
                int remain = data.Length - pos;
                if (remain < 8)
                {
                    throw Fail(Inv($"truncated: chunk header at byte {pos} needs 8 bytes, {remain} remain"));
                }
                uint len = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
                var typeBytes = data.Slice(pos + 4, 4);
                if (!IsLetters(typeBytes))
                {
                    throw Fail(Inv($"invalid chunk type {Convert.ToHexString(typeBytes)} at byte {pos} (not 4 ASCII letters)"));
                }
                string type = Encoding.ASCII.GetString(typeBytes);
                if (len > int.MaxValue)
                {
                    throw Fail(Inv($"chunk {type} at byte {pos}: length {len} exceeds the PNG limit of 2^31-1"));
                }
                long avail = remain - 8L;
                if (avail < len)
                {
                    throw Fail(Inv($"truncated: {type} chunk at byte {pos} declares {len} bytes, {avail} remain"));
                }
                if (avail < len + 4L)
                {
                    throw Fail(Inv($"truncated: {type} chunk at byte {pos}: only {avail - len} of its 4 CRC bytes present"));
                }
                var body = data.Slice(pos + 8, (int)len);
                uint stored = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)len)..]);
                uint computed = Crc32.Compute(data.Slice(pos + 4, 4 + (int)len));
                if (stored != computed)
                {
                    throw Fail(Inv($"chunk {type} at byte {pos}: CRC mismatch (stored 0x{stored:X8}, computed 0x{computed:X8})"));
                }
                if (!seenHeader && type != "IHDR")
                {
                    throw Fail(Inv($"first chunk is {type} at byte {pos}, expected IHDR"));
                }
                if (idat.Count > 0 && type != "IDAT" && afterIdat is null)
                {
                    afterIdat = type;
                    idatDone = true;
                }
                switch (type)
                {
                    case "IHDR":
                        if (seenHeader)
                        {
                            throw Fail(Inv($"second IHDR chunk at byte {pos}"));
                        }
                        ParseHeader(body);
                        seenHeader = true;
                        break;
                    case "PLTE":
                        if (idat.Count > 0)
                        {
                            throw Fail(Inv($"PLTE chunk at byte {pos} comes after IDAT; it must precede the image data"));
                        }
                        ParsePalette(body, pos);
                        break;
                    case "tRNS":
                        if (idat.Count > 0)
                        {
                            throw Fail(Inv($"tRNS chunk at byte {pos} comes after IDAT; it must precede the image data"));
                        }
                        if (seenTrns)
                        {
                            throw Fail(Inv($"second tRNS chunk at byte {pos}"));
                        }
                        seenTrns = true;
                        ParseTransparency(body, pos);
                        break;
                    case "IDAT":
                        if (idatDone)
                        {
                            throw Fail(Inv($"IDAT chunk at byte {pos} follows a {afterIdat} chunk: IDAT chunks must be consecutive"));
                        }
                        if (colorType == 3 && palette is null)
                        {
                            throw Fail(Inv($"color type 3 (palette) needs a PLTE chunk before the first IDAT (at byte {pos})"));
                        }
                        idat.Add((pos + 8, (int)len));
                        idatBytes += len;
                        break;
                    case "IEND":
                        if (len != 0)
                        {
                            throw Fail(Inv($"IEND chunk at byte {pos} has {len} data bytes, expected 0"));
                        }
                        if (idat.Count == 0)
                        {
                            throw Fail("no IDAT chunk: the file has no image data");
                        }
                        return Inflate(data, idat, idatBytes);
                    default:
                        if ((typeBytes[0] & 0x20) == 0)
                        {
                            throw Fail(Inv($"unknown critical chunk {type} at byte {pos}: cannot decode safely without understanding it"));
                        }
                        break; // unknown ancillary chunk: safe to ignore
                }
                pos += 12 + (int)len;
            }
        }

        private void CheckSignature(ReadOnlySpan<byte> data)
        {
            var head = data[..Math.Min(8, data.Length)];
            if (!Signature.StartsWith(head) || data.Length == 0)
            {
                string hint = head.Length >= 4 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                    ? " (looks like a PNG damaged by a text-mode line-ending conversion)"
                    : string.Empty;
                throw Fail(Inv($"not a PNG file: bad signature {Hex(head)}, expected {Hex(Signature)}{hint}"));
            }
            if (data.Length < 8)
            {
                throw Fail(Inv($"truncated: {data.Length} bytes, shorter than the 8-byte PNG signature"));
            }
        }

        private void ParseHeader(ReadOnlySpan<byte> body)
        {
            if (body.Length != 13)
            {
                throw Fail(Inv($"IHDR has {body.Length} bytes, expected 13"));
            }
            uint w = BinaryPrimitives.ReadUInt32BigEndian(body);
            uint h = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
            if (w == 0 || h == 0)
            {
                throw Fail(Inv($"IHDR: zero {(w == 0 ? "width" : "height")} ({w}x{h})"));
            }
            if (w > int.MaxValue || h > int.MaxValue)
            {
                throw Fail(Inv($"IHDR: dimensions {w}x{h} exceed the PNG limit of 2^31-1"));
            }
            if ((long)w * h > MaxPixels)
            {
                throw Fail(Inv($"IHDR: {w}x{h} is {(long)w * h} pixels, more than the {MaxPixels} (2^28) this decoder accepts"));
            }
            depth = body[8];
            colorType = body[9];
            int[] legal = colorType switch
            {
                0 => [1, 2, 4, 8, 16],
                2 or 4 or 6 => [8, 16],
                3 => [1, 2, 4, 8],
                _ => throw Fail(Inv($"IHDR: invalid color type {colorType} (legal: 0, 2, 3, 4, 6)")),
            };
            if (Array.IndexOf(legal, depth) < 0)
            {
                throw Fail(Inv($"IHDR: bit depth {depth} is not allowed with color type {colorType} (allowed: {string.Join(", ", legal)})"));
            }
            if (body[10] != 0)
            {
                throw Fail(Inv($"IHDR: unknown compression method {body[10]} (only 0, deflate, exists)"));
            }
            if (body[11] != 0)
            {
                throw Fail(Inv($"IHDR: unknown filter method {body[11]} (only 0 exists)"));
            }
            if (body[12] > 1)
            {
                throw Fail(Inv($"IHDR: unknown interlace method {body[12]} (0 none, 1 Adam7)"));
            }
            width = (int)w;
            height = (int)h;
            interlaced = body[12] == 1;
            if (RowBytes(width) > (1L << 30))
            {
                throw Fail(Inv($"IHDR: a row of {width} pixels at {BitsPerPixel} bits is too large"));
            }
        }

        private void ParsePalette(ReadOnlySpan<byte> body, int pos)
        {
            if (palette is not null)
            {
                throw Fail(Inv($"second PLTE chunk at byte {pos}"));
            }
            if (colorType is 0 or 4)
            {
                throw Fail(Inv($"PLTE chunk at byte {pos} is not allowed in a grayscale image (color type {colorType})"));
            }
            if (body.Length == 0 || body.Length % 3 != 0 || body.Length > 768)
            {
                throw Fail(Inv($"PLTE chunk at byte {pos} has {body.Length} bytes; expected 3 per entry, 1 to 256 entries"));
            }
            int entries = body.Length / 3;
            if (colorType == 3 && entries > 1 << depth)
            {
                throw Fail(Inv($"PLTE has {entries} entries, more than a {depth}-bit index can address ({1 << depth})"));
            }
            palette = body.ToArray(); // for color types 2 and 6 it is only a suggestion: kept, never used
        }

        private void ParseTransparency(ReadOnlySpan<byte> body, int pos)
        {
            switch (colorType)
            {
                case 3:
                    if (palette is null)
                    {
                        throw Fail(Inv($"tRNS chunk at byte {pos} comes before PLTE"));
                    }
                    if (body.Length > palette.Length / 3)
                    {
                        throw Fail(Inv($"tRNS has {body.Length} alpha values but the palette only {palette.Length / 3} entries"));
                    }
                    trns = body.ToArray();
                    break;
                case 0 or 2:
                    int expected = colorType == 0 ? 2 : 6;
                    if (body.Length != expected)
                    {
                        throw Fail(Inv($"tRNS chunk at byte {pos} has {body.Length} bytes, expected {expected} for color type {colorType}"));
                    }
                    trns = body.ToArray();
                    break;
                default:
                    break; // color types 4 and 6 carry alpha already; libpng ignores tRNS there too
            }
        }

        private int Channels => colorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };

        private int BitsPerPixel => Channels * depth;

        private long RowBytes(long pixels) => (pixels * BitsPerPixel + 7) / 8;

        private PixelFormat OutputFormat => colorType switch
        {
            0 => trns is null ? PixelFormat.Gray8 : PixelFormat.GrayAlpha8,
            4 => PixelFormat.GrayAlpha8,
            2 or 3 => trns is null ? PixelFormat.Rgb8 : PixelFormat.Rgba8,
            _ => PixelFormat.Rgba8,
        };

        private (int X, int Y, int Dx, int Dy)[] Passes => interlaced ? Adam7 : [(0, 0, 1, 1)];

        private static int PassSize(int full, int start, int step) => full <= start ? 0 : (full - start + step - 1) / step;

        private Image Inflate(ReadOnlySpan<byte> data, List<(int Offset, int Length)> idat, long idatBytes)
        {
            long expected = 0;
            foreach (var (x0, y0, dx, dy) in Passes)
            {
                int pw = PassSize(width, x0, dx);
                int ph = PassSize(height, y0, dy);
                if (pw > 0 && ph > 0)
                {
                    expected += ph * (1 + RowBytes(pw));
                }
            }
            string layout = Inv($"{width}x{height} color type {colorType}, {depth}-bit{(interlaced ? ", Adam7" : string.Empty)}");
            if (expected > idatBytes * MaxDeflateRatio + 1024)
            {
                throw Fail(Inv($"IDAT too short: {idatBytes} compressed bytes cannot inflate to the {expected} bytes a {layout} image needs (deflate's maximum ratio is 1032:1)"));
            }

            var compressed = new byte[idatBytes];
            int at = 0;
            foreach (var (offset, length) in idat)
            {
                data.Slice(offset, length).CopyTo(compressed.AsSpan(at));
                at += length;
            }

            var format = OutputFormat;
            var image = new Image(width, height, format);
            long inflated = 0;
            uint adler = 1;
            try
            {
                using var z = new ZLibStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
                int passIndex = 0;
                foreach (var (x0, y0, dx, dy) in Passes)
                {
                    passIndex++;
                    int pw = PassSize(width, x0, dx);
                    int ph = PassSize(height, y0, dy);
                    if (pw == 0 || ph == 0)
                    {
                        continue;
                    }
                    int rowBytes = (int)RowBytes(pw);
                    var prev = new byte[rowBytes];
                    var cur = new byte[rowBytes + 1];
                    for (int r = 0; r < ph; r++)
                    {
                        int got = z.ReadAtLeast(cur, cur.Length, throwOnEndOfStream: false);
                        inflated += got;
                        if (got < cur.Length)
                        {
                            throw Fail(Inv($"IDAT too short: the data inflates to {inflated} bytes, the {layout} header implies {expected}"));
                        }
                        adler = Adler32(adler, cur);
                        Unfilter(cur[0], cur.AsSpan(1), prev, Math.Max(1, BitsPerPixel / 8), passIndex, r);
                        Emit(cur.AsSpan(1), pw, y0 + r * dy, x0, dx, image);
                        Buffer.BlockCopy(cur, 1, prev, 0, rowBytes);
                    }
                }
                Span<byte> extra = stackalloc byte[1];
                if (z.Read(extra) > 0)
                {
                    throw Fail(Inv($"IDAT too long: the data inflates to more than the {expected} bytes the {layout} header implies"));
                }

                // zlib checks the Adler-32 trailer when it is there, but a stream cut inside the trailer just ends:
                // require the IDAT data to end with the checksum of what it inflated to.
                uint stored = compressed.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(compressed.AsSpan(compressed.Length - 4)) : 0;
                if (compressed.Length < 6 || stored != adler)
                {
                    throw Fail(Inv($"IDAT: zlib stream incomplete: its Adler-32 trailer is missing or wrong (last 4 bytes 0x{stored:X8}, data checksum 0x{adler:X8})"));
                }
            }
            catch (InvalidDataException ex)
            {
                throw Fail(Inv($"IDAT: corrupt zlib data after {inflated} of {expected} bytes: {ex.Message}"), ex);
            }
            return image;
        }

        private void Unfilter(byte type, Span<byte> cur, ReadOnlySpan<byte> prev, int bpp, int pass, int row)
        {
            switch (type)
            {
                case 0:
                    break;
                case 1:
                    for (int i = bpp; i < cur.Length; i++)
                    {
                        cur[i] += cur[i - bpp];
                    }
                    break;
                case 2:
                    for (int i = 0; i < cur.Length; i++)
                    {
                        cur[i] += prev[i];
                    }
                    break;
                case 3:
                    for (int i = 0; i < cur.Length; i++)
                    {
                        int left = i >= bpp ? cur[i - bpp] : 0;
                        cur[i] += (byte)((left + prev[i]) >> 1);
                    }
                    break;
                case 4:
                    for (int i = 0; i < cur.Length; i++)
                    {
                        int left = i >= bpp ? cur[i - bpp] : 0;
                        int upLeft = i >= bpp ? prev[i - bpp] : 0;
                        cur[i] += (byte)Paeth(left, prev[i], upLeft);
                    }
                    break;
                default:
                    string where = interlaced ? Inv($"Adam7 pass {pass} row {row}") : Inv($"row {row}");
                    throw Fail(Inv($"IDAT: {where} has invalid filter type {type} (legal: 0-4)"));
            }
        }

        private int Sample(ReadOnlySpan<byte> row, int index)
        {
            switch (depth)
            {
                case 8:
                    return row[index];
                case 16:
                    return (row[2 * index] << 8) | row[(2 * index) + 1];
                default:
                    int bit = index * depth;
                    int shift = 8 - depth - (bit & 7);
                    return (row[bit >> 3] >> shift) & ((1 << depth) - 1);
            }
        }

        /// <summary>
        /// Sample <paramref name="k"/> of a gray or RGB tRNS colour. Below 16 bits only the low <c>depth</c> bits count
        /// (the spec says the others are 0; libpng masks them too when a writer got that wrong).
        /// </summary>
        private int TransparentSample(int k)
        {
            int v = (trns![2 * k] << 8) | trns[(2 * k) + 1];
            return depth == 16 ? v : v & ((1 << depth) - 1);
        }

        private byte To8(int v) => depth switch
        {
            8 => (byte)v,
            16 => (byte)(((v * 255L) + 32767) / 65535),
            _ => (byte)(v * 255 / ((1 << depth) - 1)),
        };

        private void Emit(ReadOnlySpan<byte> row, int count, int y, int x0, int dx, Image image)
        {
            var px = image.Pixels;
            int outCh = image.Channels;
            int ch = Channels;
            if (depth == 8 && colorType != 3 && trns is null)
            {
                // the common case: the unfiltered samples are already the output bytes
                if (dx == 1)
                {
                    row[..(count * ch)].CopyTo(px.AsSpan(((y * width) + x0) * ch));
                }
                else
                {
                    for (int c = 0; c < count; c++)
                    {
                        row.Slice(c * ch, ch).CopyTo(px.AsSpan(((y * width) + x0 + (c * dx)) * ch));
                    }
                }
                return;
            }
            for (int c = 0; c < count; c++)
            {
                int o = ((y * width) + x0 + (c * dx)) * outCh;
                int s = c * ch;
                switch (colorType)
                {
                    case 0:
                        int g = Sample(row, s);
                        px[o] = To8(g);
                        if (trns is not null)
                        {
                            px[o + 1] = g == TransparentSample(0) ? (byte)0 : (byte)255;
                        }
                        break;
                    case 2:
                        int r = Sample(row, s), gg = Sample(row, s + 1), b = Sample(row, s + 2);
                        px[o] = To8(r);
                        px[o + 1] = To8(gg);
                        px[o + 2] = To8(b);
                        if (trns is not null)
                        {
                            bool clear = r == TransparentSample(0) && gg == TransparentSample(1) && b == TransparentSample(2);
                            px[o + 3] = clear ? (byte)0 : (byte)255;
                        }
                        break;
                    case 3:
                        int index = Sample(row, s);
                        if (index * 3 >= palette!.Length)
                        {
                            throw Fail(Inv($"IDAT: pixel ({x0 + (c * dx)}, {y}) uses palette index {index}, but PLTE has only {palette.Length / 3} entries"));
                        }
                        px[o] = palette[3 * index];
                        px[o + 1] = palette[(3 * index) + 1];
                        px[o + 2] = palette[(3 * index) + 2];
                        if (trns is not null)
                        {
                            px[o + 3] = index < trns.Length ? trns[index] : (byte)255;
                        }
                        break;
                    default: // 4 and 6: every channel is a plain sample
                        for (int k = 0; k < ch; k++)
                        {
                            px[o + k] = To8(Sample(row, s + k));
                        }
                        break;
                }
            }
        }

        private static bool IsLetters(ReadOnlySpan<byte> type)
        {
            foreach (byte b in type)
            {
                if (!((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')))
                {
                    return false;
                }
            }
            return true;
        }

        private static string Hex(ReadOnlySpan<byte> bytes) =>
            bytes.Length == 0 ? "(empty file)" : string.Join(' ', bytes.ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

        private ImageFormatException Fail(string message) => new(prefix + message);

        private ImageFormatException Fail(string message, Exception inner) => new(prefix + message, inner);

        private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    }
}
