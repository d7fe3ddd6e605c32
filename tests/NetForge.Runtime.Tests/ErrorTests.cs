using Xunit.Abstractions;

namespace NetForge.Runtime.Tests;

public sealed class ErrorTests(ITestOutputHelper output)
{
    [Fact]
    public void Wrong_shape_is_rejected_before_ort_with_expected_and_got()
    {
        using var session = new InferenceSession(TestModels.Path("cnn.onnx"));
        var e = Assert.Throws<ArgumentException>(() => session.Run("image", new float[3 * 784], [3, 784]));
        Assert.StartsWith("input 'image' expects float32 [batch, 1, 28, 28], got [3, 784].", e.Message);
        e = Assert.Throws<ArgumentException>(() => session.Run("image", new float[784], [1, 1, 28, 27]));
        Assert.StartsWith("input 'image' expects float32 [batch, 1, 28, 28], got [1, 1, 28, 27].", e.Message);
        e = Assert.Throws<ArgumentException>(() => session.Run("image", new float[784], [-1, 1, 28, 28]));
        Assert.StartsWith("input 'image' expects float32 [batch, 1, 28, 28], got [-1, 1, 28, 28].", e.Message);
    }

    [Fact]
    public void Wrong_length_for_shape_is_rejected()
    {
        using var session = new InferenceSession(TestModels.Path("mlp.onnx"));
        var e = Assert.Throws<ArgumentException>(() => session.Run("input", new float[100], [2, 784]));
        Assert.StartsWith("input 'input' has shape [2, 784] = 1568 elements, but 100 values were given.", e.Message);
        e = Assert.Throws<ArgumentException>(() => session.Predict(new float[785], 1));
        Assert.Contains("need 784 values, got 785", e.Message);
    }

    [Fact]
    public void Wrong_dtype_is_rejected_naming_both_types()
    {
        using var session = new InferenceSession(TestModels.Path("cast_mul.onnx"));
        var e = Assert.Throws<ArgumentException>(() => session.Run("pixels", new float[8], [2, 4]));
        Assert.StartsWith("input 'pixels' expects uint8 [N, 4], got float32 [2, 4].", e.Message);
        using var mlp = new InferenceSession(TestModels.Path("mlp.onnx"));
        e = Assert.Throws<ArgumentException>(() => mlp.Run("input", new byte[784], [1, 784]));
        Assert.StartsWith("input 'input' expects float32 [N, 784], got uint8 [1, 784].", e.Message);
    }

    [Fact]
    public void Predict_needs_a_float_input_with_fixed_sample_dims()
    {
        using var cast = new InferenceSession(TestModels.Path("cast_mul.onnx"));
        var e = Assert.Throws<InvalidOperationException>(() => cast.Predict(new float[4], 1));
        Assert.StartsWith("Predict feeds float32 samples, but input 'pixels' is uint8 [N, 4]", e.Message);
        using var gemm = new InferenceSession(TestModels.Path("gemm_k.onnx"));
        e = Assert.Throws<InvalidOperationException>(() => gemm.Predict(new float[4], 1));
        Assert.StartsWith("Predict needs every non-batch dimension of input 'x' to be fixed; it is float32 [N, K].", e.Message);
    }

    [Fact]
    public void Wrong_names_list_what_the_model_has()
    {
        using var session = new InferenceSession(TestModels.Path("mlp.onnx"));
        var e = Assert.Throws<ArgumentException>(() => session.Run("images", new float[784], [1, 784]));
        Assert.StartsWith("model has no input 'images'; its inputs are: input: float32 [N, 784].", e.Message);
        Assert.Equal("inputName", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => session.Run("input", new float[784], [1, 784], "probs"));
        Assert.StartsWith("model has no output 'probs'; its outputs are: logits: float32 [N, 10]; probabilities: float32 [N, 10].", e.Message);
    }

