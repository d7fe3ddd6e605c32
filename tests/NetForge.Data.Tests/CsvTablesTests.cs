using NetForge.Spec;
using NetForge.Spec.Graph;

namespace NetForge.Data.Tests;

/// <summary>CSV tables (Sep): real sklearn tables, header and row problems named by file:line:column, skipping, labels, normalisation statistics.</summary>
public class CsvTablesTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static ModelGraph Spec(string csv, string extra = "test_split: 0.2, label: species", int features = 4, int units = 3, string labels = "", string normalize = "")
    {
        string yaml = $"name: t\ninput: {{shape: [{features}]{normalize}}}\n{labels}layers:\n  - dense: {{units: 8, activation: relu}}\n" +
            $"  - dense: {{units: {units}, activation: softmax}}\ntrain:\n  dataset: {{csv: {{train: \"{csv}\", {extra}}}}}\n  seed: 3\n";
        return SpecCompiler.Compile(yaml, "t.yaml");
    }

    private static string Message(ModelGraph graph) => Assert.Throws<DataException>(() => DataSources.Load(graph)).Message;

    private static string Table(TempDir dir, string text, string name = "t.csv")
    {
        File.WriteAllText(dir.File(name), text);
        return dir.File(name);
    }

    [Fact]
    public void Iris_loads_with_sorted_class_names_a_seeded_split_and_shuffled_training_rows()
    {
        using var dir = new TempDir();
        string csv = SklearnTables.Iris(dir.Path);
        var graph = Spec(csv);
        var data = DataSources.Load(graph);
        var train = Assert.IsType<TableSet>(data.Train);
        var test = Assert.IsType<TableSet>(data.Test);
        Assert.Equal((120, 30), (train.Count, test.Count));
        Assert.Equal(["setosa", "versicolor", "virginica"], data.Classes);
        Assert.Equal(SklearnTables.IrisFeatures, train.FeatureNames);
        // The file is sorted by class; the training order is not (validation_split takes the last rows).
        Assert.NotEqual(train.Labels.Order().ToArray(), train.Labels);
        // Line 2 of the file is 5.1,3.5,1.4,0.2,setosa: wherever it went, its values and label came with it.
        int at = Array.IndexOf(train.Lines, 2) is >= 0 and var i ? i : -1;
        var (set, index) = at >= 0 ? (train, at) : (test, Array.IndexOf(test.Lines, 2));
        Assert.Equal(new[] { 5.1f, 3.5f, 1.4f, 0.2f }, set.Row(index).ToArray());
        Assert.Equal(0, set.Labels[index]);
        // Same seed, same split; the bound graph lists the classes and the feature columns.
        Assert.Equal(test.Lines, ((TableSet)DataSources.Load(graph).Test).Lines);
        var bound = DataSources.Bind(graph, data);
        Assert.Equal(["setosa", "versicolor", "virginica"], bound.Labels);
        Assert.Equal(SklearnTables.IrisFeatures, ((CsvSourceSpec)bound.Data).Features);
        Assert.Contains("features: [sepal_length, sepal_width, petal_length, petal_width]", SpecCompiler.ToResolvedYaml(bound), StringComparison.Ordinal);
    }

    [Fact]
    public void Digits_with_string_labels_and_integer_labels_both_load()
    {
        using var dir = new TempDir();
        var digits = DataSources.Load(Spec(SklearnTables.DigitsTable(dir.Path), "test_split: 0.25, label: digit", features: 64, units: 10));
        Assert.Equal(1797, digits.Train.Count + digits.Test.Count);
        Assert.Equal(SklearnTables.Digits.Order(StringComparer.Ordinal), digits.Classes);
        // Class indices in the label column are classes 0..N-1 (no class names).
        var wine = DataSources.Load(Spec(SklearnTables.WineIndices(dir.Path), "test_split: 0.2, label: cultivar", features: 13));
        Assert.Null(wine.Classes);
        Assert.Equal(new byte[] { 0, 1, 2 }, wine.Train.Labels.Distinct().Order().ToArray());
    }

    [Fact]
    public void Spec_labels_order_the_classes_and_unknown_names_are_located()
    {
        using var dir = new TempDir();
        string csv = Table(dir, "a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n");
        var data = DataSources.Load(Spec(csv, "test_split: 0.5, label: kind", features: 2, units: 2, labels: "labels: [dog, cat]\n"));
        var all = ((TableSet)data.Train).Lines.Zip(data.Train.Labels).Concat(((TableSet)data.Test).Lines.Zip(data.Test.Labels)).ToDictionary();
        Assert.Equal(1, all[2]);   // cat is labels[1]
        Assert.Equal(0, all[3]);
        string bad = Message(Spec(csv, "test_split: 0.5, label: kind", features: 2, units: 2, labels: "labels: [dog, bird]\n"));
        Assert.Contains($"{csv}:2:3: label 'cat' is not one of the spec's labels [dog, bird]", bad, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,b,y\n1,2,x\n3,4\n", ":3: the row has 2 fields but the header (line 1) has 3")]
    [InlineData("a,b,y\n1,,x\n", ":2:2: column 'b': the value is missing")]
    [InlineData("a,b,y\n1,abc,x\n", ":2:2: column 'b': 'abc' is not a number")]
    [InlineData("a,b,y\n1,nan,x\n", ":2:2: column 'b': 'nan' is not a finite float32 number")]
    [InlineData("a,b,y\n1,1e39,x\n", ":2:2: column 'b': '1e39' is not a finite float32 number")]
    [InlineData("a,b,y\n1,2,\n", ":2:3: column 'y': the label is missing")]
    [InlineData("a,a,y\n1,2,x\n", ":1:2: header name 'a' appears twice (columns 1 and 2)")]
    [InlineData("a,,y\n1,2,x\n", ":1:2: header column 2 has no name")]
    [InlineData("a,b,Y\n1,2,x\n", ":1: no column 'y' for train.dataset.csv.label; the header has 'a', 'b', 'Y' (did you mean 'Y'? names are case-sensitive)")]
    [InlineData("", ": the file is empty")]
    [InlineData("a,b,y\n", ": the table has no data rows")]
    public void Bad_tables_name_the_file_line_column_and_what_is_wrong(string text, string expected)
    {
        using var dir = new TempDir();
        string csv = Table(dir, text);
        string message = Message(Spec(csv, "test: \"" + csv + "\", label: y", features: 2, units: 2));
        Assert.Contains(csv + expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Skip_bad_rows_skips_and_counts_them()
    {
        using var dir = new TempDir();
        string csv = Table(dir, "a,b,y\n1,2,p\n3,x,q\n\n5,6,q\n7\n8,9,p\n");
        var data = DataSources.Load(Spec(csv, $"test: \"{csv}\", label: y, skip_bad_rows: true", features: 2, units: 2));
        Assert.Equal((3, 3), (data.Train.Count, data.Test.Count));   // the blank line is not a row; two bad rows skipped in each read
        Assert.Equal(4, data.Skipped.Count);
        Assert.Contains(data.Skipped, s => s.StartsWith(csv + ":3:2: column 'b': 'x' is not a number", StringComparison.Ordinal));
        Assert.Contains(data.Skipped, s => s.StartsWith(csv + ":6: the row has 1 fields", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\n\na,b,y\n1,2,p\n3,4,q\n")]             // blank lines before the header: Sep alone would fall back to ';'
    [InlineData("a;b;y\n1;2;p\n3;4;q\n")]
    [InlineData("a\tb\ty\n1\t2\tp\n3\t4\tq\n")]
    [InlineData("a|b|y\n1|2|p\n3|4|q\n")]
    [InlineData("\"a,1\";b;y\n1;2;p\n3;4;q\n")]          // a quoted comma in a name does not decide
    public void The_separator_comes_from_the_header_line(string text)
    {
        using var dir = new TempDir();
        string csv = Table(dir, text);
        var data = DataSources.Load(Spec(csv, $"test: \"{csv}\", label: y", features: 2, units: 2));
        Assert.Equal(2, data.Train.Count);
        Assert.Equal(new[] { 1f, 2f }, ((TableSet)data.Test).Row(0).ToArray());
    }

    [Fact]
    public void A_test_table_reads_its_columns_by_name_and_unseen_test_labels_are_refused()
    {
        using var dir = new TempDir();
        string train = Table(dir, "a;b;y\n1;2;p\n3;4;q\n", "train.csv");          // the separator is detected
        string test = Table(dir, "y,b,a\nq,40,30\n", "test.csv");
        var data = DataSources.Load(Spec(train, $"test: \"{test}\", label: y", features: 2, units: 2));
        Assert.Equal(new[] { 30f, 40f }, ((TableSet)data.Test).Row(0).ToArray());
        string unseen = Table(dir, "a,b,y\n1,2,r\n", "unseen.csv");
        Assert.Contains($"{unseen}:2:3: test label 'r' occurs in no training row", Message(Spec(train, $"test: \"{unseen}\", label: y", features: 2, units: 2)), StringComparison.Ordinal);
        string missing = Table(dir, "a,y\n1,q\n", "missing.csv");
        Assert.Contains($"{missing}:1: no column for the training table's feature column 'b'", Message(Spec(train, $"test: \"{missing}\", label: y", features: 2, units: 2)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_data_is_checked_against_the_network_located_in_the_spec()
    {
        using var dir = new TempDir();
        string csv = SklearnTables.Iris(dir.Path);
        var wrongInput = Assert.Throws<SpecException>(() => DataSources.Load(Spec(csv, features: 5)));
        Assert.Contains($"input.shape [5] does not fit the data: {csv} has 4 feature columns (sepal_length, sepal_width, petal_length, petal_width)", wrongInput.Message, StringComparison.Ordinal);
        var wrongUnits = Assert.Throws<SpecException>(() => DataSources.Load(Spec(csv, units: 4)));
        Assert.Contains($"the last layer's 4 units do not match the 3 classes in column 'species' of {csv}", wrongUnits.Message, StringComparison.Ordinal);
        // Listed features choose the columns and their order.
        var two = DataSources.Load(Spec(csv, "test_split: 0.2, label: species, features: [petal_width, sepal_length]", features: 2));
        Assert.Equal(["petal_width", "sepal_length"], ((TableSet)two.Train).FeatureNames);
    }

    [Fact]
    public void Normalize_auto_is_the_training_rows_mean_and_population_std()
    {
        using var dir = new TempDir();
        string csv = Table(dir, "a,b,y\n1,5,p\n3,5,q\n5,5,p\n7,5,q\n2,5,p\n");
        var graph = Spec(csv, $"test: \"{csv}\", label: y", features: 2, units: 2, normalize: ", normalize: auto");
        Assert.True(graph.Input.Normalize!.IsAuto);
        var bound = DataSources.Bind(graph, DataSources.Load(graph));
        var norm = bound.Input.Normalize!;
        Assert.Equal(new[] { 3.6f, 5f }, norm.Mean);
        Assert.Equal((float)Math.Sqrt((2.6 * 2.6 + 0.6 * 0.6 + 1.4 * 1.4 + 3.4 * 3.4 + 1.6 * 1.6) / 5), norm.Std![0], 6);
        Assert.Equal(1f, norm.Std[1]);   // a constant column is only shifted
        // The resolved spec holds the values, and compiles back to the same normalisation (a run is reproducible).
        var again = SpecCompiler.Compile(SpecCompiler.ToResolvedYaml(bound), "r.yaml");
        Assert.Equal(norm, again.Input.Normalize);
        Assert.Equal(bound.Fingerprint(), again.Fingerprint());
    }

    [Fact]
    public void Mutated_tables_never_crash_or_hang()
    {
        using var dir = new TempDir();
        string source = SklearnTables.Iris(dir.Path);
        byte[] original = File.ReadAllBytes(source);
        var rng = new Random(15);
        int loaded = 0, refused = 0;
        for (int k = 0; k < 300; k++)
        {
            var bytes = (byte[])original.Clone();
            int edits = 1 + rng.Next(8);
            for (int e = 0; e < edits; e++) bytes[rng.Next(bytes.Length)] = (byte)"0123456789,.;\n\"-eE x\0\xff"[rng.Next(20)];
            if (rng.Next(4) == 0) bytes = bytes[..rng.Next(bytes.Length)];
            string path = dir.File($"m{k}.csv");
            File.WriteAllBytes(path, bytes);
            try
            {
                var data = DataSources.Load(Spec(path, "test_split: 0.2, label: species, skip_bad_rows: " + (k % 2 == 0 ? "true" : "false")));
                Assert.True(data.Train.Count > 0 && data.Test.Count > 0);
                loaded++;
            }
            catch (DataException e)
            {
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
                refused++;
            }
            catch (SpecException e)
            {
                Assert.Contains(path, e.Message, StringComparison.Ordinal);   // the data no longer fits the network: located, naming the file
                refused++;
            }
        }

        output.WriteLine($"iris.csv: 300 mutations: {loaded} loaded, {refused} refused");
        Assert.True(loaded > 0 && refused > 0, $"{loaded} loaded, {refused} refused");
    }
}
