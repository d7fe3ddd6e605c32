using NetForge.Spec.Graph;

namespace NetForge.Spec.Tests;

/// <summary>Shared helpers: the repo root, the seed specs, compiling snippets and graph equality.</summary>
internal static class TestSupport
{
    public static readonly string[] SeedSpecs = ["mlp", "deep_mlp", "dropout_mlp", "cnn", "cnn_keras"];

    /// <summary>The folder holding NetForge.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot => NetForge.Tests.Shared.RepoRoot.Path;


    public static string SpecPath(string name) => Path.Combine(RepoRoot, "specs", name + ".yaml");

    public static string SpecText(string name) => File.ReadAllText(SpecPath(name));

    /// <summary>A minimal valid MLP spec, with <paramref name="layers"/> and <paramref name="train"/> blocks replaceable.</summary>
    public static string Mlp(string? layers = null, string? train = null, string input = "input: {shape: [784]}\n") =>
        "name: t\n" + input +
        "layers:\n" + (layers ?? "  - dense: {units: 10, activation: softmax}\n") +
        "train:\n" + (train ?? "  dataset: mnist\n");

    /// <summary>A valid CNN prefix [1, 28, 28] input: <paramref name="layers"/> then flatten + dense softmax.</summary>
    public static string Cnn(string layers) =>
        "name: t\ninput: {shape: [1, 28, 28]}\nlayers:\n" + layers +
        "  - flatten\n  - dense: {units: 10, activation: softmax}\ntrain:\n  dataset: mnist\n";

    public static ModelGraph Compile(string yaml) => SpecCompiler.Compile(yaml, "t.yaml");

    /// <summary>Checks and returns the diagnostics, failing if the spec compiled.</summary>
    public static IReadOnlyList<SpecDiagnostic> Errors(string yaml)
    {
        var result = SpecCompiler.Check(yaml, "t.yaml");
        Assert.False(result.Ok, "expected errors, but the spec compiled:\n" + yaml);
        Assert.Null(result.Graph);
        Assert.NotEmpty(result.Diagnostics);
        return result.Diagnostics;
    }

    /// <summary>Asserts one diagnostic has the position and contains the fragment; returns it.</summary>
    public static SpecDiagnostic AssertError(string yaml, int line, int column, string fragment)
    {
        var diags = Errors(yaml);
        var hit = diags.FirstOrDefault(d => d.Location.Line == line && d.Location.Column == column && d.ToString().Contains(fragment, StringComparison.Ordinal));
        Assert.True(hit is not null,
            $"no diagnostic at {line}:{column} containing '{fragment}'; got:\n{string.Join("\n", diags)}");
        return hit!;
    }

    /// <summary>Structural equality of two graphs, ignoring source positions and path.</summary>
    public static void AssertEqualGraphs(ModelGraph a, ModelGraph b)
    {
        Assert.Equal(a.Name, b.Name);
        Assert.Equal(a.Description, b.Description);
        Assert.Equal(a.Dialect, b.Dialect);
        Assert.Equal(a.Input.Shape, b.Input.Shape);
        Assert.Equal(a.Input.Scale, b.Input.Scale);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Layers.Count, b.Layers.Count);
        for (int i = 0; i < a.Layers.Count; i++)
        {
            Assert.Equal(Strip(a.Layers[i]), Strip(b.Layers[i]));
            Assert.Equal(a.Layers[i].Parameters, b.Layers[i].Parameters);
        }

        Assert.Equal(a.Train with { Metrics = [] }, b.Train with { Metrics = [] });
        Assert.Equal(a.Train.Metrics, b.Train.Metrics);
    }

    private static LayerNode Strip(LayerNode n) => n with { Location = SourceLocation.None, Parameters = [] };
}
