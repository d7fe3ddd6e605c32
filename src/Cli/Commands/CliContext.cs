using System.CommandLine;
using System.Text;
using NetForge.Data;
using NetForge.Spec;
using NetForge.Spec.Graph;

namespace NetForge.Cli.Commands;

/// <summary>Process exit codes of <c>netforge</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Invalid input: a spec, data, checkpoint or model error the user can fix.</summary>
    public const int InvalidInput = 1;
    /// <summary>Bad command line.</summary>
    public const int Usage = 2;
    /// <summary>A bug in netforge.</summary>
    public const int Internal = 3;
    /// <summary>Interrupted (Ctrl-C), like shells report SIGINT.</summary>
    public const int Cancelled = 130;
}

/// <summary>
/// A user-facing error: printed as <c>error: &lt;message&gt;</c> without a stack trace, exiting with
/// <see cref="ExitCode"/> (default 1, invalid input; use <see cref="ExitCodes.Usage"/> for bad options).
/// </summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.InvalidInput) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>
/// What every command gets: the output streams (results to <see cref="Out"/>, diagnostics and progress
/// to <see cref="Error"/>), whether stdout is a terminal, and helpers shared by the commands. Paths are
/// used as the user typed them (relative to the current directory) so messages show them that way.
/// </summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, bool isTerminal)
{
    /// <summary>Results (tables, YAML, metrics): what a user might redirect to a file.</summary>
    public TextWriter Out { get; } = stdout;

    /// <summary>Diagnostics, progress lines and errors.</summary>
    public TextWriter Error { get; } = stderr;

    /// <summary>True when stdout is an interactive terminal (rich tables, colours); false when redirected or in tests.</summary>
    public bool IsTerminal { get; } = isTerminal;

    /// <summary>Writes a progress line to stderr; pass as the <c>progress</c> callback of long operations.</summary>
    public void Progress(string line) => Error.WriteLine(line);

    /// <summary>"1 error" / "3 errors".</summary>
    public static string CountErrors(int count) => count == 1 ? "1 error" : $"{count} errors";

    /// <summary>Reads a spec file (<see cref="SpecCompiler.ReadText"/>): problems are a located <see cref="SpecException"/>.</summary>
    public static string ReadSpecText(string path) => SpecCompiler.ReadText(path);

    /// <summary>Reads and compiles a spec; any problem is a <see cref="SpecException"/> (exit 1 with every diagnostic).</summary>
    public static ModelGraph LoadSpec(string path) => SpecCompiler.Load(path);

    /// <summary>
    /// Loads MNIST from <paramref name="dataDir"/> (the <c>--data</c> option) or the verified cache,
    /// printing fetch progress to stderr.
    /// </summary>
    /// <summary>
    /// Reads the data <paramref name="graph"/> names (<c>train.dataset</c>; <paramref name="dataDir"/> is <c>--data DIR</c>)
    /// and checks it against the network: a mismatch is a <see cref="SpecException"/> located in the spec, naming the data.
    /// </summary>
    public DataSet LoadData(ModelGraph graph, string? dataDir) => DataSources.Load(graph, dataDir, Progress);

    /// <summary>
    /// Opens a run folder the one way every command does (<see cref="Train.Training.RunFolder"/>): spec compiled, newest good
    /// checkpoint loaded once, fingerprint checked; problems are reported by <see cref="Program.Report"/>.
    /// </summary>
    public Train.Training.RunFolder OpenRun(string runDir, bool requireCheckpoint = true) =>
        Train.Training.RunFolder.Open(runDir, Progress, requireCheckpoint);

    /// <summary>The shared <c>--data DIR</c> option: a folder with the four MNIST IDX files instead of the cache.</summary>
    public static Option<string?> DataOption() => new("--data")
    {
        Description = "Folder with the four MNIST IDX files (raw or .gz) to use instead of the download cache.",
        HelpName = "DIR",
    };

    /// <summary>The required <c>&lt;spec&gt;</c> argument: path to a YAML spec.</summary>
    public static Argument<string> SpecArgument() => new("spec") { Description = "Path to a YAML network spec, e.g. specs/cnn.yaml." };

    /// <summary>"242,062".</summary>
    public static string Count(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
