namespace NetForge.Cli.Tests;

/// <summary>Runs the CLI in-process and captures its streams.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Err}";
}

internal static class Cli
{
    public static CliResult Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = Program.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The repository root (tests/Shared/RepoRoot.cs: the one lookup the test projects share).</summary>
    public static string RepoRoot => NetForge.Tests.Shared.RepoRoot.Path;

    public static string Spec(string name) => Path.Combine(RepoRoot, "specs", name);
}

