using System.Globalization;
using System.Text;
using NetForge.Spec.Graph;

namespace NetForge.Spec;

/// <summary>One row of <see cref="ModelSummary"/>: a layer with its output shape, parameters and MACs.</summary>
/// <param name="Name">Layer name (<c>conv2d_1</c>).</param>
/// <param name="Type">Spec type keyword (<c>conv2d</c>).</param>
/// <param name="KerasClass">Keras class name shown in the table (<c>Conv2D</c>).</param>
/// <param name="OutputShape">Keras-style output shape with the batch dimension: <c>(None, 16, 28, 28)</c>.</param>
/// <param name="Params">Number of parameters, trainable or not.</param>
/// <param name="Macs">Multiply-accumulates of the forward pass per sample.</param>
public sealed record ModelSummaryRow(string Name, string Type, string KerasClass, string OutputShape, long Params, long Macs);

/// <summary>A Keras-like summary of a graph: one row per layer plus parameter totals and memory.</summary>
public sealed class ModelSummary
{
    private ModelSummary(ModelGraph graph, IReadOnlyList<ModelSummaryRow> rows)
    {
        Graph = graph;
        Rows = rows;
    }

    /// <summary>The summarised graph.</summary>
    public ModelGraph Graph { get; }

    /// <summary>One row per layer, in order.</summary>
    public IReadOnlyList<ModelSummaryRow> Rows { get; }

    /// <summary>All parameters, trainable or not (Keras counts batchnorm's moving statistics too).</summary>
    public long TotalParams => Graph.ParameterCount;

    /// <summary>Parameters the optimizer updates.</summary>
    public long TrainableParams => Graph.TrainableParameterCount;

    /// <summary>Parameters updated otherwise (batchnorm moving mean and variance).</summary>
    public long NonTrainableParams => TotalParams - TrainableParams;

    /// <summary>Parameter memory as float32: 4 bytes per parameter.</summary>
    public long ParameterBytes => TotalParams * sizeof(float);

    /// <summary>Multiply-accumulates of one forward pass per sample.</summary>
    public long TotalMacs => Graph.MacsPerSample;

    /// <summary>Summarises a compiled graph.</summary>
    public static ModelSummary From(ModelGraph g)
    {
        ArgumentNullException.ThrowIfNull(g);
        var rows = g.Layers.Select(l => new ModelSummaryRow(
            l.Name, l.Type, Layers.LayerKinds.Of(l).KerasClass, l.OutputShape.ToBatchString(), l.ParameterCount, l.MacsPerSample)).ToList();
        return new ModelSummary(g, rows);
    }

    /// <summary>A plain-text table in the style of Keras <c>model.summary()</c>, with a MACs column.</summary>
    public string Render()
    {
        var head = new[] { "Layer (type)", "Output Shape", "Param #", "MACs" };
        var cells = Rows.Select(r => new[] { $"{r.Name} ({r.KerasClass})", r.OutputShape, N(r.Params), N(r.Macs) }).ToList();
        var widths = new int[4];
        for (int i = 0; i < 4; i++) widths[i] = Math.Max(head[i].Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length)) + 2;
        int total = widths.Sum() + 1;
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(Graph.Name).Append("\"\n");
        sb.Append(new string('_', total)).Append('\n');
        Line(sb, head, widths);
        sb.Append(new string('=', total)).Append('\n');
        for (int r = 0; r < cells.Count; r++)
        {
            Line(sb, cells[r], widths);
            sb.Append(new string(r == cells.Count - 1 ? '=' : '_', total)).Append('\n');
        }

        sb.Append("Total params: ").Append(N(TotalParams)).Append(" (").Append(Bytes(ParameterBytes)).Append(")\n");
        sb.Append("Trainable params: ").Append(N(TrainableParams)).Append(" (").Append(Bytes(TrainableParams * sizeof(float))).Append(")\n");
        sb.Append("Non-trainable params: ").Append(N(NonTrainableParams)).Append(" (").Append(Bytes(NonTrainableParams * sizeof(float))).Append(")\n");
        sb.Append("MACs per sample: ").Append(N(TotalMacs)).Append('\n');
        sb.Append(new string('_', total)).Append('\n');
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string[] cols, int[] widths)
    {
        sb.Append(' ');
        for (int i = 0; i < cols.Length; i++)
        {
            sb.Append(i >= 2 ? cols[i].PadLeft(widths[i] - 2).PadRight(widths[i]) : cols[i].PadRight(widths[i]));
        }

        sb.Append('\n');
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Keras-style size: "945.55 KB" (1 KB = 1024 bytes).</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }

        return v.ToString("0.00", CultureInfo.InvariantCulture) + " " + units[u];
    }
}
