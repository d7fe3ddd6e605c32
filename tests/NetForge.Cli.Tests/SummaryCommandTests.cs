namespace NetForge.Cli.Tests;

public class SummaryCommandTests
{
    [Fact]
    public void Cnn_summary_has_every_layer_and_the_keras_totals()
    {
        var r = Cli.Run("summary", Cli.Spec("cnn.yaml"));
        Assert.True(r.ExitCode == 0, r.ToString());
        string[] lines = r.Out.Split('\n');

        Assert.Contains("cnn", lines[0]);
        Assert.Contains(lines, l => l.Contains("conv2d ") && l.Contains("(None, 16, 28, 28)") && l.Contains(" 416 ") && l.Contains("313,600"));
        Assert.Contains(lines, l => l.Contains("conv2d_1 ") && l.Contains("(None, 36, 14, 14)") && l.Contains("14,436") && l.Contains("2,822,400"));
        Assert.Contains(lines, l => l.Contains("flatten ") && l.Contains("(None, 1764)"));
        Assert.Contains(lines, l => l.Contains("dense ") && l.Contains("(None, 128)") && l.Contains("225,920"));
        Assert.Contains(lines, l => l.Contains("dense_1 ") && l.Contains("(None, 10)") && l.Contains("1,290"));
        Assert.Contains("Total params: 242,062 (945.55 KB)\n", r.Out);
        Assert.Contains(lines, l => l.StartsWith("Trainable params: 242,062", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Non-trainable params: 0", StringComparison.Ordinal));
        Assert.Contains("MACs per sample: 3,363,072\n", r.Out);
        Assert.DoesNotContain("\u001b[", r.Out); // plain text when redirected: no ANSI escapes
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void Macs_are_per_sample_and_summed()
    {
        var r = Cli.Run("summary", Cli.Spec("mlp.yaml"));
        Assert.True(r.ExitCode == 0, r.ToString());
        // 784·512 + 512·10
        Assert.Contains("MACs per sample: 406,528\n", r.Out);
        Assert.Contains("Total params: 407,050 (1.55 MB)\n", r.Out);
    }

    [Fact]
    public void A_broken_spec_gives_diagnostics_not_a_table()
    {
        using var dir = new TempDir();
        string path = dir.Write("x.yaml", "name: x\nlayers: 7\n");
        var r = Cli.Run("summary", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith(path + ":", r.Err);
        Assert.Matches(@"\n\d+ errors?\n$", r.Err);
    }

    [Fact]
    public void The_terminal_table_has_the_same_numbers()
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var context = new Commands.CliContext(stdout, TextWriter.Null, isTerminal: true);
        Assert.Equal(0, Commands.SummaryCommand.Run(context, Cli.Spec("cnn.yaml")));
        string text = stdout.ToString();
        foreach (var expected in new[] { "conv2d_1", "(None, 36, 7, 7)", "14,436", "242,062", "3,363,072", "Total params: 242,062 (945.55 KB)" })
            Assert.Contains(expected, text);
    }
}

public class ByteSizeTests
{
    [Theory]
    [InlineData(968_248, "945.55 KB")]
    [InlineData(4 * 1_199_882, "4.58 MB")]
    public void Byte_sizes_use_binary_units_like_keras(long bytes, string text)
    {
        Assert.Equal(text, Commands.SummaryCommand.Bytes(bytes));
    }
}
