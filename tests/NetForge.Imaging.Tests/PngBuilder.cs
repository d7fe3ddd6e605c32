using System.Buffers.Binary;
using System.IO.Compression;

namespace NetForge.Imaging.Tests;

/// <summary>Builds (possibly broken) PNG files chunk by chunk, for the corrupt-input tests.</summary>
internal sealed class PngBuilder
{
    private readonly MemoryStream stream = new();

    public PngBuilder(bool signature = true)
    {
        if (signature)
        {
            stream.Write(Png.Signature);
        }
    }

    public static byte[] Ihdr(uint width, uint height, byte depth, byte colorType, byte compression = 0, byte filter = 0, byte interlace = 0)
    {
        var b = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(b, width);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), height);
        b[8] = depth;
        b[9] = colorType;
        b[10] = compression;
        b[11] = filter;
        b[12] = interlace;
        return b;
    }

    public static byte[] Zlib(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(raw);
        }
        return ms.ToArray();
    }

    public PngBuilder Chunk(string type, byte[] body)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)body.Length);
        stream.Write(word);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Update(Crc32.Compute(typeBytes), body));
        stream.Write(word);
        return this;
    }

    public PngBuilder Header(uint width, uint height, byte depth, byte colorType, byte interlace = 0) =>
        Chunk("IHDR", Ihdr(width, height, depth, colorType, interlace: interlace));

    /// <summary>One IDAT holding zlib(<paramref name="raw"/>), raw being filter bytes + scanlines.</summary>
    public PngBuilder Data(byte[] raw) => Chunk("IDAT", Zlib(raw));

    public PngBuilder End() => Chunk("IEND", []);

    public byte[] ToArray() => stream.ToArray();

    /// <summary>A valid 8-bit gray image of <paramref name="width"/> × <paramref name="height"/> with filter 0 rows.</summary>
    public static byte[] Gray(int width, int height, Func<int, int, byte>? pixel = null)
    {
        pixel ??= (x, y) => (byte)((x * 31) + (y * 7));
        var raw = new byte[height * (width + 1)];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                raw[(y * (width + 1)) + 1 + x] = pixel(x, y);
            }
        }
        return new PngBuilder().Header((uint)width, (uint)height, 8, 0).Data(raw).End().ToArray();
    }

    /// <summary>(type, offset) of every chunk in a PNG, offset being where its length field starts.</summary>
    public static List<(string Type, int Offset, int Length)> Chunks(byte[] png)
    {
        var list = new List<(string, int, int)>();
        int pos = 8;
        while (pos + 8 <= png.Length)
        {
            int len = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos));
            list.Add((System.Text.Encoding.ASCII.GetString(png, pos + 4, 4), pos, len));
            pos += 12 + len;
        }
        return list;
    }
}
