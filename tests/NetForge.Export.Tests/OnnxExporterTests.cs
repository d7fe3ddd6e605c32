using System.Text.Json;
using Google.Protobuf;
using NetForge.Export.Onnx;
using NetForge.Spec.Graph;
using static NetForge.Spec.Graph.Activation;

namespace NetForge.Export.Tests;

public class OnnxExporterTests
{
    internal static ModelProto Export(ModelGraph graph, ExportOptions? options = null) =>
        OnnxExporter.Export(graph, TestGraph.Weights(graph), options ?? new ExportOptions());

    internal static AttributeProto Attr(NodeProto node, string name) => node.Attribute.Single(a => a.Name == name);

    internal static string[] Ops(ModelProto model) => model.Graph.Node.Select(n => n.OpType).ToArray();

    internal static string Dims(ValueInfoProto value) =>
        string.Join(",", value.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void SeedShapedGraphs_HaveTheSpecsParameterTotals()
    {
        // guards the test helper itself: the totals docs/spec.md pins for the five seed specs
        Assert.Equal(407_050, TestGraph.Mlp().ParameterCount);
        Assert.Equal(244_522, TestGraph.DeepMlp().ParameterCount);
        Assert.Equal(669_706, TestGraph.DropoutMlp().ParameterCount);
        Assert.Equal(242_062, TestGraph.Cnn().ParameterCount);
        Assert.Equal(1_199_882, TestGraph.CnnKeras().ParameterCount);
    }

    [Fact]
    public void Mlp_IsMulGemmReluGemmSoftmax_WithLogitsAndProbabilities()
    {
        var graph = TestGraph.Mlp();
        var model = Export(graph);
        var g = model.Graph;

        Assert.Equal(["Mul", "Gemm", "Relu", "Gemm", "Softmax"], Ops(model));
        Assert.Equal(["input", "input.scale"], g.Node[0].Input);
        Assert.Equal(["input.scaled", "layers.0.weight", "layers.0.bias"], g.Node[1].Input);
        Assert.Equal(1, Attr(g.Node[1], "transB").I);
        Assert.Equal(["layer.0.dense.pre"], g.Node[1].Output);
        Assert.Equal(["layer.0.dense"], g.Node[2].Output);
        Assert.Equal(["layer.0.dense", "layers.1.weight", "layers.1.bias"], g.Node[3].Input);
        Assert.Equal(["logits"], g.Node[3].Output);
        Assert.Equal(["logits"], g.Node[4].Input);
        Assert.Equal(["probabilities"], g.Node[4].Output);
        Assert.Equal(1, Attr(g.Node[4], "axis").I);

        var input = Assert.Single(g.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        Assert.Equal("batch,784", Dims(input));
        Assert.Equal(["logits", "probabilities"], g.Output.Select(o => o.Name));
        Assert.All(g.Output, o => Assert.Equal("batch,10", Dims(o)));
    }

    [Fact]
    public void Initializers_AreRawLittleEndianFloat32_NamedByParameterPath()
    {
        var graph = TestGraph.Mlp();
        var weights = TestGraph.Weights(graph);
        var model = OnnxExporter.Export(graph, weights, new ExportOptions());

        Assert.Equal(["input.scale", "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"],
            model.Graph.Initializer.Select(t => t.Name));
        var w0 = model.Graph.Initializer.Single(t => t.Name == "layers.0.weight");
        Assert.Equal([512L, 784L], w0.Dims);
        Assert.Equal((int)TensorProto.Types.DataType.Float, w0.DataType);
        Assert.Empty(w0.FloatData);
        byte[] raw = w0.RawData.ToByteArray();
        Assert.Equal(512 * 784 * 4, raw.Length);
        // element [1, 2] of the [units, in] weight sits at 1·784 + 2, little-endian
        Assert.Equal(weights["layers.0.weight"][784 + 2], System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan((784 + 2) * 4)));
        Assert.Equal(weights["layers.0.weight"].Select(BitConverter.SingleToInt32Bits),
            Enumerable.Range(0, 512 * 784).Select(i => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(i * 4))));

        var scale = model.Graph.Initializer[0];
        Assert.Empty(scale.Dims);
        Assert.Equal((float)(1.0 / 255), BitConverter.ToSingle(scale.RawData.ToByteArray()));
    }

