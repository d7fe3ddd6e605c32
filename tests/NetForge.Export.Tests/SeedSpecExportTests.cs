using NetForge.Spec;
using NetForge.Spec.Graph;
using Xunit.Abstractions;

namespace NetForge.Export.Tests;

/// <summary>The real seed specs (specs/*.yaml through SpecCompiler) exported and checked like the hand-built graphs.</summary>
public sealed class SeedSpecExportTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netforge-seed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string RepoRoot() => NetForge.Tests.Shared.RepoRoot.Path;

    private static IEnumerable<ModelGraph> SeedSpecs()
    {
        string root = RepoRoot();
        foreach (string name in new[] { "mlp", "deep_mlp", "dropout_mlp", "cnn", "cnn_keras" })
        {
            string path = Path.Combine("specs", name + ".yaml");
            yield return SpecCompiler.Compile(File.ReadAllText(Path.Combine(root, path)), path);
        }
    }

    [Fact]
    public void SeedSpecs_ExportWithTheirLayersNamesAndSpecLines()
    {
        foreach (var graph in SeedSpecs())
        {
            var model = OnnxExporter.Export(graph, TestGraph.Weights(graph), new ExportOptions());
            Assert.Equal(graph.Name, model.Graph.Name);
            Assert.Equal(graph.Parameters.Select(p => p.Path), model.Graph.Initializer.Select(t => t.Name).Where(n => n.StartsWith("layers.", StringComparison.Ordinal)));
            Assert.Equal(graph.ParameterCount, model.Graph.Initializer.Where(t => t.Name.StartsWith("layers.", StringComparison.Ordinal)).Sum(t => t.RawData.Length / 4));
            Assert.Equal(["logits", "probabilities"], model.Graph.Output.Select(o => o.Name));
            foreach (var node in model.Graph.Node.Where(n => !n.Name.StartsWith("input/", StringComparison.Ordinal)))
            {
                var layer = graph.Layers.Single(l => node.Name.StartsWith(l.Name + "/", StringComparison.Ordinal));
                Assert.Equal($"{layer.Name} (specs/{graph.Name}.yaml:{layer.Location.Line}:{layer.Location.Column})", node.DocString);
            }
            // the spec stored in the model compiles back to the same graph
            string spec = model.MetadataProps.Single(p => p.Key == "spec").Value;
            Assert.Equal(spec, SpecCompiler.ToResolvedYaml(SpecCompiler.Compile(spec, "resolved.yaml")));
        }
    }

    [PythonOnnxFact]
    public void SeedSpecs_PassTheOnnxChecker()
    {
        var paths = new List<string>();
        foreach (var graph in SeedSpecs())
        {
            string path = Path.Combine(_dir, graph.Name + ".onnx");
            OnnxExporter.Write(OnnxExporter.Export(graph, TestGraph.Weights(graph), new ExportOptions { LayerOutputs = true }), path);
            paths.Add(path);
        }
        var (exit, output) = PythonOnnx.Run(
            "import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\n    print('OK', p)", paths);
        log.WriteLine(output);
        Assert.True(exit == 0, output);
        Assert.Equal(paths.Count, output.Split('\n').Count(l => l.StartsWith("OK ", StringComparison.Ordinal)));
    }
}
