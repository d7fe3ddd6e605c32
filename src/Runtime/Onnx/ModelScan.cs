namespace NetForge.Runtime.Onnx;

/// <summary>
/// What NetForge reads from a serialized ONNX <c>ModelProto</c> before ONNX Runtime sees it: the IR version, the
/// opset imports, and which operator produces each graph output (to tell probabilities from logits in a foreign
/// model). A walk over the protobuf wire format, two levels deep, that never allocates more than the names it
/// returns; it also tells a truncated file (a field running past the end) from bytes that are not a model at all.
/// </summary>
/// <remarks>
/// Field numbers from onnx.proto: ModelProto 1 ir_version, 2 producer_name, 7 graph, 8 opset_import;
/// OperatorSetIdProto 1 domain, 2 version; GraphProto 1 node, 12 output; NodeProto 2 output, 4 op_type;
/// ValueInfoProto 1 name.
/// </remarks>
internal sealed class ModelScan
{
    private ModelScan()
    {
    }

    /// <summary><c>ModelProto.ir_version</c> (0 when absent).</summary>
    public long IrVersion { get; private set; }

    /// <summary><c>ModelProto.producer_name</c> ("" when absent).</summary>
    public string ProducerName { get; private set; } = "";

    /// <summary>Opset per domain ("" is the default <c>ai.onnx</c> domain).</summary>
    public Dictionary<string, long> Opsets { get; } = new(StringComparer.Ordinal);

    /// <summary>The op type of the node that produces each graph output (outputs fed straight from an input are absent).</summary>
    public Dictionary<string, string> OutputProducers { get; } = new(StringComparer.Ordinal);

    /// <summary>The default-domain opset, or 0 when the model imports none.</summary>
    public long DefaultOpset => Opsets.TryGetValue("", out long v) ? v : Opsets.TryGetValue("ai.onnx", out v) ? v : 0;

    /// <summary>Scans <paramref name="bytes"/>; a structural problem is a <see cref="ModelException"/> naming <paramref name="source"/>.</summary>
    public static ModelScan Read(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.IsEmpty)
        {
            throw new ModelException(ModelErrorKind.NotOnnx, source, "not an ONNX model: the file is empty (0 bytes)");
        }

        var scan = new ModelScan();
        var graphOutputs = new List<string>();
        var producers = new Dictionary<string, string>(StringComparer.Ordinal);
        bool sawGraph = false;
        var reader = new WireReader(bytes);
        while (!reader.End)
        {
            int at = reader.Position;
            Field field = reader.Next(out WireError error);
            if (error != WireError.None)
            {
                throw Problem(error, at, bytes.Length, scan.IrVersion > 0, source, field.Number);
            }

            switch (field.Number)
            {
                case 1 when field.Type == WireType.Varint:
                    scan.IrVersion = (long)field.Varint;
                    break;
                case 2 when field.Type == WireType.Length:
                    scan.ProducerName = System.Text.Encoding.UTF8.GetString(field.Payload);
                    break;
                case 7 when field.Type == WireType.Length:
                    sawGraph = true;
                    ReadGraph(field.Payload, graphOutputs, producers);
                    break;
                case 8 when field.Type == WireType.Length:
                    ReadOpset(field.Payload, scan.Opsets);
                    break;
            }
        }

        if (!sawGraph)
        {
            throw new ModelException(ModelErrorKind.NotOnnx, source,
                "not an ONNX model: the bytes hold no graph (ModelProto field 7)");
        }

        foreach (string output in graphOutputs)
        {
            if (producers.TryGetValue(output, out string? op))
            {
                scan.OutputProducers[output] = op;
            }
        }

