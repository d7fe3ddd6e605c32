using System.Globalization;
using Xunit.Abstractions;
using NetForge.Spec.Graph;
using static NetForge.Spec.Graph.Activation;

namespace NetForge.Export.Tests;

/// <summary>
/// The python onnx checker (full_check: schema, types and strict shape inference against our value_info) on
/// every seed-spec-shaped graph and every option, plus a numpy evaluation of a small dense model.
/// </summary>
public sealed class OnnxCheckerTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netforge-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // A checker older than the model's IR/opset (onnx 1.12 knows IR 8 / opset 17) cannot check it as it is:
    // then the versions are lowered to the checker's newest and it checks that; every op we emit has the same
    // attributes from opset 13 to 21. The line says so ("OK-AS").
    private const string CheckScript = """
        import sys, onnx
        from onnx import checker, defs
        max_ir, max_opset = onnx.IR_VERSION, defs.onnx_opset_version()
        for path in sys.argv[1:]:
            m = onnx.load(path)
            note = ""
            opset = m.opset_import[0].version
            if m.ir_version > max_ir or opset > max_opset:
                note = f" (onnx {onnx.__version__} knows IR {max_ir}/opset {max_opset}: checked as that, was IR {m.ir_version}/opset {opset})"
                m.ir_version = min(m.ir_version, max_ir)
                m.opset_import[0].version = min(opset, max_opset)
            try:
                checker.check_model(m, full_check=True)
                print(("OK-AS " if note else "OK ") + path + note)
            except Exception as e:
                print("FAIL " + path + ": " + str(e).replace("\n", " "))
        """;

    private static IEnumerable<(string Name, ModelGraph Graph, ExportOptions Options)> Cases()
    {
        foreach (var graph in TestGraph.SeedShapes())
        {
            yield return (graph.Name, graph, new ExportOptions());
            yield return (graph.Name + "-uint8", graph, new ExportOptions { InputDType = InputDType.UInt8 });
            yield return (graph.Name + "-layers", graph, new ExportOptions { LayerOutputs = true });
            yield return (graph.Name + "-opset13", graph, new ExportOptions { Opset = 13 });
            yield return (graph.Name + "-opset21", graph, new ExportOptions { Opset = 21, InputDType = InputDType.UInt8, LayerOutputs = true });
        }
        var per = new ExportOptions { LayerOutputs = true };
        yield return ("conv-variants", new TestGraph("conv", new Shape(1, 28, 28))
            .Conv(4, 5, 5, padding: Padding.Same, activation: Tanh).Conv(3, 3, 3, 2, 2, Padding.Same, Sigmoid)
            .Conv(2, 3, 5, 2, 1, useBias: false).Conv(2, 4, 4, padding: Padding.Same)
            .Pool(PoolKind.Average, 3, 3, 2, 2, Padding.Same).Pool(PoolKind.Max, 2, 3, 1, 2, Padding.Same)
            .Flatten().Dense(10, Softmax).Build(), per);
        yield return ("batchnorm", new TestGraph("bn", new Shape(1, 28, 28)).Conv(3, 3, 3).BatchNorm().Act(Relu)
            .Pool(PoolKind.Average, 2, 2, 2, 2).Flatten().BatchNorm(center: false, scale: false).Dense(10).Build(), per);
        yield return ("activation-softmax", new TestGraph("act", new Shape(784), scale: 1.0).Dropout(0.1).Dense(16, useBias: false)
            .Act(Sigmoid).Act(Linear).Dense(10).Dropout(0.3).Act(Softmax).Build(), per);
        foreach (var kind in NetForge.Spec.Layers.LayerKinds.All)
        {
            var graph = NetForge.Tests.Shared.LayerExamples.Graph(kind.Type);
            yield return ("kind-" + kind.Type, graph, per);
            yield return ("kind-" + kind.Type + "-opset13-uint8", graph, new ExportOptions { Opset = 13, InputDType = InputDType.UInt8 });
        }
        yield return ("no-softmax-opset19", new TestGraph("plain", new Shape(784)).Dense(10, Tanh).Build(), new ExportOptions { Opset = 19 });
    }

    [PythonOnnxFact]
    public void EveryExport_PassesTheOnnxChecker()
    {
        var paths = new List<string>();
        foreach (var (name, graph, options) in Cases())
        {
            string path = Path.Combine(_dir, name + ".onnx");
            OnnxExporter.Write(OnnxExporter.Export(graph, TestGraph.Weights(graph), options), path);
            paths.Add(path);
        }
        var (exit, output) = PythonOnnx.Run(CheckScript, paths);
        log.WriteLine(output);
        Assert.True(exit == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.Equal(paths.Count, lines.Count(l => l.StartsWith("OK", StringComparison.Ordinal)));
    }

    [PythonOnnxFact]
    public void Checker_RejectsADanglingInput_AndAValueInfoShapeThatDisagrees()
    {
        // proves the checker run can fail, and that full_check compares our value_info with its shape inference
        var dangling = OnnxExporterTests.Export(TestGraph.Mlp());
        dangling.Graph.Node[1].Input[0] = "nowhere";
        var badShape = OnnxExporterTests.Export(TestGraph.Cnn());
        badShape.Graph.ValueInfo.Single(v => v.Name == "layer.5.flatten").Type.TensorType.Shape.Dim[1].DimValue = 1763;
        string a = Path.Combine(_dir, "dangling.onnx"), b = Path.Combine(_dir, "badshape.onnx");
        OnnxExporter.Write(dangling, a);
        OnnxExporter.Write(badShape, b);
        var (_, output) = PythonOnnx.Run(CheckScript, [a, b]);
        log.WriteLine(output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("FAIL " + a, lines[0], StringComparison.Ordinal);
        Assert.Contains("nowhere", lines[0]);
        Assert.StartsWith("FAIL " + b, lines[1], StringComparison.Ordinal);
        Assert.Contains("(1764) vs (1763)", lines[1]);
    }

    [PythonOnnxFact]
    public void OurProtoSubset_HasUpstreamsFieldNumbersNamesAndEnumValues()
    {
        // every field and enum value we declare must exist with the same number in the onnx package's own descriptors
        var ours = new List<string>();
        foreach (var message in Onnx.OnnxReflection.Descriptor.MessageTypes.SelectMany(m => m.NestedTypes.Prepend(m)))
        {
            foreach (var field in message.Fields.InFieldNumberOrder()) ours.Add($"{message.Name}.{field.Name}={field.FieldNumber}");
            foreach (var e in message.EnumTypes) ours.AddRange(e.Values.Select(v => $"{message.Name}.{e.Name}.{v.Name}={v.Number}"));
        }
        string script = """
            import sys, onnx
            names = ["ModelProto", "GraphProto", "NodeProto", "AttributeProto", "ValueInfoProto", "TypeProto", "TensorShapeProto",
                     "TensorProto", "OperatorSetIdProto", "StringStringEntryProto"]
            for n in names:
                d = getattr(onnx, n).DESCRIPTOR
                for m in [d] + list(d.nested_types):
                    for f in m.fields: print(f"{m.name}.{f.name}={f.number}")
                    for e in m.enum_types:
                        for v in e.values: print(f"{m.name}.{e.name}.{v.name}={v.number}")
            """;
        var (exit, output) = PythonOnnx.Run(script, []);
        Assert.True(exit == 0, output);
        var upstream = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.True(ours.Count > 90, $"only {ours.Count} descriptors found");
        var missing = ours.Where(o => !upstream.Contains(o)).ToList();
        Assert.True(missing.Count == 0, "not in upstream onnx.proto: " + string.Join(", ", missing));
    }

    // Evaluates the exported graph by ONNX semantics (Gemm transA/transB, Softmax axis, ...) in numpy.
    private const string EvalScript = """
        import sys, numpy as np, onnx
        from onnx import numpy_helper
        m = onnx.load(sys.argv[1])
        x = np.loadtxt(sys.argv[2], dtype=np.float64, ndmin=2)
        env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in m.graph.initializer}
        env[m.graph.input[0].name] = x
        attr = lambda n, k, d: next((onnx.helper.get_attribute_value(a) for a in n.attribute if a.name == k), d)
        for n in m.graph.node:
            i = [env[v] for v in n.input]
            if n.op_type == "Mul": y = i[0] * i[1]
            elif n.op_type == "Cast": y = i[0]
            elif n.op_type == "Gemm":
                a = i[0].T if attr(n, "transA", 0) else i[0]
                b = i[1].T if attr(n, "transB", 0) else i[1]
                y = attr(n, "alpha", 1.0) * a @ b + (attr(n, "beta", 1.0) * i[2] if len(i) > 2 else 0)
            elif n.op_type == "Relu": y = np.maximum(i[0], 0)
            elif n.op_type == "Sigmoid": y = 1 / (1 + np.exp(-i[0]))
            elif n.op_type == "Tanh": y = np.tanh(i[0])
            elif n.op_type == "Softmax":
                e = np.exp(i[0] - i[0].max(axis=attr(n, "axis", -1), keepdims=True))
                y = e / e.sum(axis=attr(n, "axis", -1), keepdims=True)
            else: raise SystemExit("unsupported op " + n.op_type)
            env[n.output[0]] = y
        for o in m.graph.output:
            print(o.name, " ".join(repr(float(v)) for v in env[o.name].ravel()))
        """;

    [PythonOnnxFact]
    public void SmallDenseModel_EvaluatedByOnnxSemantics_MatchesTheIrSemantics()
    {
        // non-square layers so a transposed weight changes the result (or its shape)
        var graph = new TestGraph("tiny", new Shape(5), scale: 0.5).Dense(3, Relu).Dense(4, Softmax).Build();
        var weights = TestGraph.Weights(graph, seed: 3);
        double[][] inputs = [[0, 1, 2, 3, 4], [10, -3, 0.5, 7, 1]];
        string modelPath = Path.Combine(_dir, "tiny.onnx");
        string inputPath = Path.Combine(_dir, "x.txt");
        OnnxExporter.Write(OnnxExporter.Export(graph, weights, new ExportOptions()), modelPath);
        File.WriteAllLines(inputPath, inputs.Select(r => string.Join(" ", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

        var (exit, output) = PythonOnnx.Run(EvalScript, [modelPath, inputPath]);
        Assert.True(exit == 0, output);
        var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l.Split(' ')[0], l => l.Split(' ').Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());

        // the IR's meaning, written out: h = relu(W0·(x·scale) + b0) with W0 [3, 5]; logits = W1·h + b1 with W1 [4, 3]
        var expectedLogits = new List<double>();
        var expectedProbs = new List<double>();
        foreach (var x in inputs)
        {
            double[] h = Layer(weights["layers.0.weight"], weights["layers.0.bias"], x.Select(v => v * 0.5).ToArray(), 3);
            h = h.Select(v => Math.Max(v, 0)).ToArray();
            double[] z = Layer(weights["layers.1.weight"], weights["layers.1.bias"], h, 4);
            double max = z.Max();
            double sum = z.Sum(v => Math.Exp(v - max));
            expectedLogits.AddRange(z);
            expectedProbs.AddRange(z.Select(v => Math.Exp(v - max) / sum));
        }
        // float32 weights evaluated in float64 on both sides: only rounding of the printed scale differs
        const double Tolerance = 1e-6;
        Assert.Equal(expectedLogits.Count, results["logits"].Length);
        for (int i = 0; i < expectedLogits.Count; i++)
        {
            Assert.True(Math.Abs(expectedLogits[i] - results["logits"][i]) < Tolerance, $"logits[{i}]: expected {expectedLogits[i]}, onnx {results["logits"][i]}");
            Assert.True(Math.Abs(expectedProbs[i] - results["probabilities"][i]) < Tolerance, $"probabilities[{i}]: expected {expectedProbs[i]}, onnx {results["probabilities"][i]}");
        }
    }

    private static double[] Layer(float[] w, float[] b, double[] x, int units)
    {
        var y = new double[units];
        for (int u = 0; u < units; u++)
        {
            double s = b[u];
            for (int k = 0; k < x.Length; k++) s += w[u * x.Length + k] * x[k];
            y[u] = s;
        }
        return y;
    }
}
