using NetForge.Export;
using NetForge.Export.Onnx;
using NetForge.Runtime;
using NetForge.Spec;

namespace NetForge.Parity.Tests;

public sealed class ParityTests
{
    private const int Samples = 300;
    private static readonly ParityOptions Options = new() { BatchSizes = [1, 2, 300] };

    [Theory]
    [InlineData("mlp")]
    [InlineData("deep_mlp")]
    [InlineData("dropout_mlp")]
    [InlineData("cnn")]
    [InlineData("cnn_keras")]
    public void Seed_specs_agree_with_onnx_runtime_on_real_digits(string spec)
    {
        var network = ParityFixture.Initialised(ParityFixture.SeedSpec(spec), maxBatch: Samples);
        ParityFixture.Perturb(network, 11);
        var model = ParityFixture.Export(network);

        var certificate = ParityChecker.Check(network, model, ParityFixture.TestDigits.Pixels, Samples, "mnist test", Options);

        Assert.True(certificate.Passed, certificate.ToJson());
        Assert.InRange(certificate.MaxAbsDiffProbabilities, 0, ParityOptions.DefaultProbabilityTolerance);
        Assert.Equal(0, certificate.ArgmaxDisagreements);
        Assert.Equal(3, certificate.Batches.Count);
        Assert.Equal(NetForgeModel.OnnxRuntimeVersion, certificate.OnnxRuntimeVersion);
        Assert.Equal("1.32.0", certificate.OnnxRuntimeVersion);
        Assert.Equal(64, certificate.ModelSha256.Length);
        Assert.Equal("netforge", certificate.Reference);
    }

    [Fact]
    public void A_certificate_from_before_the_reference_was_recorded_names_the_own_engine()
    {
        var network = ParityFixture.Initialised(ParityFixture.SeedSpec("mlp"), maxBatch: 8);
        var certificate = ParityChecker.Check(network, ParityFixture.Export(network), ParityFixture.TestDigits.Pixels, 8, "mnist test", new ParityOptions { BatchSizes = [8] });
        var json = System.Text.Json.Nodes.JsonNode.Parse(certificate.ToJson())!.AsObject();
        Assert.True(json.Remove("reference"));
        var old = ParityCertificate.FromJson(json.ToJsonString());
        Assert.Equal("netforge", old.Reference);
        Assert.Equal(certificate.WeightsSha256, old.WeightsSha256);
    }

    [Fact]
    public void The_weights_hash_of_the_engine_seam_is_the_networks()
    {
        using var engine = new NetForge.Engine.NetForgeEngine(ParityFixture.SeedSpec("cnn"), 4, 1);
        engine.Initialize(5);
        Assert.Equal(ParityChecker.WeightsSha256(engine.Network), ParityChecker.WeightsSha256((NetForge.Train.Engines.ITrainingEngine)engine));
    }

    public static TheoryData<string, string> LayerOptions => new()
    {
        { "conv_valid_stride2", "conv2d: {filters: 4, kernel: 3, stride: 2, activation: relu}" },
        { "conv_same_stride2_rect", "conv2d: {filters: 3, kernel: [3, 5], stride: 2, padding: same, activation: tanh}" },
        { "conv_no_bias_sigmoid", "conv2d: {filters: 2, kernel: 4, use_bias: false, activation: sigmoid}" },
        { "maxpool_same", "maxpool2d: {pool: 3, stride: 2, padding: same}" },
        { "avgpool_same", "avgpool2d: {pool: 3, stride: 2, padding: same}" },
        { "avgpool_valid", "avgpool2d: {pool: 2}" },
        { "batchnorm_conv", "batchnorm: {}" },
        { "activation_tanh", "activation: tanh" },
    };

    [Theory]
    [MemberData(nameof(LayerOptions))]
    public void Every_layer_option_agrees_with_onnx_runtime(string name, string layer)
    {
        string yaml = $$"""
            name: {{name}}
            input: {shape: [1, 28, 28], scale: 0.00392156862745098}
            layers:
              - {{layer}}
              - flatten
              - batchnorm: {}
              - dense: {units: 16, activation: sigmoid}
              - dense: {units: 10, activation: softmax}
            train: {dataset: mnist, optimizer: adam, batch_size: 32, epochs: 1}
            """;
        var network = ParityFixture.Initialised(SpecCompiler.Compile(yaml, name + ".yaml"), maxBatch: 64);
        ParityFixture.Perturb(network, 3);

        var certificate = ParityChecker.Check(network, ParityFixture.Export(network), ParityFixture.TestDigits.Pixels, 64, "mnist test",
            new ParityOptions { BatchSizes = [1, 64] });

        Assert.True(certificate.Passed, certificate.ToJson());
    }

    [Theory]
    [MemberData(nameof(NetForge.Tests.Shared.LayerExamples.Kinds), MemberType = typeof(NetForge.Tests.Shared.LayerExamples))]
    public void Every_layer_kind_agrees_with_onnx_runtime(string type)
    {
        var network = ParityFixture.Initialised(NetForge.Tests.Shared.LayerExamples.Graph(type), maxBatch: 64);
        ParityFixture.Perturb(network, 5);

        var certificate = ParityChecker.Check(network, ParityFixture.Export(network), ParityFixture.TestDigits.Pixels, 64, "mnist test",
            new ParityOptions { BatchSizes = [1, 64] });

        Assert.True(certificate.Passed, certificate.ToJson());
    }

