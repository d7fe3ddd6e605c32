using NetForge.Spec.Graph;
using static NetForge.Spec.Tests.TestSupport;

namespace NetForge.Spec.Tests;

/// <summary><c>train.dataset</c> beyond <c>mnist</c>: IDX sets from a folder or four named files.</summary>
public class DataSourceSpecTests
{
    private static string Idx(string dataset, string layers = "  - dense: {units: 5, activation: softmax}\n", string extra = "") =>
        "name: t\ninput: {shape: [144]}\n" + extra + "layers:\n" + layers + "train:\n  dataset: " + dataset + "\n";

    [Fact]
    public void An_idx_folder_resolves_against_the_spec_files_folder()
    {
        string specFile = Path.Combine(Path.GetTempPath(), "nf-specs", "fashion.yaml");
        var graph = SpecCompiler.Compile(Idx("{idx: ../data/fashion}"), specFile);
        var source = Assert.IsType<IdxSourceSpec>(graph.Data);
        Assert.Equal(Path.GetFullPath(Path.Combine(Path.GetTempPath(), "data", "fashion")), source.Folder);
        Assert.Equal("idx", graph.Train.Dataset);
        Assert.Equal(6, source.Location.Line);
        Assert.Equal(12, source.Location.Column);
        // No labels: the classes are 0..N-1 of the last layer's N units.
        Assert.Equal(["0", "1", "2", "3", "4"], graph.Labels);
        Assert.Equal(5, graph.NumClasses);
    }

    [Fact]
    public void Four_named_files_are_the_explicit_form_and_absolute_paths_stay()
    {
        string root = Path.GetFullPath(Path.GetTempPath());
        string a = Path.Combine(root, "a.gz"), b = Path.Combine(root, "b"), c = Path.Combine(root, "c"), d = Path.Combine(root, "d.gz");
        var graph = Compile(Idx($"{{idx: {{train_images: {a}, train_labels: {b}, test_images: {c}, test_labels: {d}}}}}"));
        Assert.Equal(new IdxSourceSpec(null, a, b, c, d), graph.Data with { Location = SourceLocation.None });
    }

    [Fact]
    public void The_resolved_spec_keeps_the_source_and_the_fingerprint()
    {
        var graph = Compile(Idx("{idx: some/folder}", extra: "labels: [a, b, c, d, e]\n"));
        var again = SpecCompiler.Compile(SpecCompiler.ToResolvedYaml(graph), Path.Combine(Path.GetTempPath(), "elsewhere", "spec.resolved.yaml"));
        Assert.Equal(graph.Data with { Location = SourceLocation.None }, again.Data with { Location = SourceLocation.None });
        Assert.Equal(graph.Fingerprint(), again.Fingerprint());
        Assert.Equal(["a", "b", "c", "d", "e"], again.Labels);
    }

    [Fact]
    public void A_missing_file_key_is_located_and_names_all_four()
    {
        var d = AssertError(Idx("{idx: {train_images: a, train_labels: b, test_images: c}}"), 6, 18, "test_labels");
        Assert.Contains("train_images, train_labels, test_images, test_labels", d.Hint);
    }

    [Fact]
    public void An_unknown_source_or_form_is_located()
    {
        AssertError(Idx("{idxx: folder}"), 6, 13, "unknown data source 'idxx'");
        AssertError(Idx("{idx: a, csv: b}"), 6, 12, "train.dataset has the wrong form");
        AssertError(Idx("{idx: [a, b]}"), 6, 18, "train.dataset.idx has the wrong type");
        AssertError(Idx("{idx: {train_images: a, train_labels: b, test_images: c, test_labels: d, extra: e}}"), 6, 85, "extra");
        AssertError(Idx("fashion"), 6, 12, "unknown");
    }

    [Fact]
    public void Labels_must_match_the_last_layer_when_the_data_is_in_files()
    {
        AssertError(Idx("{idx: f}", extra: "labels: [a, b, c]\n"), 3, 9, "labels has 3 names but the last layer has 5 units");
    }

    [Fact]
    public void Image_folders_read_their_keys_and_check_a_given_size_against_the_input()
    {
        string spec = Path.Combine(Path.GetTempPath(), "nf-specs", "photos.yaml");
        string yaml = "name: t\ninput: {shape: [3, 32, 32]}\nlayers:\n  - flatten\n  - dense: {units: 4, activation: softmax}\n" +
            "train:\n  dataset: {images: {train: photos/train, test_split: 0.25, size: [32, 32]}}\n";
        var graph = SpecCompiler.Compile(yaml, spec);
        var source = Assert.IsType<ImageFolderSourceSpec>(graph.Data);
        Assert.Equal(Path.GetFullPath(Path.Combine(Path.GetTempPath(), "nf-specs", "photos", "train")), source.Train);
        Assert.Equal((null, 0.25, ColorMode.Rgb, 32, 32, false, true), (source.Test, source.TestSplit, source.Color, source.Height, source.Width, source.SkipBadFiles, source.LabelsFromFolders));
        var again = SpecCompiler.Compile(SpecCompiler.ToResolvedYaml(graph), spec);
        Assert.Equal(source with { LabelsFromFolders = false, Location = SourceLocation.None }, again.Data with { Location = SourceLocation.None });

        AssertError(yaml.Replace("[3, 32, 32]", "[1, 32, 32]"), 2, 8, "input.shape [1, 32, 32] does not fit the images: rgb pictures resized to 32x32");
        AssertError(yaml.Replace("test_split: 0.25", "test: t, test_split: 0.25"), 7, 64, "has both test and test_split");
        AssertError(yaml.Replace("test_split: 0.25, ", ""), 7, 21, "missing required key 'train.dataset.images.test'");
        AssertError(yaml.Replace("size: [32, 32]", "color: cmyk"), 7, 68, "cmyk");
        AssertError(yaml.Replace("train: photos/train, ", ""), 7, 21, "missing required key 'train.dataset.images.train'");
    }

