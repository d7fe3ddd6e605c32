using System.Buffers.Binary;
using System.IO.Compression;

namespace NetForge.Data;

/// <summary>An IDX image file's content: <see cref="Pixels"/> is [count, rows·cols] row-major, one byte per pixel.</summary>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Cols);

/// <summary>
/// Reads IDX files (the MNIST format), raw or gzip-compressed (detected by the 1f 8b signature).
/// Validates the magic number (0x00000801 labels, 0x00000803 images), the sizes, and that the payload
/// length matches the header exactly. Offsets in messages count bytes of the uncompressed IDX content.
/// Every problem is a <see cref="DataException"/> naming the file.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an unsigned-byte, 1-dimensional IDX file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Magic number of an unsigned-byte, 3-dimensional IDX file (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Reads a label file (raw or .gz).</summary>
    public static byte[] ReadLabels(string path)
    {
        using var stream = OpenFile(path);
        return ReadLabels(stream, Path.GetFileName(path));
    }

    /// <summary>Reads an image file (raw or .gz).</summary>
    public static IdxImages ReadImages(string path)
    {
        using var stream = OpenFile(path);
        return ReadImages(stream, Path.GetFileName(path));
    }

    /// <summary>Reads labels from a seekable stream; <paramref name="name"/> is used in messages.</summary>
    public static byte[] ReadLabels(Stream stream, string name)
    {
        return Read(stream, name, dimensions: 1, LabelsMagic, "unsigned-byte labels, 1 dimension").Payload;
    }

    /// <summary>Reads images from a seekable stream; <paramref name="name"/> is used in messages.</summary>
    public static IdxImages ReadImages(Stream stream, string name)
    {
        var (payload, dims) = Read(stream, name, dimensions: 3, ImagesMagic, "unsigned-byte images, 3 dimensions");
        return new IdxImages(payload, dims[0], dims[1], dims[2]);
    }

    private static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{Path.GetFileName(path)}: cannot open {path}: {ex.Message}", ex);
        }
    }

    private static (byte[] Payload, int[] Dims) Read(Stream stream, string name, int dimensions, int magic, string kind)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("the stream must be seekable (gzip detection peeks at it)", nameof(stream));
        try
        {
            long start = stream.Position;
            Span<byte> signature = stackalloc byte[2];
            int n = ReadFully(stream, signature);
            stream.Position = start;
            if (n == 2 && signature[0] == 0x1f && signature[1] == 0x8b)
            {
                using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
                return ReadContent(gzip, name, dimensions, magic, kind);
            }
            return ReadContent(stream, name, dimensions, magic, kind);
        }
        catch (InvalidDataException ex)
        {
            throw new DataException($"{name}: corrupt gzip data: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new DataException($"{name}: read failed: {ex.Message}", ex);
        }
    }

    private static (byte[] Payload, int[] Dims) ReadContent(Stream stream, string name, int dimensions, int magic, string kind)
    {
        int headerLength = 4 + 4 * dimensions;
        var header = new byte[headerLength];
        int got = ReadFully(stream, header);
        if (got < 4)
            throw new DataException($"{name}: truncated at byte {got}: the header needs {headerLength} bytes (magic number + {dimensions} dimension size{(dimensions == 1 ? "" : "s")})");

        int actualMagic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08)
            throw new DataException($"{name}: bad magic 0x{actualMagic:X8} at byte 0: expected 0x{magic:X8} ({kind})");
        if (header[3] != dimensions)
            throw new DataException($"{name}: wrong dimension count at byte 3: expected {dimensions} ({kind}), got {header[3]}");
        if (got < headerLength)
            throw new DataException($"{name}: truncated at byte {got}: the header needs {headerLength} bytes (magic number + {dimensions} dimension size{(dimensions == 1 ? "" : "s")})");

        var dims = new int[dimensions];
        for (int d = 0; d < dimensions; d++)
        {
            int offset = 4 + 4 * d;
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(offset));
            string field = DimensionName(dimensions, d);
            if (dims[d] < 0 || (d > 0 && dims[d] == 0))
                throw new DataException($"{name}: {field} at byte {offset} is {dims[d]}: expected a {(d == 0 ? "non-negative" : "positive")} size");
        }

        long payloadLength = 1;
        foreach (int d in dims) payloadLength *= d;
        string what = dimensions == 1 ? $"{dims[0]} labels" : $"{dims[0]} images of {dims[1]}x{dims[2]}";
        long totalLength = headerLength + payloadLength;
        if (payloadLength > Array.MaxLength)
            throw new DataException($"{name}: header at byte 4 announces {what}, {totalLength} bytes: too large to load");

        var payload = new byte[payloadLength];
        int read = ReadFully(stream, payload);
        if (read < payloadLength)
            throw new DataException($"{name}: truncated at byte {headerLength + read}: expected {totalLength} bytes for {what}");

        long extra = 0;
        var scratch = new byte[4096];
        int r;
        while ((r = stream.Read(scratch)) > 0) extra += r;
        if (extra > 0)
            throw new DataException($"{name}: {extra} unexpected byte{(extra == 1 ? "" : "s")} after byte {totalLength}: expected exactly {totalLength} bytes for {what}");

        return (payload, dims);
    }

    private static string DimensionName(int dimensions, int d) => (dimensions, d) switch
    {
        (1, _) => "label count",
        (_, 0) => "image count",
        (_, 1) => "rows",
        _ => "cols",
    };

    /// <summary>Reads until the buffer is full or the stream ends; returns the bytes read.</summary>
    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
