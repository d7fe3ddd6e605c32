using NetForge.Spec;
using NetForge.Spec.Graph;
using NetForge.Spec.Layers;

namespace NetForge.Tests.Shared;

/// <summary>
/// A small trainable spec around each layer kind's own example (<see cref="LayerKind.Example"/>), for the tests that
/// prove every backend covers every kind: the engine builds and trains it, the exporter writes it, the ONNX checker and
/// ONNX Runtime accept it, parity holds. A kind added to <see cref="LayerKinds.All"/> is picked up by all of them.
/// </summary>
internal static class LayerExamples
{
    public static TheoryData<string> Kinds()
    {
        var data = new TheoryData<string>();
        foreach (var kind in LayerKinds.All) data.Add(kind.Type);
        return data;
    }

    /// <summary>input (the kind's example input) → the example → flatten → dense(10, softmax), trained on mnist.</summary>
    public static string Spec(LayerKind kind) => $$"""
        name: example_{{kind.Type}}
        input: {shape: [{{string.Join(", ", kind.ExampleInput)}}], scale: 0.00392156862745098}
        layers:
          {{kind.Example}}
          - flatten
          - dense: {units: 10, activation: softmax}
        train: {dataset: mnist, optimizer: adam, batch_size: 8, epochs: 1, seed: 5}
        """;

    public static ModelGraph Graph(string type) =>
        SpecCompiler.Compile(Spec(LayerKinds.Find(type) ?? throw new ArgumentException(type)), $"example_{type}.yaml");
}