    [Fact]
    public void The_output_must_be_flat_when_the_data_is_in_files()
    {
        string yaml = "name: t\ninput: {shape: [1, 12, 12]}\nlayers:\n  - conv2d: {filters: 4, kernel: 3, activation: softmax}\ntrain:\n  dataset: {idx: f}\n";
        AssertError(yaml, 4, 5, "the network's output must be flat");
    }

    [Fact]
    public void Mnist_specs_compile_as_before()
    {
        foreach (var name in SeedSpecs)
        {
            var graph = SpecCompiler.Load(SpecPath(name));
            Assert.IsType<MnistSourceSpec>(graph.Data);
            Assert.Contains("  dataset: mnist\n", SpecCompiler.ToResolvedYaml(graph), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_csv_source_and_input_normalisation_compile_and_round_trip()
    {
        string yaml = "name: t\ninput: {shape: [2], normalize: {mean: [1.5, -2], std: 0.25}}\nlayers:\n  - dense: {units: 3, activation: softmax}\n" +
            "train:\n  dataset: {csv: {train: t.csv, test_split: 0.2, label: kind, features: [b, a]}}\n";
        var graph = Compile(yaml);
        var csv = Assert.IsType<CsvSourceSpec>(graph.Data);
        Assert.Equal(("kind", 0.2, true), (csv.Label, csv.TestSplit, csv.LabelsFromData));
        Assert.Equal(["b", "a"], csv.Features);
        Assert.Equal(new[] { 1.5f, -2f }, graph.Input.Normalize!.Mean);
        Assert.Equal(new[] { 0.25f, 0.25f }, graph.Input.Normalize.PerGroup(2).Std);
        var again = SpecCompiler.Compile(SpecCompiler.ToResolvedYaml(graph), "r.yaml");
        // The resolved spec lists the labels, so its source no longer takes them from the data.
        Assert.Equal(csv with { Location = SourceLocation.None, LabelsFromData = false }, again.Data with { Location = SourceLocation.None });
        Assert.Equal(graph.Fingerprint(), again.Fingerprint());
        // A graph without normalisation keeps the fingerprint it had before normalize existed (checkpoints stay valid).
        Assert.NotEqual(graph.Fingerprint(), (graph with { Input = graph.Input with { Normalize = null } }).Fingerprint());
    }

    [Theory]
    [InlineData("input: {shape: [1, 2, 2]}", "{csv: {train: t.csv, test_split: 0.2, label: y}}", "does not fit a CSV table")]
    [InlineData("input: {shape: [3]}", "{csv: {train: t.csv, test_split: 0.2, label: y, features: [a, b]}}", "does not fit the 2 feature columns")]
    [InlineData("input: {shape: [2]}", "{csv: {train: t.csv, test_split: 0.2}}", "train.dataset.csv.label")]
    [InlineData("input: {shape: [2]}", "{csv: {train: t.csv, label: y}}", "train.dataset.csv.test")]
    [InlineData("input: {shape: [2]}", "{csv: {train: t.csv, test_split: 0.2, label: y, features: [a, y]}}", "lists the label column 'y'")]
    [InlineData("input: {shape: [2]}", "{csv: {train: t.csv, test_split: 0.2, label: y, features: [a, a]}}", "lists 'a' twice")]
    [InlineData("input: {shape: [2], normalize: {mean: [1, 2, 3], std: 1}}", "{csv: {train: t.csv, test_split: 0.2, label: y}}", "input.normalize.mean has 3 values for input [2]")]
    [InlineData("input: {shape: [2], normalize: {mean: 0, std: 0}}", "{csv: {train: t.csv, test_split: 0.2, label: y}}", "input.normalize.std")]
    [InlineData("input: {shape: [2], normalize: yes}", "{csv: {train: t.csv, test_split: 0.2, label: y}}", "input.normalize has the wrong form")]
    public void Csv_and_normalize_mistakes_are_located(string input, string dataset, string fragment)
    {
        var errors = Errors($"name: t\n{input}\nlayers:\n  - dense: {{units: 3, activation: softmax}}\ntrain:\n  dataset: {dataset}\n");
        Assert.Contains(errors, e => e.ToString().Contains(fragment, StringComparison.Ordinal) && e.Location.Line > 0);
    }
}
