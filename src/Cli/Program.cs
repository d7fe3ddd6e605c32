using System.CommandLine;
using System.Reflection;
using NetForge.Cli.Commands;
using NetForge.Data;
using NetForge.Spec;

namespace NetForge.Cli;

/// <summary>
/// The <c>netforge</c> command. <see cref="Run"/> is the whole program with its streams passed in, so
/// tests run it in-process. Exit codes: 0 ok, 1 invalid input (spec, data, checkpoint... errors),
/// 2 usage error, 3 internal error (a bug: "internal error: Type: message"; the stack trace only with
/// NETFORGE_DEBUG=1).
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(stdout, stderr, isTerminal: ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected);
        try
        {
            var root = BuildRootCommand(context);
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                foreach (var error in parse.Errors) stderr.WriteLine($"error: {error.Message}");
                stderr.WriteLine($"run '{CommandPath(parse.CommandResult)} --help' for usage");
                return ExitCodes.Usage;
            }
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            return Report(ex, stderr);
        }
    }

    /// <summary>The command tree. Each command file has <c>static Command Create(CliContext)</c>; register it with one line here.</summary>
    internal static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand("NetForge: compile a YAML network spec, train it, export it to ONNX and prove ONNX Runtime agrees.");
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(SummaryCommand.Create(context));
        root.Subcommands.Add(DataCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(EvaluateCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(ParityCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(PredictCommand.Create(context));

        // Our own --version: the built-in one reads the entry assembly, which is the test host in tests.
        for (int i = root.Options.Count - 1; i >= 0; i--)
        {
            if (root.Options[i] is VersionOption) root.Options.RemoveAt(i);
        }
        var version = new Option<bool>("--version") { Description = "Print the NetForge version." };
        root.Options.Add(version);
        root.SetAction(parse =>
        {
            if (parse.GetValue(version))
            {
                context.Out.WriteLine(Version);
                return ExitCodes.Ok;
            }
            context.Error.WriteLine("error: no command given");
            context.Error.WriteLine("run 'netforge --help' for usage");
            return ExitCodes.Usage;
        });
        return root;
    }

    /// <summary>"netforge data fetch" for the command a parse ended in.</summary>
    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(r.Parent is null ? "netforge" : r.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>The informational version (Directory.Build.props &lt;Version&gt;, plus the source revision when the build knows it).</summary>
    internal static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Program).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>
    /// Turns an exception into messages and an exit code. Bad input is exit 1 without a stack trace: spec
    /// diagnostics, <see cref="DataException"/>, <see cref="CliException"/>, missing files, and any exception
    /// type declared in a NetForge namespace (by convention each project's one exception type for bad
    /// input: checkpoints, export, runtime). Anything else is a bug: exit 3.
    /// </summary>
    internal static int Report(Exception ex, TextWriter stderr)
    {
        while (ex is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException && ex.InnerException is not null)
            ex = ex.InnerException;
        switch (ex)
        {
            case SpecException spec:
                foreach (var diagnostic in spec.Diagnostics) stderr.WriteLine(diagnostic.ToString());
                stderr.WriteLine(CliContext.CountErrors(spec.Diagnostics.Count));
                return ExitCodes.InvalidInput;
            case CliException cli:
                stderr.WriteLine($"error: {cli.Message}");
                return cli.ExitCode;
            case OperationCanceledException:
                stderr.WriteLine("cancelled");
                return ExitCodes.Cancelled;
            case DataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException:
                stderr.WriteLine($"error: {ex.Message}");
                return ExitCodes.InvalidInput;
        }
        if (ex.GetType().Namespace?.StartsWith("NetForge.", StringComparison.Ordinal) == true)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        stderr.WriteLine($"internal error: {ex.GetType().FullName}: {ex.Message}");
        if (Environment.GetEnvironmentVariable("NETFORGE_DEBUG") == "1") stderr.WriteLine(ex.ToString());
        else stderr.WriteLine("  (a bug in netforge; set NETFORGE_DEBUG=1 to see the stack trace)");
        return ExitCodes.Internal;
    }
}