    [Fact]
    public void DenseWithoutBias_GemmHasTwoInputsAndNoBiasInitializer()
    {
        var graph = new TestGraph("nobias", new Shape(6), scale: 1.0).Dense(4, Relu, useBias: false).Dense(3, useBias: false).Build();
        var model = Export(graph);
        Assert.Equal(["Gemm", "Relu", "Gemm"], Ops(model));
        Assert.Equal(["input", "layers.0.weight"], model.Graph.Node[0].Input);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name.EndsWith(".bias", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutFinalSoftmax_OnlyLogitsIsAnOutput()
    {
        var graph = new TestGraph("plain", new Shape(6)).Dense(5, Tanh).Dense(3).Build();
        var model = Export(graph);
        Assert.Equal(["Mul", "Gemm", "Tanh", "Gemm"], Ops(model));
        Assert.Equal(["logits"], model.Graph.Node[^1].Output);
        Assert.Equal(["logits"], model.Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void ScaleOne_HasNoMulAndNoScaleInitializer()
    {
        var model = Export(new TestGraph("s1", new Shape(6), scale: 1.0).Dense(3, Softmax).Build());
        Assert.Equal(["Gemm", "Softmax"], Ops(model));
        Assert.Equal("input", model.Graph.Node[0].Input[0]);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "input.scale");
    }

    [Fact]
    public void UInt8Input_IsCastToFloatThenScaled()
    {
        var model = Export(TestGraph.Mlp(), new ExportOptions { InputDType = InputDType.UInt8 });
        Assert.Equal(["Cast", "Mul", "Gemm", "Relu", "Gemm", "Softmax"], Ops(model));
        Assert.Equal((int)TensorProto.Types.DataType.Uint8, model.Graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal((long)TensorProto.Types.DataType.Float, Attr(model.Graph.Node[0], "to").I);
        Assert.Equal(["input"], model.Graph.Node[0].Input);
        Assert.Equal(["input.float", "input.scale"], model.Graph.Node[1].Input);
        Assert.Contains(model.Graph.ValueInfo, v => v.Name == "input.float" && Dims(v) == "batch,784");
    }

    public static TheoryData<string, int, int, int, int, Padding, long[], string> ConvCases => new()
    {
        // name, kernel h, kernel w, stride h, stride w, padding, expected pads [top, left, bottom, right], output dims
        { "same 5x5", 5, 5, 1, 1, Padding.Same, [2, 2, 2, 2], "batch,4,28,28" },
        { "valid 3x3", 3, 3, 1, 1, Padding.Valid, [0, 0, 0, 0], "batch,4,26,26" },
        { "same 3x3 stride 2", 3, 3, 2, 2, Padding.Same, [0, 0, 1, 1], "batch,4,14,14" },
        { "same 4x4 (even kernel)", 4, 4, 1, 1, Padding.Same, [1, 1, 2, 2], "batch,4,28,28" },
        { "valid rectangular 3x5 stride 2x1", 3, 5, 2, 1, Padding.Valid, [0, 0, 0, 0], "batch,4,13,24" },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv_HasExplicitPadsStridesAndKernelShape(string name, int kh, int kw, int sh, int sw, Padding padding, long[] pads, string outDims)
    {
        var graph = new TestGraph("conv", new Shape(1, 28, 28)).Conv(4, kh, kw, sh, sw, padding, Relu).Flatten().Dense(10, Softmax).Build();
        var model = Export(graph);
        var conv = model.Graph.Node.Single(n => n.OpType == "Conv");
        Assert.Equal(["input.scaled", "layers.0.weight", "layers.0.bias"], conv.Input);
        Assert.Equal([kh, kw], Attr(conv, "kernel_shape").Ints);
        Assert.Equal([sh, sw], Attr(conv, "strides").Ints);
        Assert.Equal(pads, Attr(conv, "pads").Ints);
        Assert.False(conv.Attribute.Any(a => a.Name == "auto_pad"), name);
        Assert.Equal([4L, 1, kh, kw], model.Graph.Initializer.Single(t => t.Name == "layers.0.weight").Dims);
        Assert.Equal(outDims, Dims(model.Graph.ValueInfo.Single(v => v.Name == "layer.0.conv2d")));
        Assert.Equal(outDims, Dims(model.Graph.ValueInfo.Single(v => v.Name == "layer.0.conv2d.pre")));
    }

    [Fact]
    public void ConvWithoutBiasOrActivation_WritesItsOutputDirectly()
    {
        var graph = new TestGraph("conv", new Shape(1, 8, 8)).Conv(2, 3, 3, useBias: false).Flatten().Dense(10).Build();
        var conv = Export(graph).Graph.Node.Single(n => n.OpType == "Conv");
        Assert.Equal(["input.scaled", "layers.0.weight"], conv.Input);
        Assert.Equal(["layer.0.conv2d"], conv.Output);
    }

    [Theory]
    [InlineData(PoolKind.Max, "MaxPool")]
    [InlineData(PoolKind.Average, "AveragePool")]
    public void Pool_HasKernelStridesPads_AndAverageExcludesPadding(PoolKind kind, string op)
    {
        // same padding, pool 3 stride 2 on 28: out 14, total pad 1 → [0, 0, 1, 1]
        var graph = new TestGraph("pool", new Shape(2, 28, 28)).Pool(kind, 3, 3, 2, 2, Padding.Same).Flatten().Dense(10, Softmax).Build();
        var model = Export(graph);
        var pool = model.Graph.Node.Single(n => n.OpType == op);
        Assert.Equal([3L, 3], Attr(pool, "kernel_shape").Ints);
        Assert.Equal([2L, 2], Attr(pool, "strides").Ints);
        Assert.Equal([0L, 0, 1, 1], Attr(pool, "pads").Ints);
        if (kind == PoolKind.Average) Assert.Equal(0, Attr(pool, "count_include_pad").I);
        else Assert.DoesNotContain(pool.Attribute, a => a.Name == "count_include_pad");
        Assert.Equal("batch,2,14,14", Dims(model.Graph.ValueInfo.Single(v => v.Name == pool.Output[0])));
    }

    [Fact]
    public void BatchNorm_TakesGammaBetaMeanVarianceAndEpsilon()
    {
        var graph = new TestGraph("bn", new Shape(3, 6, 6)).BatchNorm(epsilon: 0.002).Flatten().Dense(10, Softmax).Build();
        var model = Export(graph);
        var bn = model.Graph.Node.Single(n => n.OpType == "BatchNormalization");
        Assert.Equal(["input.scaled", "layers.0.gamma", "layers.0.beta", "layers.0.moving_mean", "layers.0.moving_variance"], bn.Input);
        Assert.Equal(0.002f, Attr(bn, "epsilon").F);
        Assert.Single(bn.Output);
    }

    [Fact]
    public void BatchNormWithoutCenterAndScale_UsesOnesAndZerosConstants()
    {
        var graph = new TestGraph("bn", new Shape(5)).BatchNorm(center: false, scale: false).Dense(10, Softmax).Build();
        var model = Export(graph);
        var bn = model.Graph.Node.Single(n => n.OpType == "BatchNormalization");
        Assert.Equal(["input.scaled", "layers.0.gamma.ones", "layers.0.beta.zeros", "layers.0.moving_mean", "layers.0.moving_variance"], bn.Input);
        var ones = model.Graph.Initializer.Single(t => t.Name == "layers.0.gamma.ones");
        var zeros = model.Graph.Initializer.Single(t => t.Name == "layers.0.beta.zeros");
        Assert.Equal([5L], ones.Dims);
        Assert.All(Floats(ones), v => Assert.Equal(1f, v));
        Assert.All(Floats(zeros), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(Relu, "Relu")]
    [InlineData(Sigmoid, "Sigmoid")]
    [InlineData(Tanh, "Tanh")]
    public void ActivationLayerAndFusedActivation_EmitTheSameOp(Activation activation, string op)
    {
        var fused = Export(new TestGraph("a", new Shape(6)).Dense(4, activation).Dense(3).Build());
        Assert.Equal(["Mul", "Gemm", op, "Gemm"], Ops(fused));
        var layer = Export(new TestGraph("a", new Shape(6)).Dense(4).Act(activation).Dense(3).Build());
        Assert.Equal(["Mul", "Gemm", op, "Gemm"], Ops(layer));
        Assert.Equal(["layer.0.dense"], layer.Graph.Node[2].Input);
        Assert.Equal(["layer.1.activation"], layer.Graph.Node[2].Output);
    }

    [Fact]
    public void SoftmaxActivationLayerAtTheEnd_MakesThePreviousLayerTheLogits()
    {
        var model = Export(new TestGraph("a", new Shape(6)).Dense(3).Dropout(0.5).Act(Softmax).Build());
        Assert.Equal(["Mul", "Gemm", "Softmax"], Ops(model));
        Assert.Equal(["logits"], model.Graph.Node[1].Output);
        Assert.Equal(["logits"], model.Graph.Node[2].Input);
        Assert.Equal(["logits", "probabilities"], model.Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void SoftmaxOnAnImageTensor_IsRefused()
    {
        var graph = new TestGraph("bad", new Shape(1, 8, 8)).Conv(2, 3, 3, activation: Softmax).Flatten().Dense(10).Build();
        var ex = Assert.Throws<ExportException>(() => Export(graph));
        Assert.Contains("conv2d (specs/test.yaml:10:5)", ex.Message);
        Assert.Contains("softmax", ex.Message);
    }

    [Fact]
    public void FlattenAndDropout_FlattenHasAxis1_DropoutLeavesNoNode()
    {
        var model = Export(TestGraph.Cnn());
        Assert.Equal(["Mul", "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm", "Softmax"], Ops(model));
        var flatten = model.Graph.Node.Single(n => n.OpType == "Flatten");
        Assert.Equal(1, Attr(flatten, "axis").I);
        // the dropout at index 4 passes the second pool's output straight to flatten
        Assert.Equal(["layer.3.max_pooling2d_1"], flatten.Input);
        Assert.Equal("batch,1764", Dims(model.Graph.ValueInfo.Single(v => v.Name == "layer.5.flatten")));
        Assert.Equal(["layer.6.dense", "layers.8.weight", "layers.8.bias"], model.Graph.Node[10].Input);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Dropout");
    }

    [Fact]
    public void NodeNamesAndDocStrings_NameTheLayerAndItsSpecLine()
    {
        var model = Export(TestGraph.Mlp());
        var gemm = model.Graph.Node[3];
        Assert.Equal("dense_1/Gemm", gemm.Name);
        Assert.Equal("dense_1 (specs/test.yaml:11:5)", gemm.DocString);
        Assert.Equal("dense_1/Softmax", model.Graph.Node[4].Name);
        Assert.Equal(model.Graph.Node.Count, model.Graph.Node.Select(n => n.Name).Distinct().Count());
    }

    [Fact]
    public void ValueInfo_CoversEveryIntermediateValueOnce_WithBatchDim()
    {
        var model = Export(TestGraph.Cnn());
        var produced = model.Graph.Node.SelectMany(n => n.Output).ToHashSet();
        var outputs = model.Graph.Output.Select(o => o.Name).ToHashSet();
        var infos = model.Graph.ValueInfo.Select(v => v.Name).ToList();
        Assert.Equal(infos.Count, infos.Distinct().Count());
        Assert.Equal(produced.Except(outputs).Order(), infos.Order());
        Assert.All(model.Graph.ValueInfo, v => Assert.Equal("batch", v.Type.TensorType.Shape.Dim[0].DimParam));
        Assert.Equal("batch,16,28,28", Dims(model.Graph.ValueInfo.Single(v => v.Name == "layer.0.conv2d")));
        Assert.Equal("batch,36,7,7", Dims(model.Graph.ValueInfo.Single(v => v.Name == "layer.3.max_pooling2d_1")));
    }

    [Fact]
    public void LayerOutputs_ExposeEveryLayerUnderItsUniformName()
    {
        var graph = TestGraph.Cnn();
        var model = Export(graph, new ExportOptions { LayerOutputs = true });
        var names = model.Graph.Output.Select(o => o.Name).ToList();
        Assert.Equal(["logits", "probabilities", .. graph.Layers.Select(OnnxExporter.LayerOutputName)], names);
        Assert.Equal("layer.8.dense_1", names[^1]);
        var byName = model.Graph.Output.ToDictionary(o => o.Name);
        foreach (var layer in graph.Layers)
            Assert.Equal("batch," + string.Join(",", layer.OutputShape), Dims(byName[OnnxExporter.LayerOutputName(layer)]));

        // values named otherwise (dropouts, the final softmax) get an Identity; the rest are outputs as they are
        var identities = model.Graph.Node.Where(n => n.OpType == "Identity").ToDictionary(n => n.Output[0], n => n.Input[0]);
        Assert.Equal("layer.3.max_pooling2d_1", identities["layer.4.dropout"]);
        Assert.Equal("layer.6.dense", identities["layer.7.dropout_1"]);
        Assert.Equal("probabilities", identities["layer.8.dense_1"]);
        Assert.Equal(3, identities.Count);
        Assert.DoesNotContain(model.Graph.ValueInfo, v => names.Contains(v.Name));
    }

    [Fact]
    public void LeadingDropout_ReadsTheScaledInput()
    {
        var graph = new TestGraph("d", new Shape(6)).Dropout(0.1).Dense(3, Softmax).Build();
        var model = Export(graph, new ExportOptions { LayerOutputs = true });
        Assert.Equal("input.scaled", model.Graph.Node.Single(n => n.OpType == "Gemm").Input[0]);
        Assert.Equal("input.scaled", model.Graph.Node.Single(n => n.Output[0] == "layer.0.dropout").Input[0]);
    }

    [Theory]
    [InlineData(13, 8)]
    [InlineData(17, 8)]
    [InlineData(18, 8)]
    [InlineData(19, 9)]
    [InlineData(20, 9)]
    [InlineData(21, 10)]
    public void Opset_IsImportedAndIrVersionDerived(int opset, int irVersion)
    {
        var model = Export(TestGraph.Mlp(), new ExportOptions { Opset = opset });
        var import = Assert.Single(model.OpsetImport);
        Assert.Equal("", import.Domain);
        Assert.Equal(opset, import.Version);
        Assert.Equal(irVersion, model.IrVersion);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(22)]
    [InlineData(0)]
    public void UnsupportedOpset_IsRefusedWithTheRange(int opset)
    {
        var ex = Assert.Throws<ExportException>(() => Export(TestGraph.Mlp(), new ExportOptions { Opset = opset }));
        Assert.Contains($"opset {opset} is not supported", ex.Message);
        Assert.Contains("13 to 21", ex.Message);
    }

    [Fact]
    public void ExplicitIrVersion_IsUsedWhenItCanCarryTheOpset_AndRefusedOtherwise()
    {
        Assert.Equal(7, Export(TestGraph.Mlp(), new ExportOptions { Opset = 13, IrVersion = 7 }).IrVersion);
        var ex = Assert.Throws<ExportException>(() => Export(TestGraph.Mlp(), new ExportOptions { Opset = 21, IrVersion = 8 }));
        Assert.Contains("IR version 8 cannot carry opset 21", ex.Message);
        Assert.Throws<ExportException>(() => Export(TestGraph.Mlp(), new ExportOptions { IrVersion = 11 }));
    }

    [Fact]
    public void MissingWeight_IsAnArgumentExceptionNamingThePath()
    {
        var graph = TestGraph.Mlp();
        var weights = TestGraph.Weights(graph);
        weights.Remove("layers.1.bias");
        var ex = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(graph, weights, new ExportOptions()));
        Assert.Contains("'layers.1.bias' is missing", ex.Message);
        Assert.Equal("weights", ex.ParamName);
    }

    [Fact]
    public void WrongSizeWeight_IsAnArgumentExceptionNamingThePathAndShape()
    {
        var graph = TestGraph.Mlp();
        var weights = TestGraph.Weights(graph);
        weights["layers.0.weight"] = new float[784 * 511];
        var ex = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(graph, weights, new ExportOptions()));
        Assert.Contains("'layers.0.weight' has 400624 values, expected 401408 for shape [512, 784]", ex.Message);
    }

    [Fact]
    public void ExtraWeights_AreIgnored()
    {
        var graph = TestGraph.Mlp();
        var weights = TestGraph.Weights(graph);
        weights["optimizer.m.layers.0.weight"] = [1f];
        Assert.Equal(5, OnnxExporter.Export(graph, weights, new ExportOptions()).Graph.Initializer.Count);
    }

    [Fact]
    public void ModelFields_AndMetadata_DescribeTheModel()
    {
        var graph = TestGraph.Mlp();
        var model = Export(graph, new ExportOptions
        {
            ProducerVersion = "9.9.9",
            Metadata = new Dictionary<string, string> { ["training_summary"] = "{\"epochs\":5}", ["a_first"] = "x" },
        });
        Assert.Equal("NetForge", model.ProducerName);
        Assert.Equal("9.9.9", model.ProducerVersion);
        Assert.Equal("mlp", model.Graph.Name);
        Assert.Equal("test model", model.DocString);

        var meta = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(["labels", "spec", "spec_sha256", "netforge_version", "input_scale", "a_first", "training_summary"],
            model.MetadataProps.Select(p => p.Key));
        Assert.Equal(graph.Labels, JsonSerializer.Deserialize<string[]>(meta["labels"]));
        Assert.Equal(Spec.SpecCompiler.ToResolvedYaml(graph), meta["spec"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(meta["spec"]))), meta["spec_sha256"]);
        Assert.Equal(OnnxExporter.NetForgeVersion, meta["netforge_version"]);
        Assert.Matches(@"^\d+\.\d+\.\d+", meta["netforge_version"]);
        Assert.Equal(1.0 / 255, double.Parse(meta["input_scale"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("{\"epochs\":5}", meta["training_summary"]);
    }

    [Fact]
    public void DefaultProducerVersion_IsTheNetForgeVersion()
    {
        Assert.Equal(OnnxExporter.NetForgeVersion, Export(TestGraph.Mlp()).ProducerVersion);
    }

    [Fact]
    public void MetadataKeyCollidingWithABuiltInKey_IsRefused()
    {
        var options = new ExportOptions { Metadata = new Dictionary<string, string> { ["labels"] = "[]" } };
        var ex = Assert.Throws<ExportException>(() => Export(TestGraph.Mlp(), options));
        Assert.Contains("'labels'", ex.Message);
    }

    [Fact]
    public void Export_IsDeterministic()
    {
        var a = Export(TestGraph.Cnn()).ToByteArray();
        var b = Export(TestGraph.Cnn()).ToByteArray();
        Assert.Equal(a, b);
    }

    internal static float[] Floats(TensorProto tensor)
    {
        byte[] raw = tensor.RawData.ToByteArray();
        return Enumerable.Range(0, raw.Length / 4).Select(i => System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4))).ToArray();
    }
}

public class OnnxGraphBuilderTests
{
    [Fact]
    public void OpNeedingAHigherOpset_IsRefusedNamingTheOpAndTheLayer()
    {
        // unreachable through ExportOptions (13 is the floor), so the table is exercised directly
        var builder = new Emitters.OnnxGraphBuilder(new Onnx.GraphProto(), opset: 12);
        var ex = Assert.Throws<ExportException>(() => builder.Node("Softmax", "dense/Softmax", "dense (specs/x.yaml:9:5)", ["a"], "b"));
        Assert.Equal("dense (specs/x.yaml:9:5): op Softmax as exported needs opset 13 or higher, the export uses opset 12", ex.Message);
        builder.Node("Gemm", "dense/Gemm", "dense", ["a", "w"], "c");
        Assert.Throws<ExportException>(() => builder.Node("Gemm", "dense/Gemm", "dense", ["c", "w"], "d")); // duplicate node name
        Assert.Throws<ExportException>(() => builder.Node("LSTM", "rnn/LSTM", "rnn", ["a"], "e"));
    }

    [Fact]
    public void EveryOpTheExporterEmits_ExistsAtTheLowestSupportedOpset()
    {
        Assert.All(Emitters.OnnxGraphBuilder.MinOpset.Values, v => Assert.True(v <= ExportOptions.MinOpset));
    }
}