        return scan;
    }

    private static ModelException Problem(WireError error, int at, int length, bool sawIrVersion, string source, int field)
    {
        if (!sawIrVersion)
        {
            // Every ONNX writer puts ir_version (field 1) first; bytes that fail before it are something else.
            return new ModelException(ModelErrorKind.NotOnnx, source, "not an ONNX model: the bytes do not parse as a protobuf ModelProto");
        }

        if (error == WireError.PastEnd)
        {
            string what = field == 7 ? "the graph" : $"field {field}";
            return new ModelException(ModelErrorKind.Truncated, source,
                $"truncated: {what} (starting at byte {at:N0}) runs past the end of the file ({length:N0} bytes); the file was cut short, copy or export it again");
        }

        return new ModelException(ModelErrorKind.Corrupt, source, $"corrupt: invalid protobuf data at byte {at:N0} of {length:N0}");
    }

    private static void ReadOpset(ReadOnlySpan<byte> bytes, Dictionary<string, long> opsets)
    {
        string domain = "";
        long version = 0;
        var reader = new WireReader(bytes);
        while (!reader.End)
        {
            Field f = reader.Next(out WireError error);
            if (error != WireError.None)
            {
                return; // ORT reports the malformed entry itself
            }

            if (f.Number == 1 && f.Type == WireType.Length)
            {
                domain = System.Text.Encoding.UTF8.GetString(f.Payload);
            }
            else if (f.Number == 2 && f.Type == WireType.Varint)
            {
                version = (long)f.Varint;
            }
        }

        opsets[domain] = version;
    }

    private static void ReadGraph(ReadOnlySpan<byte> bytes, List<string> outputs, Dictionary<string, string> producers)
    {
        var reader = new WireReader(bytes);
        while (!reader.End)
        {
            Field f = reader.Next(out WireError error);
            if (error != WireError.None)
            {
                return;
            }

            if (f.Type != WireType.Length)
            {
                continue;
            }

            if (f.Number == 1)
            {
                ReadNode(f.Payload, producers);
            }
            else if (f.Number == 12 && FirstString(f.Payload, 1) is { } name)
            {
                outputs.Add(name);
            }
        }
    }

    private static void ReadNode(ReadOnlySpan<byte> bytes, Dictionary<string, string> producers)
    {
        string op = "";
        var outs = new List<string>(1);
        var reader = new WireReader(bytes);
        while (!reader.End)
        {
            Field f = reader.Next(out WireError error);
            if (error != WireError.None)
            {
                return;
            }

            if (f.Type == WireType.Length && f.Number == 2)
            {
                outs.Add(System.Text.Encoding.UTF8.GetString(f.Payload));
            }
            else if (f.Type == WireType.Length && f.Number == 4)
            {
                op = System.Text.Encoding.UTF8.GetString(f.Payload);
            }
        }

        foreach (string o in outs)
        {
            producers[o] = op;
        }
    }

    private static string? FirstString(ReadOnlySpan<byte> bytes, int number)
    {
        var reader = new WireReader(bytes);
        while (!reader.End)
        {
            Field f = reader.Next(out WireError error);
            if (error != WireError.None)
            {
                return null;
            }

            if (f.Number == number && f.Type == WireType.Length)
            {
                return System.Text.Encoding.UTF8.GetString(f.Payload);
            }
        }

        return null;
    }

    private enum WireType
    {
        Varint = 0,
        Fixed64 = 1,
        Length = 2,
        StartGroup = 3,
        EndGroup = 4,
        Fixed32 = 5,
    }

    private enum WireError
    {
        None,
        PastEnd,
        Invalid,
    }

    private readonly ref struct Field
    {
        public Field(int number, WireType type, ulong varint, ReadOnlySpan<byte> payload)
        {
            Number = number;
            Type = type;
            Varint = varint;
            Payload = payload;
        }

        public int Number { get; }

        public WireType Type { get; }

        public ulong Varint { get; }

        public ReadOnlySpan<byte> Payload { get; }
    }

    private ref struct WireReader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> bytes = bytes;

        public int Position { get; private set; }

        public readonly bool End => Position >= bytes.Length;

        public Field Next(out WireError error)
        {
            error = WireError.None;
            if (!TryVarint(out ulong key, ref error))
            {
                return default;
            }

            int number = (int)Math.Min(key >> 3, int.MaxValue);
            var type = (WireType)(key & 7);
            if (number == 0)
            {
                error = WireError.Invalid;
                return default;
            }

            switch (type)
            {
                case WireType.Varint:
                    return TryVarint(out ulong v, ref error) ? new Field(number, type, v, default) : new Field(number, type, 0, default);
                case WireType.Fixed64:
                    return Skip(8, number, type, ref error);
                case WireType.Fixed32:
                    return Skip(4, number, type, ref error);
                case WireType.Length:
                    if (!TryVarint(out ulong len, ref error))
                    {
                        return new Field(number, type, 0, default);
                    }

                    if (len > (ulong)(bytes.Length - Position))
                    {
                        error = WireError.PastEnd;
                        return new Field(number, type, 0, default);
                    }

                    ReadOnlySpan<byte> payload = bytes.Slice(Position, (int)len);
                    Position += (int)len;
                    return new Field(number, type, 0, payload);
                default:
                    error = WireError.Invalid; // groups are not used by ONNX; 6 and 7 are not wire types
                    return new Field(number, type, 0, default);
            }
        }

        private Field Skip(int size, int number, WireType type, scoped ref WireError error)
        {
            if (bytes.Length - Position < size)
            {
                error = WireError.PastEnd;
                return new Field(number, type, 0, default);
            }

            Position += size;
            return new Field(number, type, 0, default);
        }

        private bool TryVarint(out ulong value, scoped ref WireError error)
        {
            value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (Position >= bytes.Length)
                {
                    error = WireError.PastEnd;
                    return false;
                }

                byte b = bytes[Position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return true;
                }
            }

            error = WireError.Invalid;
            return false;
        }
    }
}
