using NetForge.Spec;
using NetForge.Spec.Graph;

namespace NetForge.Data.Tests;

/// <summary>A spec's data read from IDX files and checked against its network (located errors that name the data).</summary>
public class DataSourcesTests
{
    /// <summary>A folder with a 12x12 IDX set: <paramref name="train"/> and <paramref name="test"/> labels, gzip-compressed.</summary>
    private static TempDir Folder(byte[] train, byte[] test, int rows = 12, int cols = 12, int? testRows = null)
    {
        var dir = new TempDir();
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte.gz"), IdxBuilder.Gzip(IdxBuilder.Images(train.Length, rows, cols)));
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte.gz"), IdxBuilder.Gzip(IdxBuilder.Labels(train)));
        File.WriteAllBytes(dir.File("t10k-images-idx3-ubyte"), IdxBuilder.Images(test.Length, testRows ?? rows, cols));
        File.WriteAllBytes(dir.File("t10k-labels-idx1-ubyte"), IdxBuilder.Labels(test));
        return dir;
    }

    private static ModelGraph Spec(TempDir data, string input = "[1, 12, 12]", int units = 3, string labels = "")
    {
        string yaml = $"name: t\ninput: {{shape: {input}}}\n{labels}layers:\n" +
            (input.Contains(',') ? "  - flatten\n" : "") +
            $"  - dense: {{units: {units}, activation: softmax}}\ntrain:\n  dataset: {{idx: {data.Path}}}\n";
        return SpecCompiler.Compile(yaml, "t.yaml");
    }

    private static SpecDiagnostic Problem(ModelGraph graph, string fragment)
    {
        var ex = Assert.Throws<SpecException>(() => DataSources.Load(graph));
        var hit = ex.Diagnostics.FirstOrDefault(d => d.ToString().Contains(fragment, StringComparison.Ordinal));
        Assert.True(hit is not null, $"no diagnostic containing '{fragment}':\n{ex.Message}");
        return hit!;
    }

    [Fact]
    public void An_idx_folder_of_any_size_and_class_count_loads()
    {
        using var dir = Folder([0, 1, 2, 1, 0, 2], [2, 0]);
        var data = DataSources.Load(Spec(dir));
        Assert.Equal((6, 2, 12, 12), (data.Train.Count, data.Test.Count, ((ImageSet)data.Train).Rows, ((ImageSet)data.Train).Cols));
        Assert.Equal([0, 1, 2, 1, 0, 2], data.Train.Labels);
        Assert.Equal(dir.File("train-images-idx3-ubyte.gz"), data.Files.TrainImages);
        Assert.Equal(dir.File("t10k-labels-idx1-ubyte"), data.Files.TestLabels);
        Assert.Equal($"IDX set in {dir.Path}", data.Description);
        Assert.Equal(144, ((ImageSet)data.Train).Image(1).Length);
        DataSources.Load(Spec(dir, input: "[144]"));   // an MLP takes the flattened image
    }

    [Fact]
    public void An_input_shape_that_does_not_fit_the_images_is_located_at_input_and_names_the_file()
    {
        using var dir = Folder([0, 1, 2], [1]);
        var d = Problem(Spec(dir, input: "[1, 28, 28]"), "does not fit the data");
        Assert.Equal(2, d.Location.Line);
        Assert.Contains(dir.File("train-images-idx3-ubyte.gz") + " holds 12x12 gray images", d.Message);
        Assert.Equal("[1, 12, 12] (or [144] for an MLP)", d.Expected);
        Assert.Equal("a channels-first image is [1, height, width]", Problem(Spec(dir, input: "[1, 6, 24]"), "does not fit").Hint);
    }

    [Fact]
    public void Labels_beyond_the_last_layer_are_located_at_it_with_the_label_and_file()
    {
        using var dir = Folder([0, 1, 4], [1]);
        var d = Problem(Spec(dir), "do not cover the data's classes");
        Assert.Equal(5, d.Location.Line);   // the dense layer's list item
        Assert.Contains(dir.File("train-labels-idx1-ubyte.gz") + " has label 4", d.Message);
        Assert.Equal("5 units (labels 0..4)", d.Expected);
        Assert.Equal("3", d.Got);
    }

