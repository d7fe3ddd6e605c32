using System.Diagnostics;

namespace NetForge.Cli.Tests;

/// <summary>
/// The ./netforge bash wrapper: builds the CLI in Release on first use (a minute or more), so this runs
/// only with NETFORGE_LONG_TESTS=1.
/// </summary>
public class WrapperTests
{
    [Fact]
    public void Wrapper_builds_and_runs_with_paths_relative_to_the_callers_folder()
    {
        if (Environment.GetEnvironmentVariable("NETFORGE_LONG_TESTS") != "1") return;
        string wrapper = Path.Combine(Cli.RepoRoot, "netforge");

        var (code, stdout, stderr) = Bash(Path.Combine(Cli.RepoRoot, "specs"), wrapper, "check", "cnn.yaml");
        Assert.True(code == 0, stderr);
        Assert.Equal("cnn.yaml: ok (9 layers, 242,062 parameters)\n", stdout);

        (code, stdout, stderr) = Bash(Path.GetTempPath(), wrapper, "check", "no-such.yaml");
        Assert.Equal(1, code);
        Assert.EndsWith("no-such.yaml:1:1: error: file not found\n1 error\n", stderr);

        (code, _, stderr) = Bash(Path.GetTempPath(), wrapper, "--bogus");
        Assert.Equal(2, code);
        Assert.Contains("error: ", stderr);
    }

    private static (int Code, string Out, string Err) Bash(string cwd, string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }
}
