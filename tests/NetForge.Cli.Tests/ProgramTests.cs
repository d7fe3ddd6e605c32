using NetForge.Cli.Commands;
using NetForge.Data;

namespace NetForge.Cli.Tests;

public class ProgramTests
{
    [Fact]
    public void Version_prints_the_informational_version()
    {
        var r = Cli.Run("--version");
        Assert.True(r.ExitCode == 0, r.ToString());
        var assemblyVersion = typeof(Program).Assembly.GetName().Version!;
        Assert.StartsWith($"{assemblyVersion.Major}.{assemblyVersion.Minor}.{assemblyVersion.Build}", r.Out);
        Assert.Equal(Program.Version + "\n", r.Out);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void No_command_is_a_usage_error()
    {
        var r = Cli.Run();
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error: no command given", r.Err);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("frobnicate")]
    [InlineData("check")]                      // missing <spec>
    [InlineData("check", "a.yaml", "--nope")]
    [InlineData("data", "fetch", "--data")]    // option without its value
    public void Bad_command_lines_exit_2_with_a_message(params string[] args)
    {
        var r = Cli.Run(args);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.StartsWith("error: ", r.Err);
        Assert.Contains("--help' for usage", r.Err);
        Assert.DoesNotContain(" at NetForge", r.Err);
    }

    [Fact]
    public void Help_lists_the_commands()
    {
        var r = Cli.Run("--help");
        Assert.Equal(0, r.ExitCode);
        foreach (var command in new[] { "check <spec>", "summary <spec>", "data", "train", "evaluate", "export", "parity" })
            Assert.Contains("  " + command, r.Out);
    }

    [Fact]
    public void A_bug_is_exit_3_with_type_and_message_and_no_stack_trace()
    {
        if (Environment.GetEnvironmentVariable("NETFORGE_DEBUG") == "1") return; // the stack trace is wanted then
        var stderr = new StringWriter();
        int code = Program.Report(Throw(new InvalidOperationException("boom")), stderr);
        Assert.Equal(3, code);
        string text = stderr.ToString();
        Assert.StartsWith("internal error: System.InvalidOperationException: boom", text);
        Assert.Contains("NETFORGE_DEBUG=1", text);
        Assert.DoesNotContain(nameof(Throw), text);
    }

    [Fact]
    public void User_errors_are_exit_1_with_just_the_message()
    {
        var stderr = new StringWriter { NewLine = "\n" };
        Assert.Equal(1, Program.Report(Throw(new DataException("t10k-labels-idx1-ubyte: truncated at byte 9")), stderr));
        Assert.Equal(2, Program.Report(new AggregateException(new CliException("--epochs must be positive", ExitCodes.Usage)), stderr));
        Assert.Equal(
            "error: t10k-labels-idx1-ubyte: truncated at byte 9\nerror: --epochs must be positive\n",
            stderr.ToString());
    }

    private static Exception Throw(Exception ex)
    {
        try { throw ex; }
        catch (Exception caught) { return caught; }
    }
}