    [Fact]
    public void One_class_or_a_test_class_never_trained_on_is_an_error()
    {
        using (var dir = Folder([2, 2, 2], [2]))
            Problem(Spec(dir), "every training sample has label 2: a classifier needs at least two classes");
        using (var dir = Folder([0, 1, 0], [1, 2]))
        {
            var d = Problem(Spec(dir), "test sample 1 has label 2 (2), which no training sample has");
            Assert.Contains(dir.File("t10k-labels-idx1-ubyte"), d.Message);
            Assert.Equal(7, d.Location.Line);   // train.dataset
        }
    }

    [Fact]
    public void Missing_truncated_or_mismatched_files_name_the_file()
    {
        using var dir = Folder([0, 1, 2], [1]);
        File.Delete(dir.File("t10k-labels-idx1-ubyte"));
        var missing = Assert.Throws<DataException>(() => DataSources.Load(Spec(dir)));
        Assert.Equal($"{dir.Path}: missing t10k-labels-idx1-ubyte (raw or .gz)", missing.Message);

        File.WriteAllBytes(dir.File("t10k-labels-idx1-ubyte"), IdxBuilder.Labels(1)[..8]);
        Assert.Contains("t10k", Assert.Throws<DataException>(() => DataSources.Load(Spec(dir))).Message);

        using var sizes = Folder([0, 1, 2], [1], testRows: 10);
        var ex = Assert.Throws<DataException>(() => DataSources.Load(Spec(sizes)));
        Assert.Contains("test images are 10x12 but the training images", ex.Message);

        using var gone = new TempDir();
        var graph = Spec(gone);
        Directory.Delete(gone.Path);
        Assert.Equal($"{gone.Path}: data folder not found", Assert.Throws<DataException>(() => DataSources.Load(graph)).Message);
    }

    [Fact]
    public void The_summary_counts_classes_and_warns_about_empty_ones()
    {
        using var dir = Folder([0, 1, 0, 1, 0], [0, 1]);
        var graph = Spec(dir, units: 4, labels: "labels: [cat, dog, owl, emu]\n");
        var summary = DataSources.Summarize(graph, DataSources.Load(graph));
        Assert.Equal([3, 2, 0, 0], summary.TrainPerClass);
        Assert.Equal([1, 1, 0, 0], summary.TestPerClass);
        Assert.Contains("class 2 (owl) has no training samples", summary.Warnings);
        Assert.Contains("class 3 (emu) has no training samples", summary.Warnings);
        Assert.Equal((12, 12), (summary.Rows, summary.Cols));
    }

    /// <summary>Real data: Debian's dataset-fashion-mnist (installed by .ci/run), through the example spec.</summary>
    [Fact]
    public void Fashion_mnist_from_the_debian_package_loads_through_the_example_spec()
    {
        const string Debian = "/usr/share/datasets/fashion-mnist";
        Assert.True(Directory.Exists(Debian), $"{Debian} not found: install Debian's dataset-fashion-mnist (.ci/run does)");
        var graph = SpecCompiler.Load(RepoRoot.Combine("specs", "fashion_mlp.yaml"));
        var data = DataSources.Load(graph);
        Assert.Equal((60_000, 10_000, 28, 28), (data.Train.Count, data.Test.Count, ((ImageSet)data.Train).Rows, ((ImageSet)data.Train).Cols));
        var summary = DataSources.Summarize(graph, data);
        Assert.All(summary.TrainPerClass, c => Assert.Equal(6_000, c));
        Assert.All(summary.TestPerClass, c => Assert.Equal(1_000, c));
        Assert.Empty(summary.Warnings);
        Assert.Equal("Ankle boot", graph.Labels[9]);
    }
}
