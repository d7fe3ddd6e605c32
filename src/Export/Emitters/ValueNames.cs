using NetForge.Spec.Graph;

namespace NetForge.Export.Emitters;

/// <summary>
/// Names of the values between layers. Layer <c>i</c> writes <c>layer.{i}.{name}</c>, except that the value
/// before the final softmax is <c>logits</c> and the softmax output is <c>probabilities</c>; without a final
/// softmax the last layer writes <c>logits</c>. A dropout layer has no node: its output is its input's name.
/// </summary>
internal sealed class ValueNames
{
    private ValueNames(string[] output, string[] preActivation, bool hasProbabilities)
    {
        Output = output;
        PreActivation = preActivation;
        HasProbabilities = hasProbabilities;
    }

    /// <summary>The value each layer produces (by index).</summary>
    public IReadOnlyList<string> Output { get; }

    /// <summary>The value before a fused activation (dense/conv with an activation), by layer index.</summary>
    public IReadOnlyList<string> PreActivation { get; }

    public bool HasProbabilities { get; }

    public static ValueNames Assign(IReadOnlyList<LayerNode> layers, string input)
    {
        int n = layers.Count;
        var output = new string[n];
        var pre = new string[n];
        for (int i = 0; i < n; i++)
        {
            output[i] = OnnxExporter.LayerOutputName(layers[i]);
            pre[i] = output[i] + ".pre";
        }

        int last = LastComputing(layers, n);
        if (last < 0) throw new ExportException("the model has only dropout layers; there is nothing to export");
        bool softmax = ActivationOf(layers[last]) == Activation.Softmax;
        if (!softmax)
        {
            output[last] = OnnxExporter.LogitsName;
        }
        else if (layers[last] is ActivationNode)
        {
            int producer = LastComputing(layers, last);
            if (producer < 0) throw new ExportException($"{layers[last].Name}: a softmax directly on the input cannot be exported");
            output[producer] = OnnxExporter.LogitsName;
            output[last] = OnnxExporter.ProbabilitiesName;
        }
        else
        {
            pre[last] = OnnxExporter.LogitsName;
            output[last] = OnnxExporter.ProbabilitiesName;
        }

        // a dropout passes its input through: its output is the previous value (or the graph's scaled input)
        string previous = input;
        for (int i = 0; i < n; i++)
        {
            if (layers[i] is DropoutNode) output[i] = previous;
            previous = output[i];
        }
        return new ValueNames(output, pre, softmax);
    }

    private static int LastComputing(IReadOnlyList<LayerNode> layers, int before)
    {
        for (int i = before - 1; i >= 0; i--)
        {
            if (layers[i] is not DropoutNode) return i;
        }
        return -1;
    }

    private static Activation? ActivationOf(LayerNode layer) => layer switch
    {
        DenseNode d => d.Activation,
        Conv2DNode c => c.Activation,
        ActivationNode a => a.Activation,
        _ => null,
    };
}