    [Fact]
    public void Ort_runtime_error_is_an_OnnxRuntimeException_without_source_paths()
    {
        using var session = new InferenceSession(TestModels.Path("gemm_k.onnx"));
        using (OrtTensor ok = session.Run("x", [1f, 1f, 1f, 1f], [1, 4]))
        {
            Assert.Equal([6f, 22f, 38f], ok.ToArray());
        }

        var e = Assert.Throws<OnnxRuntimeException>(() => session.Run("x", new float[5], [1, 5]));
        output.WriteLine($"{e.Code}: {e.Message}");
        Assert.NotEqual(ErrorCode.Ok, e.Code);
        Assert.Contains("gemm", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onnxruntime_src", e.Message);
        Assert.DoesNotContain(".cc:", e.Message);
        Assert.DoesNotContain(".h:", e.Message);
        Assert.DoesNotContain("onnxruntime::", e.Message);
    }

    [Theory]
    [InlineData("/onnxruntime_src/onnxruntime/core/providers/cpu/math/gemm_helper.h:14 onnxruntime::GemmHelper::GemmHelper(const onnxruntime::TensorShape&, bool, const onnxruntime::TensorShape&, bool, const onnxruntime::TensorShape&) left.NumDimensions() == 2 || left.NumDimensions() == 1 was false.",
        "left.NumDimensions() == 2 || left.NumDimensions() == 1 was false.")]
    [InlineData("Non-zero status code returned while running Gemm node. Name:'gemm' Status Message: /onnxruntime_src/onnxruntime/core/providers/cpu/math/gemm_helper.h:19 onnxruntime::GemmHelper::GemmHelper(const TensorShape&, bool, const TensorShape&, bool, const TensorShape&) GEMM: Dimension mismatch, W: {3,4} K: 5 N:3",
        "Non-zero status code returned while running Gemm node. Name:'gemm' Status Message: GEMM: Dimension mismatch, W: {3,4} K: 5 N:3")]
    [InlineData("/onnxruntime_src/onnxruntime/core/graph/model.cc:180 onnxruntime::Model::Model(ModelProto&&, const PathString&, const IOnnxRuntimeOpSchemaRegistryList*, const logging::Logger&, const ModelOptions&) Unsupported model IR version: 99, max supported IR version: 11",
        "Unsupported model IR version: 99, max supported IR version: 11")]
    [InlineData("Load model from x.onnx failed:Protobuf parsing failed.", "Load model from x.onnx failed:Protobuf parsing failed.")]
    [InlineData("D:\\a\\_work\\1\\s\\onnxruntime\\core\\session\\inference_session.cc:42 onnxruntime::InferenceSession::Initialize Something failed (see f(x) here)",
        "Something failed (see f(x) here)")]
    [InlineData("Deserialize tensor layers.0.bias failed.endian_utils.cc:66 CopyLittleEndian source and destination buffer size mismatch",
        "Deserialize tensor layers.0.bias failed. source and destination buffer size mismatch")]
    [InlineData("tensorprotoutils.cc:1469 ValidateEmbeddedTensorProtoDataSizeAndShape TensorProto: w has mismatch", "TensorProto: w has mismatch")]
    public void Messages_lose_internal_source_locations(string raw, string trimmed)
        => Assert.Equal(trimmed, Native.OrtApiTable.TrimMessage(raw));

    [Fact]
    public void Missing_file_is_NoSuchFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netforge-missing-{Guid.NewGuid():N}.onnx");
        var e = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(path));
        output.WriteLine($"{e.Code}: {e.Message}");
        Assert.Equal(ErrorCode.NoSuchFile, e.Code);
        Assert.Contains(Path.GetFileName(path), e.Message);
    }

    [Fact]
    public void Empty_random_truncated_and_corrupt_models_throw_OnnxRuntimeException()
    {
        byte[] good = File.ReadAllBytes(TestModels.Path("cnn.onnx"));
        var random = new byte[4096];
        new Random(42).NextBytes(random);
        byte[] corrupt = (byte[])good.Clone();
        for (int i = 0; i < 64; i++)
        {
            corrupt[i] = 0xFF;
        }

        var cases = new (string Name, byte[] Bytes)[]
        {
            ("empty", []), ("random", random), ("truncated", good[..(good.Length / 2)]), ("header", good[..16]),
            ("corrupt", corrupt),
        };
        foreach (var (name, bytes) in cases)
        {
            var e = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(bytes));
            output.WriteLine($"{name}: {e.Code}: {e.Message}");
            Assert.NotEqual(ErrorCode.Ok, e.Code);
            Assert.DoesNotContain("onnxruntime_src", e.Message);
        }

        string file = Path.Combine(Path.GetTempPath(), $"netforge-empty-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(file, []);
        try
        {
            Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Byte_mutated_models_never_crash()
    {
        bool longRun = Environment.GetEnvironmentVariable("NETFORGE_LONG_TESTS") == "1";
        int copies = longRun ? 5000 : 300;
        byte[] good = File.ReadAllBytes(TestModels.Path("mlp.onnx"));
        var rng = new Random(1234);
        var input = new float[784];
        int loaded = 0, rejected = 0, ran = 0;
        var messages = new SortedSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < copies; c++)
        {
            byte[] bytes = (byte[])good.Clone();
            int flips = 1 + rng.Next(8);
            for (int k = 0; k < flips; k++)
            {
                // bias mutations toward the graph structure (the tail after the big weight tensor)
                int at = rng.Next(2) == 0 ? rng.Next(bytes.Length) : bytes.Length - 1 - rng.Next(Math.Min(400, bytes.Length));
                bytes[at] = (byte)rng.Next(256);
            }

            try
            {
                using var session = new InferenceSession(bytes);
                loaded++;
                if (session.Inputs.Count == 1 && session.Inputs[0].ElementType == TensorElementType.Float
                    && session.Inputs[0].Dimensions.Count == 2 && session.Inputs[0].Dimensions[1] == 784)
                {
                    try
                    {
                        OrtTensor[] outs = session.RunAll(session.Inputs[0].Name, input, [1, 784]);
                        ran++;
                        foreach (OrtTensor t in outs)
                        {
                            t.Dispose();
                        }
                    }
                    catch (Exception e) when (e is OnnxRuntimeException or ArgumentException)
                    {
                    }
                }
            }
            catch (OnnxRuntimeException e)
            {
                rejected++;
                messages.Add($"{e.Code}: {e.Message}");
            }
        }

        foreach (string m in messages.Take(40))
        {
            output.WriteLine(m);
        }

        Assert.All(messages, m => Assert.DoesNotMatch(@"\.(cc|h):\d+|onnxruntime_src|onnxruntime::\w+\(", m));

        output.WriteLine($"{copies} mutated copies: {loaded} loaded ({ran} ran), {rejected} rejected");
        Assert.Equal(copies, loaded + rejected);
        Assert.True(rejected > 0, "mutations should break some copies");
    }
}
