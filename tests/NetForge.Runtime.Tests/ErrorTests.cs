using Xunit.Abstractions;

namespace NetForge.Runtime.Tests;

/// <summary>Every problem is a <see cref="ModelException"/> naming the model and the cause, never a crash.</summary>
public sealed class ErrorTests(ITestOutputHelper output)
{
    [Fact]
    public void Float_samples_for_a_uint8_model_name_both_types()
    {
        using var model = NetForgeModel.Open(TestModels.Path("cast_mul.onnx"));
        var e = Assert.Throws<ModelException>(() => model.Predict(new float[8], 2));
        Assert.Equal(ModelErrorKind.InputMismatch, e.Kind);
        Assert.Equal($"{TestModels.Path("cast_mul.onnx")}: input 'pixels' takes uint8 [N, 4]; got float32 samples (pass bytes)", e.Message);
    }

    [Fact]
    public void Wrong_sample_length_says_expected_and_got()
    {
        using var model = NetForgeModel.Open(TestModels.Path("cnn.onnx"));
        var e = Assert.Throws<ModelException>(() => model.Predict(new float[3 * 784 - 1], 3));
        Assert.Equal(ModelErrorKind.InputMismatch, e.Kind);
        Assert.EndsWith("input 'image' is float32 [N, 1, 28, 28]: 3 sample(s) need 2352 values, got 2351", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ModelException>(() => model.Predict(new float[784], 1, new float[9]));
        Assert.EndsWith("the probabilities buffer holds 9 values; 1 sample(s) × 10 classes need 10", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ModelException>(() => model.Classify(new byte[784 * 2], 2, new int[1]));
        Assert.EndsWith("the classes buffer holds 1 values; 2 sample(s) need 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(ReadOnlySpan<float>.Empty, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.TopK(new float[10], 11));
    }

    [Fact]
    public void Ort_run_failure_is_RunFailed_without_source_paths()
    {
        using var model = NetForgeModel.Open(TestModels.Path("reshape_fixed.onnx"));
        float[] p = model.Predict(new float[8], 2); // runs for N = 2 only
        Assert.Equal(8, p.Length);
        var e = Assert.Throws<ModelException>(() => model.Predict(new float[12], 3));
        output.WriteLine(e.Message);
        Assert.Equal(ModelErrorKind.RunFailed, e.Kind);
        Assert.Contains("reshape_fixed.onnx: ONNX Runtime failed while running the model:", e.Message, StringComparison.Ordinal);
        Assert.Contains("reshape", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\.(cc|h):\d+|onnxruntime_src|\[ErrorCode", e.Message);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException);
    }

    [Theory]
    [InlineData("[ErrorCode:RuntimeException] Non-zero status code returned while running Gemm node. Name:'gemm' Status Message: /onnxruntime_src/onnxruntime/core/providers/cpu/math/gemm_helper.h:19 onnxruntime::GemmHelper::GemmHelper(const TensorShape&, bool, const TensorShape&, bool, const TensorShape&) GEMM: Dimension mismatch, W: {3,4} K: 5 N:3",
        "Non-zero status code returned while running Gemm node. Name:'gemm' Status Message: GEMM: Dimension mismatch, W: {3,4} K: 5 N:3")]
    [InlineData("/onnxruntime_src/onnxruntime/core/graph/model.cc:180 onnxruntime::Model::Model(ModelProto&&, const PathString&, const IOnnxRuntimeOpSchemaRegistryList*, const logging::Logger&, const ModelOptions&) Unsupported model IR version: 99, max supported IR version: 11",
        "Unsupported model IR version: 99, max supported IR version: 11")]
    [InlineData("[ErrorCode:InvalidProtobuf] Failed to load model because protobuf parsing failed.", "Failed to load model because protobuf parsing failed.")]
    [InlineData("D:\\a\\_work\\1\\s\\onnxruntime\\core\\session\\inference_session.cc:42 onnxruntime::InferenceSession::Initialize Something failed (see f(x) here)",
        "Something failed (see f(x) here)")]
    [InlineData("Deserialize tensor layers.0.bias failed.endian_utils.cc:66 CopyLittleEndian source and destination buffer size mismatch",
        "Deserialize tensor layers.0.bias failed. source and destination buffer size mismatch")]
    [InlineData("tensorprotoutils.cc:1469 ValidateEmbeddedTensorProtoDataSizeAndShape TensorProto: w has mismatch", "TensorProto: w has mismatch")]
    public void Ort_messages_lose_codes_and_internal_source_locations(string raw, string trimmed)
        => Assert.Equal(trimmed, ModelException.TrimOrtMessage(raw));

    [Fact]
    public void Missing_file_and_folder_are_named()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netforge-missing-{Guid.NewGuid():N}.onnx");
        var e = Assert.Throws<ModelException>(() => NetForgeModel.Open(path));
        Assert.Equal(ModelErrorKind.NotFound, e.Kind);
        Assert.Equal($"{path}: model file not found", e.Message);
        e = Assert.Throws<ModelException>(() => NetForgeModel.Open(Path.GetTempPath()));
        Assert.Equal(ModelErrorKind.Unreadable, e.Kind);
        Assert.Contains("is a folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_foreign_truncated_and_corrupt_files_are_told_apart()
    {
        byte[] good = File.ReadAllBytes(TestModels.Path("cnn.onnx"));
        var random = new byte[4096];
        new Random(42).NextBytes(random);
        random[0] = 0x89; // never a protobuf ModelProto start
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        byte[] text = "name: mlp\nlayers: []\n"u8.ToArray();
        byte[] corrupt = (byte[])good.Clone();
        for (int i = good.Length - 200; i < good.Length - 100; i++)
        {
            corrupt[i] = 0xFF;
        }

        var cases = new (string Name, byte[] Bytes, ModelErrorKind Kind)[]
        {
            ("empty", [], ModelErrorKind.NotOnnx), ("random", random, ModelErrorKind.NotOnnx), ("png", png, ModelErrorKind.NotOnnx),
            ("text", text, ModelErrorKind.NotOnnx), ("half", good[..(good.Length / 2)], ModelErrorKind.Truncated),
            ("header", good[..16], ModelErrorKind.Truncated), ("last byte cut", good[..^1], ModelErrorKind.Truncated),
            ("corrupt", corrupt, ModelErrorKind.Corrupt),
        };
        foreach (var (name, bytes, kind) in cases)
        {
            var e = Assert.Throws<ModelException>(() => NetForgeModel.Open(bytes, name: name + ".onnx"));
            output.WriteLine($"{name}: {e.Kind}: {e.Message}");
            Assert.Equal(kind, e.Kind);
            Assert.StartsWith(name + ".onnx: ", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("onnxruntime_src", e.Message, StringComparison.Ordinal);
        }

        string file = Path.Combine(Path.GetTempPath(), $"netforge-cut-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(file, good[..1000]);
        try
        {
            var e = Assert.Throws<ModelException>(() => NetForgeModel.Open(file));
            Assert.Equal(ModelErrorKind.Truncated, e.Kind);
            Assert.StartsWith($"{file}: truncated: the graph (starting at byte ", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_model_needing_an_opset_newer_than_this_runtime_says_so()
    {
        // cast_mul.onnx imports ai.onnx opset 17: OperatorSetIdProto bytes 42 04 0A 00 10 11 (field 8: domain "", version 17).
        byte[] bytes = File.ReadAllBytes(TestModels.Path("cast_mul.onnx"));
        int at = IndexOf(bytes, [0x42, 0x04, 0x0A, 0x00, 0x10, 0x11]);
        Assert.True(at >= 0, "opset import not found");
        bytes[at + 5] = 99;
        var e = Assert.Throws<ModelException>(() => NetForgeModel.Open(bytes, name: "future.onnx"));
        output.WriteLine(e.Message);
        Assert.Equal(ModelErrorKind.UnsupportedVersion, e.Kind);
        Assert.StartsWith("future.onnx: the model needs ONNX opset 99 (IR version 8), which ONNX Runtime 1.32.0 does not support:", e.Message, StringComparison.Ordinal);
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
        var kinds = new SortedDictionary<ModelErrorKind, int>();
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
                using var model = NetForgeModel.Open(bytes, name: $"mutant{c}.onnx");
                loaded++;
                if (model.Contract.SampleSize == 784)
                {
                    try
                    {
                        model.Predict(input, 1);
                        ran++;
                    }
                    catch (ModelException e)
                    {
                        kinds[e.Kind] = kinds.GetValueOrDefault(e.Kind) + 1;
                    }
                }
            }
            catch (ModelException e)
            {
                rejected++;
                kinds[e.Kind] = kinds.GetValueOrDefault(e.Kind) + 1;
                messages.Add(e.Message);
            }
        }

        foreach (string m in messages.Take(30))
        {
            output.WriteLine(m);
        }

        Assert.All(messages, m => Assert.DoesNotMatch(@"\.(cc|h):\d+|onnxruntime_src|onnxruntime::\w+\(|\[ErrorCode", m));
        output.WriteLine($"{copies} mutated copies: {loaded} loaded ({ran} ran), {rejected} rejected; {string.Join(", ", kinds.Select(k => $"{k.Key} {k.Value}"))}");
        Assert.Equal(copies, loaded + rejected);
        Assert.True(rejected > 0, "mutations should break some copies");
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }
}
