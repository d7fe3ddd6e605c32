using System.Runtime.InteropServices;
using Google.Protobuf;
using NetForge.Export.Onnx;
using NetForge.Spec.Graph;

namespace NetForge.Export.Emitters;

/// <summary>
/// Appends nodes, initializers and value shapes to a <see cref="GraphProto"/> so emitters stay a few
/// lines each. Every value shape carries the symbolic batch dimension <see cref="BatchDim"/> first.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The symbolic name of the leading (batch) dimension of every activation.</summary>
    public const string BatchDim = "batch";

    private readonly Dictionary<string, (Shape Shape, TensorProto.Types.DataType Type)> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(GraphProto graph, int opset)
    {
        Graph = graph;
        Opset = opset;
    }

    public GraphProto Graph { get; }
    public int Opset { get; }

    /// <summary>
    /// The first ai.onnx opset with the form of each op that we emit (Softmax-13 normalises along one axis;
    /// older Softmax flattened to 2-D). An op missing here cannot be emitted.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, int> MinOpset = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["Cast"] = 6, ["Mul"] = 7, ["Sub"] = 7, ["Div"] = 7, ["Gemm"] = 11, ["Conv"] = 11, ["MaxPool"] = 11, ["AveragePool"] = 11,
        ["Relu"] = 6, ["Sigmoid"] = 6, ["Tanh"] = 6, ["Softmax"] = 13, ["Flatten"] = 11,
        ["BatchNormalization"] = 9, ["Identity"] = 1, ["GlobalAveragePool"] = 1,
    };

    /// <summary>Adds a node of the default (ai.onnx) domain. <paramref name="name"/> must be unique in the graph.</summary>
    /// <exception cref="ExportException">The op is unknown to the exporter or needs a higher opset than <see cref="Opset"/>.</exception>
    public NodeProto Node(string opType, string name, string docString, IEnumerable<string> inputs, string output,
        params AttributeProto[] attributes)
    {
        if (!MinOpset.TryGetValue(opType, out int needed)) throw new ExportException($"{docString}: op {opType} is not supported by the exporter");
        if (needed > Opset) throw new ExportException($"{docString}: op {opType} as exported needs opset {needed} or higher, the export uses opset {Opset}");
        if (!_nodeNames.Add(name)) throw new ExportException($"two ONNX nodes would be named '{name}'; layer names must be unique");
        var node = new NodeProto { OpType = opType, Name = name, DocString = docString };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>Records the per-sample shape of an intermediate value, written as value_info unless it is a graph output.</summary>
    public void Value(string name, Shape shape, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float) =>
        _values[name] = (shape, type);

    public Shape ShapeOf(string name) => _values[name].Shape;

    /// <summary>Adds a float32 initializer stored as little-endian raw_data.</summary>
    public void Initializer(string name, Shape dims, ReadOnlySpan<float> data)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        foreach (int d in dims) tensor.Dims.Add(d);
        tensor.RawData = ByteString.CopyFrom(LittleEndianBytes(data));
        Graph.Initializer.Add(tensor);
    }

    /// <summary>Adds a graph output of type float32 [batch, ...shape].</summary>
    public void Output(string name, Shape shape) => Graph.Output.Add(ValueInfo(name, shape, TensorProto.Types.DataType.Float));

    /// <summary>Writes value_info for every recorded value that is neither a graph input nor a graph output.</summary>
    public void FinishValueInfo()
    {
        var external = new HashSet<string>(Graph.Output.Select(o => o.Name).Concat(Graph.Input.Select(i => i.Name)), StringComparer.Ordinal);
        foreach (var (name, (shape, type)) in _values)
        {
            if (!external.Contains(name)) Graph.ValueInfo.Add(ValueInfo(name, shape, type));
        }
    }

    /// <summary>A tensor ValueInfoProto of shape [batch, ...shape].</summary>
    public static ValueInfoProto ValueInfo(string name, Shape shape, TensorProto.Types.DataType type)
    {
        var tensorShape = new TensorShapeProto();
        tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDim });
        foreach (int d in shape) tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>IEEE 754 float32 bytes in little-endian order, whatever the machine's byte order.</summary>
    public static byte[] LittleEndianBytes(ReadOnlySpan<float> data)
    {
        var bytes = new byte[data.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(data).CopyTo(bytes);
        }
        else
        {
            for (int i = 0; i < data.Length; i++)
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), data[i]);
        }
        return bytes;
    }
}
