using NetForge.Spec.Graph;
using NetForge.Spec.Layers;
using NetForge.Tests.Shared;

namespace NetForge.Spec.Tests;

/// <summary>Every layer kind is defined once and completely: its example compiles, and it round-trips through the resolved YAML.</summary>
public class LayerKindTests
{
    [Theory]
    [MemberData(nameof(LayerExamples.Kinds), MemberType = typeof(LayerExamples))]
    public void The_example_compiles_to_the_kinds_node_and_round_trips(string type)
    {
        var kind = LayerKinds.Find(type)!;
        var graph = LayerExamples.Graph(type);
        var node = graph.Layers[0];
        Assert.IsType(kind.NodeType, node);
        Assert.Equal(type, node.Type);
        Assert.Same(kind, LayerKinds.Of(node));

        string resolved = SpecCompiler.ToResolvedYaml(graph);
        var again = SpecCompiler.Compile(resolved, "resolved.yaml");
        Assert.Equal(resolved, SpecCompiler.ToResolvedYaml(again));
        Assert.Equal(node with { Location = SourceLocation.None, Parameters = [] }, again.Layers[0] with { Location = SourceLocation.None, Parameters = [] });
        Assert.Equal(node.Parameters, again.Layers[0].Parameters);
    }

    [Fact]
    public void Kinds_are_unique_and_every_node_type_has_a_kind()
    {
        Assert.Equal(LayerKinds.All.Count, LayerKinds.Names.Distinct().Count());
        Assert.Equal(LayerKinds.All.Count, LayerKinds.All.Select(k => k.AutoName).Distinct().Count());
        var nodeTypes = typeof(LayerNode).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(LayerNode)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(nodeTypes.OrderBy(t => t.Name), LayerKinds.NodeTypes.OrderBy(t => t.Name));
    }

    [Fact]
    public void Required_keys_say_how_to_fix_a_missing_one()
    {
        foreach (var key in LayerKinds.All.SelectMany(k => k.Keys).Where(k => k.Required))
        {
            Assert.False(string.IsNullOrEmpty(key.Expected), key.Name);
            Assert.False(string.IsNullOrEmpty(key.Example), key.Name);
        }
    }

    [Fact]
    public void Globalavgpool2d_needs_an_image_and_outputs_one_value_per_channel()
    {
        var graph = LayerExamples.Graph("globalavgpool2d");
        Assert.Equal(new Shape(4), graph.Layers[0].OutputShape);
        Assert.Equal("global_average_pooling2d", graph.Layers[0].Name);
        Assert.Equal("GlobalAveragePooling2D", ModelSummary.From(graph).Rows[0].KerasClass);

        var e = Assert.Throws<SpecException>(() => SpecCompiler.Compile("""
            name: flat
            input: {shape: [784]}
            layers:
              - globalavgpool2d
              - dense: {units: 10, activation: softmax}
            train: {dataset: mnist}
            """, "flat.yaml"));
        var d = Assert.Single(e.Diagnostics);
        Assert.Equal("globalavgpool2d needs an image input", d.Message);
        Assert.Equal(4, d.Location.Line);
    }
}
