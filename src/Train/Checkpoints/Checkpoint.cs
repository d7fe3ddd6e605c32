using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NetForge.Train.Checkpoints;

/// <summary>A checkpoint file is missing, truncated, corrupt or does not fit the network; the message names the file.</summary>
public sealed class CheckpointException(string path, string message)
    : Exception($"{path}: {message}")
{
    public string Path { get; } = path;
}

/// <summary>One F32 tensor of a checkpoint.</summary>
public sealed record CheckpointTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// Checkpoints as standard safetensors files (see docs/checkpoints.md): 8-byte little-endian header
/// length, a JSON header mapping tensor names to dtype F32, shape and data_offsets, plus
/// <c>__metadata__</c> { <c>format</c>, <c>state</c> (the <see cref="CheckpointState"/> JSON),
/// <c>sha256</c> }, then the raw little-endian data. The SHA-256 covers the UTF-8 state JSON, one line
/// <c>name|F32|shape|begin|end</c> per tensor in data order, then all tensor bytes; it is verified on load. Writes are atomic: a temporary file in the same folder,
/// flushed to disk, then renamed over the target.
/// </summary>
public static class Checkpoint
{
    /// <summary>Value of <c>__metadata__.format</c>.</summary>
    public const string FormatName = "netforge-checkpoint";

    /// <summary>Writes <paramref name="tensors"/> and <paramref name="state"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, CheckpointState state, IReadOnlyList<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors) =>
        Save(path, state, tensors, wrap: null);

    /// <summary>Test seam: <paramref name="wrap"/> wraps the temporary file's stream (e.g. to fail mid-write).</summary>
    internal static void Save(string path, CheckpointState state, IReadOnlyList<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors, Func<Stream, Stream>? wrap)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("checkpoints are written on little-endian machines only");

        byte[] stateJson = JsonSerializer.SerializeToUtf8Bytes(state, CheckpointState.Json);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(stateJson);
        long at = 0;
        foreach (var t in tensors)
        {
            sha.AppendData(Describe(t.Name, t.Shape, at, at + 4L * t.Data.Length));
            at += 4L * t.Data.Length;
        }
        foreach (var t in tensors) sha.AppendData(MemoryMarshal.AsBytes(t.Data.Span));

        var header = new JsonObject
        {
            ["__metadata__"] = new JsonObject
            {
                ["format"] = FormatName,
                ["state"] = Encoding.UTF8.GetString(stateJson),
                ["sha256"] = Convert.ToHexStringLower(sha.GetHashAndReset()),
            },
        };
        long offset = 0;
        foreach (var t in tensors)
        {
            long expected = t.Shape.Aggregate(1L, (a, d) => a * d);
            if (expected != t.Data.Length) throw new ArgumentException($"tensor '{t.Name}': shape [{string.Join(", ", t.Shape)}] holds {expected} values, data has {t.Data.Length}", nameof(tensors));
            long end = offset + 4L * t.Data.Length;
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;   // safetensors pads the header with spaces to 8 bytes

        NetForge.IO.AtomicFile.Write(path, file =>
        {
            var stream = wrap is null ? file : wrap(file);
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            stream.Write(len);
            stream.Write(headerBytes);
            for (int i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var t in tensors) stream.Write(MemoryMarshal.AsBytes(t.Data.Span));
            stream.Flush();
        });
    }

    /// <summary>What the checksum covers of each tensor entry: "name|F32|d0,d1,...|begin|end\n" in UTF-8.</summary>
    private static byte[] Describe(string name, int[] shape, long begin, long end) =>
        Encoding.UTF8.GetBytes($"{name}|F32|{string.Join(',', shape)}|{begin}|{end}\n");

    /// <summary>Reads and verifies a checkpoint; any defect is a <see cref="CheckpointException"/> naming the file.</summary>
    public static (CheckpointState State, IReadOnlyDictionary<string, CheckpointTensor> Tensors) Load(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CheckpointException(path, "cannot read checkpoint: " + e.Message); }

        if (bytes.Length < 8) throw new CheckpointException(path, $"file is truncated ({bytes.Length} bytes)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > (ulong)(bytes.Length - 8)) throw new CheckpointException(path, $"file is truncated: header of {headerLength} bytes, file has {bytes.Length}");
        var dataStart = 8 + (int)headerLength;

        JsonObject header;
        try { header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength))?.AsObject() ?? throw new JsonException("empty header"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new CheckpointException(path, "header is not valid safetensors JSON (corrupt file?): " + e.Message); }

        var meta = header["__metadata__"] as JsonObject;
        if (meta?["format"]?.GetValue<string>() != FormatName) throw new CheckpointException(path, $"not a NetForge checkpoint (__metadata__.format is not '{FormatName}')");
        string stateText = meta["state"]?.GetValue<string>() ?? throw new CheckpointException(path, "__metadata__.state is missing");
        string shaText = meta["sha256"]?.GetValue<string>() ?? throw new CheckpointException(path, "__metadata__.sha256 is missing");

        var tensors = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        var ranges = new List<(string Name, int[] Shape, long Begin, long End)>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__") continue;
                var o = node!.AsObject();
                if (o["dtype"]?.GetValue<string>() != "F32") throw new CheckpointException(path, $"tensor '{name}' is not F32");
                int[] shape = o["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
                var off = o["data_offsets"]!.AsArray();
                ranges.Add((name, shape, off[0]!.GetValue<long>(), off[1]!.GetValue<long>()));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new CheckpointException(path, "malformed tensor entry in header: " + e.Message);
        }

        long dataLength = bytes.Length - dataStart;
        long needed = ranges.Count == 0 ? 0 : ranges.Max(r => r.End);
        if (needed > dataLength) throw new CheckpointException(path, $"file is truncated: tensors need {needed} data bytes, file has {dataLength}");
        if (needed < dataLength) throw new CheckpointException(path, $"{dataLength - needed} unexpected bytes after the tensor data (corrupt file?)");

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(stateText));
        ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        foreach (var (name, shape, begin, end) in ranges) sha.AppendData(Describe(name, shape, begin, end));
        sha.AppendData(bytes.AsSpan(dataStart, (int)needed));
        if (!string.Equals(Convert.ToHexStringLower(sha.GetHashAndReset()), shaText, StringComparison.Ordinal))
            throw new CheckpointException(path, "SHA-256 mismatch: the file is corrupt (bit flip or partial write)");

        foreach (var (name, shape, begin, end) in ranges)
        {
            long count = shape.Aggregate(1L, (a, d) => a * d);
            if (begin < 0 || end - begin != 4 * count) throw new CheckpointException(path, $"tensor '{name}': data_offsets [{begin}, {end}] do not fit shape [{string.Join(", ", shape)}]");
            var data = new float[count];
            MemoryMarshal.Cast<byte, float>(bytes.AsSpan(dataStart + (int)begin, (int)(end - begin))).CopyTo(data);
            tensors[name] = new CheckpointTensor(name, shape, data);
        }

        CheckpointState state;
        try { state = JsonSerializer.Deserialize<CheckpointState>(stateText, CheckpointState.Json) ?? throw new JsonException("null state"); }
        catch (JsonException e) { throw new CheckpointException(path, "state metadata is not valid: " + e.Message); }
        if (state.FormatVersion != CheckpointState.CurrentFormatVersion)
            throw new CheckpointException(path, $"checkpoint format version {state.FormatVersion} is not supported (this build reads {CheckpointState.CurrentFormatVersion})");
        return (state, tensors);
    }
}
