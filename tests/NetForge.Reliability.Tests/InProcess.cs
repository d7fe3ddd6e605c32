namespace NetForge.Reliability.Tests;

/// <summary>Runs <c>netforge</c> in-process (<see cref="NetForge.Cli.Program.Run"/>) for the tests that need no kill.</summary>
internal static class InProcess
{
    public static ChildResult Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = NetForge.Cli.Program.Run(args, stdout, stderr);
        return new ChildResult(code, stdout.ToString(), stderr.ToString());
    }
}
