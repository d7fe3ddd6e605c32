using NetForge.Spec;

namespace NetForge.Cli.Tests;

public class CheckCommandTests
{
    [Theory]
    [InlineData("cnn.yaml", 9, "242,062")]
    [InlineData("mlp.yaml", 2, "407,050")]
    public void A_valid_spec_prints_ok_with_layers_and_parameters(string name, int layers, string parameters)
    {
        string path = Cli.Spec(name);
        var r = Cli.Run("check", path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"{path}: ok ({layers} layers, {parameters} parameters)\n", r.Out);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void A_broken_spec_prints_located_diagnostics_and_a_count()
    {
        using var dir = new TempDir();
        string path = dir.Write("broken.yaml", """
            name: broken
            input:
              shape: [784]
            layers:
              - dense: {units: abc, activation: relu}
              - dense: {units: 10, activation: softmax}
            train:
              dataset: mnist
            """);

        var r = Cli.Run("check", path);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Equal("", r.Out);
        var lines = r.Err.TrimEnd('\n').Split('\n');
        Assert.StartsWith($"{path}:5:", lines[0]);
        Assert.Contains(": error: ", lines[0]);
        Assert.Contains("abc", lines[0]);
        Assert.Matches(@"^\d+ errors?$", lines[^1]);
    }

    [Fact]
    public void The_path_is_reported_as_typed()
    {
        using var dir = new TempDir();
        dir.Write("bad.yaml", "name: [unclosed\n");
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, dir.File("bad.yaml"));

        var r = Cli.Run("check", relative);

        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith(relative + ":", r.Err);
    }

    [Fact]
    public void A_missing_file_is_a_located_error()
    {
        var r = Cli.Run("check", "no/such/spec.yaml");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("no/such/spec.yaml:1:1: error: file not found\n1 error\n", r.Err);
    }

    [Fact]
    public void A_folder_or_non_utf8_file_is_a_located_error()
    {
        using var dir = new TempDir();
        var r = Cli.Run("check", dir.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"{dir.Path}:1:1: error: is a folder, expected a YAML spec file\n1 error\n", r.Err);

        string utf16 = dir.File("utf16.yaml");
        File.WriteAllBytes(utf16, [0xFF, 0xFE, (byte)'n', 0, (byte)'a', 0]);
        r = Cli.Run("check", utf16);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"{utf16}:1:1: error: not valid UTF-8 text\n1 error\n", r.Err);

        string bom = dir.Write("bom.yaml", "\uFEFF" + File.ReadAllText(Cli.Spec("mlp.yaml")));
        r = Cli.Run("check", bom);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [Fact]
    public void Resolved_output_is_yaml_that_compiles_to_the_same_graph()
    {
        string path = Cli.Spec("cnn.yaml");
        var r = Cli.Run("check", path, "--resolved");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"{path}: ok (9 layers, 242,062 parameters)\n", r.Err);

        using var dir = new TempDir();
        string resolved = dir.Write("resolved.yaml", r.Out);
        var again = Cli.Run("check", resolved);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal($"{resolved}: ok (9 layers, 242,062 parameters)\n", again.Out);

        var original = SpecCompiler.Compile(File.ReadAllText(path), path);
        var reparsed = SpecCompiler.Compile(r.Out, "resolved.yaml");
        Assert.Equal(original.Layers.Select(l => (l.Name, l.Type, l.OutputShape.ToString(), l.ParameterCount)),
                     reparsed.Layers.Select(l => (l.Name, l.Type, l.OutputShape.ToString(), l.ParameterCount)));
        Assert.Equal(original.Train.Optimizer, reparsed.Train.Optimizer);
        Assert.Equal((original.Train.BatchSize, original.Train.Epochs, original.Train.ValidationSplit, original.Train.Seed),
                     (reparsed.Train.BatchSize, reparsed.Train.Epochs, reparsed.Train.ValidationSplit, reparsed.Train.Seed));
    }
}