    [Fact]
    public void Uint8_input_models_agree()
    {
        var network = ParityFixture.Initialised(ParityFixture.SeedSpec("cnn"), maxBatch: 50);
        var model = ParityFixture.Export(network, new ExportOptions { InputDType = InputDType.UInt8 });

        var certificate = ParityChecker.Check(network, model, ParityFixture.TestDigits.Pixels, 50, "mnist test", new ParityOptions { BatchSizes = [7, 50] });

        Assert.True(certificate.Passed, certificate.ToJson());
    }

    [Fact]
    public void Changed_weights_fail_parity_and_the_first_divergent_layer_is_named()
    {
        var network = ParityFixture.Initialised(ParityFixture.SeedSpec("cnn"), maxBatch: 20);
        var model = ParityFixture.Export(network);
        // Corrupt the engine's second convolution (layer 2) after export: the ONNX model keeps the old weights.
        var weight = network.Parameters.Value("layers.2.weight");
        for (int i = 0; i < weight.Length; i += 7) weight[i] += 0.05f;

        var certificate = ParityChecker.Check(network, model, ParityFixture.TestDigits.Pixels, 20, "mnist test", new ParityOptions { BatchSizes = [20] });
        Assert.False(certificate.Passed);
        Assert.True(certificate.MaxAbsDiffProbabilities > 1e-5);

        // The locator exports the engine's current weights, so it agrees everywhere; a model built from the old
        // weights localises the change instead.
        var stale = ParityFixture.Initialised(ParityFixture.SeedSpec("cnn"), maxBatch: 20);
        Assert.Null(LayerLocator.FirstDivergent(stale, ParityFixture.TestDigits.Pixels, 20));
        var differences = LayerLocator.Compare(stale, ParityFixture.TestDigits.Pixels, 20);
        Assert.Contains(differences, d => d.Layer.Index == 2);
    }

    [Fact]
    public void Certificates_are_stored_and_verified_from_the_model_file_alone()
    {
        var network = ParityFixture.Initialised(ParityFixture.SeedSpec("mlp"), maxBatch: 100);
        var proto = OnnxExporter.Export(network.Graph, ParityChecker.Weights(network), new ExportOptions());
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(proto);
        var certificate = ParityChecker.Check(network, bytes, ParityFixture.TestDigits.Pixels, 100, "mnist test", new ParityOptions { BatchSizes = [1, 100] });
        string dir = Directory.CreateTempSubdirectory("netforge-parity-").FullName;
        try
        {
            string path = Path.Combine(dir, "mlp.onnx");
            Certificates.Store(path, proto, certificate);

            var stored = OnnxExporter.Read(path);
            Assert.Equal(certificate.ModelSha256, OnnxModelHash.Compute(stored));
            Assert.Equal(certificate, Certificates.Read(stored)! with { Batches = certificate.Batches });
            Assert.True(File.Exists(Certificates.SidecarPath(path)));

            var verified = Certificates.Verify(path, ParityFixture.TestDigits.Pixels, 100, "mnist test");
            Assert.True(verified.Ok, string.Join("; ", verified.Problems));

            // Tamper with one initializer: both the model hash and the weights hash must now disagree.
            var tampered = stored.Clone();
            var init = tampered.Graph.Initializer.First(t => t.Name == "layers.0.weight");
            var raw = init.RawData.ToByteArray();
            raw[0] ^= 0x40;
            init.RawData = Google.Protobuf.ByteString.CopyFrom(raw);
            OnnxExporter.Write(tampered, path);
            var failed = Certificates.Verify(path, ParityFixture.TestDigits.Pixels, 100, "mnist test");
            Assert.False(failed.Ok);
            Assert.Contains(failed.Problems, p => p.Contains("model hash", StringComparison.Ordinal));
            Assert.Contains(failed.Problems, p => p.Contains("weights hash", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_model_needing_an_opset_the_runtime_lacks_is_a_clear_error_not_a_crash()
    {
        var network = ParityFixture.Initialised(ParityFixture.SeedSpec("mlp"), maxBatch: 4);
        var model = OnnxExporter.Export(network.Graph, ParityChecker.Weights(network), new ExportOptions());
        model.OpsetImport[0].Version = 99;   // ONNX Runtime 1.32 knows ai.onnx up to opset 24 or so
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(model);

        var ex = Assert.Throws<ModelException>(() => NetForgeModel.Open(bytes));
        Assert.Equal(ModelErrorKind.UnsupportedVersion, ex.Kind);
        Assert.Contains("needs ONNX opset 99", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("onnxruntime_src", ex.Message, StringComparison.Ordinal);
        var parity = Assert.Throws<ParityException>(() => ParityChecker.Check(network, bytes, ParityFixture.TestDigits.Pixels, 4, "mnist test"));
        Assert.Contains("needs ONNX opset 99", parity.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_that_is_not_onnx_is_a_clear_error()
    {
        var network = ParityFixture.Initialised(ParityFixture.SeedSpec("mlp"), maxBatch: 4);
        var garbage = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        var ex = Assert.Throws<ParityException>(() => ParityChecker.Check(network, garbage, ParityFixture.TestDigits.Pixels, 4, "mnist test"));
        Assert.Contains("not an ONNX model", ex.Message, StringComparison.Ordinal);
    }
}
