using System.Text.Json;

namespace NetForge.Cli.Tests;

/// <summary>
/// CSV tables from the command line, on real tables (Debian's python3-sklearn; .ci/run installs it): check, data inspect,
/// train, evaluate, export (normalisation inside the ONNX graph), parity, parity --verify, report (misclassified rows)
/// and predict on CSV rows.
/// </summary>
public class TableCliTests
{
    private static string IrisSpec(TempDir dir)
    {
        SklearnTables.Iris(dir.Path);
        // specs/iris_mlp.yaml itself, pointed at the table written here.
        string spec = File.ReadAllText(Cli.Spec("iris_mlp.yaml")).Replace("../data/tables/iris.csv", "iris.csv", StringComparison.Ordinal);
        Assert.Contains("train: iris.csv", spec, StringComparison.Ordinal);
        return dir.Write("iris.yaml", spec);
    }

    [Fact]
    public void Iris_from_csv_trains_exports_with_its_normalisation_passes_parity_and_predicts_rows()
    {
        using var dir = new TempDir();
        string spec = IrisSpec(dir);
        var check = Cli.Run("check", spec, "--resolved");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("data: 120 train and 30 test rows of 4 features", check.Err, StringComparison.Ordinal);
        Assert.Contains("  normalize: {mean: [5.", check.Out, StringComparison.Ordinal);   // auto, computed from the training rows
        Assert.Contains("labels: [setosa, versicolor, virginica]", check.Out, StringComparison.Ordinal);
        var inspect = Cli.Run("data", "inspect", spec);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        Assert.Contains("petal_length", inspect.Out, StringComparison.Ordinal);
        Assert.Contains("virginica", inspect.Out, StringComparison.Ordinal);

        string run = dir.File("run");
        var train = Cli.Run("train", spec, "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.ToString());
        double accuracy = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.InRange(accuracy, 0.85, 1.0);
        Assert.Contains("normalize: {mean: [", File.ReadAllText(Path.Combine(run, "spec.resolved.yaml")), StringComparison.Ordinal);
        var evaluate = Cli.Run("evaluate", run);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());

        var export = Cli.Run("export", run);
        Assert.True(export.ExitCode == 0, export.ToString());
        string model = Path.Combine(run, "model.onnx");
        var proto = NetForge.Parity.ParityChecker.ParseModel(File.ReadAllBytes(model));
        Assert.Contains(proto.Graph.Node, n => n.OpType == "Sub");
        Assert.Contains(proto.Graph.Node, n => n.OpType == "Div");
        Assert.Contains(proto.Graph.Initializer, t => t.Name == "input.mean");
        Assert.Contains(proto.MetadataProps, p => p.Key == "input_features" && p.Value == "[\"sepal_length\",\"sepal_width\",\"petal_length\",\"petal_width\"]");
        var uint8 = Cli.Run("export", run, "--input-dtype", "uint8", "-o", dir.File("u8.onnx"));
        Assert.NotEqual(0, uint8.ExitCode);
        Assert.Contains("reads a CSV table", uint8.Err, StringComparison.Ordinal);

        var parity = Cli.Run("parity", run);
        Assert.True(parity.ExitCode == 0, parity.ToString());
        Assert.Contains("preprocessing in the model: (x − mean) / std per feature", parity.Out, StringComparison.Ordinal);
        Assert.True(Cli.Run("parity", "--verify", model).ExitCode == 0);

        // predict reads the model's feature columns by name from any CSV (here reordered, no label column) and
        // gives what ONNX Runtime gives on the raw values.
        string rows = dir.Write("rows.csv", "petal_width,petal_length,sepal_width,sepal_length,note\n0.2,1.4,3.5,5.1,first\n2.3,5.4,3.4,6.2,last\n");
        var predict = Cli.Run("predict", model, rows, "--top", "1");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        using var runtime = NetForge.Runtime.NetForgeModel.Open(model);
        var expected = runtime.Classify([5.1f, 3.5f, 1.4f, 0.2f, 6.2f, 3.4f, 5.4f, 2.3f], 2);
        var lines = predict.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"{rows}:2: {runtime.Contract.Labels[expected[0]]} ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{rows}:3: {runtime.Contract.Labels[expected[1]]} ", lines[1], StringComparison.Ordinal);
        Assert.Equal("setosa", runtime.Contract.Labels[expected[0]]);
        var labelled = Cli.Run("predict", model, Path.Combine(dir.Path, "iris.csv"), "--json");
        Assert.Equal(150, labelled.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"label\":\"setosa\"", labelled.Out, StringComparison.Ordinal);
        string bad = dir.Write("bad.csv", "sepal_length,sepal_width,petal_length\n1,2,3\n");
        var missing = Cli.Run("predict", model, bad);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"{bad}:1: no column for the model's feature column 'petal_width'", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_of_a_table_run_lists_the_misclassified_rows()
    {
        using var dir = new TempDir();
        SklearnTables.DigitsTable(dir.Path);
        string spec = dir.Write("digits.yaml",
            "name: digits\ninput: {shape: [64], normalize: auto}\nlayers:\n  - dense: {units: 32, activation: relu}\n  - dense: {units: 10, activation: softmax}\n" +
            "train:\n  dataset: {csv: {train: digits.csv, test_split: 0.25, label: digit}}\n  optimizer: adam\n  batch_size: 32\n  epochs: 10\n  seed: 5\n");
        string run = dir.File("run");
        var train = Cli.Run("train", spec, "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.InRange(JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.GetProperty("test_accuracy").GetDouble(), 0.85, 1.0);
        string html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains("misclassified test rows", html, StringComparison.Ordinal);
        Assert.Matches("<td>digits.csv:[0-9]+</td>", html);
        Assert.Contains("<th class=\"num\">pixel_63</th>", html, StringComparison.Ordinal);
        var check = Cli.Run("check", dir.Write("wrong.yaml", File.ReadAllText(spec).Replace("units: 10", "units: 9", StringComparison.Ordinal)));
        Assert.NotEqual(0, check.ExitCode);
        Assert.Contains("the last layer's 9 units do not match the 10 classes in column 'digit'", check.Err, StringComparison.Ordinal);
    }
}
