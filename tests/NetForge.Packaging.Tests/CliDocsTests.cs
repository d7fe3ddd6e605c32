using System.Text;
using NetForge.Cli;

namespace NetForge.Packaging.Tests;

/// <summary>
/// docs/cli.md is the help of every netforge command, produced by the CLI definition itself (in-process
/// <see cref="Program.Run"/>), so it cannot drift: regenerate with NETFORGE_UPDATE_DOCS=1.
/// </summary>
public class CliDocsTests
{
    private static string DocPath => RepoPaths.Combine("docs", "cli.md");

    [Fact]
    public void CliMarkdownMatchesTheCommandDefinitions()
    {
        string actual = CliDocs.Generate();
        if (RepoPaths.Flag("NETFORGE_UPDATE_DOCS")) File.WriteAllText(DocPath, actual);

        Assert.True(File.Exists(DocPath), $"{DocPath} is missing; create it with NETFORGE_UPDATE_DOCS=1 dotnet test tests/NetForge.Packaging.Tests");
        string expected = File.ReadAllText(DocPath).Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.True(expected == actual,
            "docs/cli.md is out of date with the CLI (- doc, + CLI):\n" + RepoPaths.Diff(expected, actual) +
            "\nRegenerate it with: NETFORGE_UPDATE_DOCS=1 dotnet test tests/NetForge.Packaging.Tests --filter CliDocs");
    }

    [Fact]
    public void EveryCommandIsDiscoveredAndDocumented()
    {
        var commands = CliDocs.CommandPaths();
        foreach (string expected in new[] { "check", "summary", "data", "data fetch", "train", "evaluate", "export", "parity", "report", "predict" })
            Assert.Contains(expected, commands);

        string doc = CliDocs.Generate();
        Assert.Contains("## netforge train", doc, StringComparison.Ordinal);
        Assert.Contains("--limit <N>", doc, StringComparison.Ordinal);
        Assert.Contains("## netforge data fetch", doc, StringComparison.Ordinal);
        Assert.Contains("Usage:\n  netforge train [<spec>] [options]", doc, StringComparison.Ordinal);
    }
}

internal static class CliDocs
{
    /// <summary>Help text of "netforge &lt;path&gt; --help", run in-process.</summary>
    public static string Help(string path)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] args = [.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"];
        int code = Program.Run(args, stdout, stderr);
        if (code != 0) throw new InvalidOperationException($"netforge {path} --help exited {code}: {stderr}");
        return Normalize(stdout.ToString());
    }

    /// <summary>Every command path below the root, in help order, found from the "Commands:" sections.</summary>
    public static List<string> CommandPaths()
    {
        var paths = new List<string>();
        void Walk(string path)
        {
            foreach (string name in SubcommandNames(Help(path)))
            {
                string child = path.Length == 0 ? name : path + " " + name;
                paths.Add(child);
                Walk(child);
            }
        }
        Walk("");
        return paths;
    }

    public static string Generate()
    {
        var sb = new StringBuilder();
        sb.Append("# netforge command line\n\n");
        sb.Append("Generated from the command definitions by `tests/NetForge.Packaging.Tests` (`NETFORGE_UPDATE_DOCS=1 dotnet test tests/NetForge.Packaging.Tests` rewrites it; a test fails when it drifts).\n");
        sb.Append("Install: `dotnet tool install --global NetForge.Tool` (see `docs/packages.md`). ");
        sb.Append("Exit codes: 0 ok, 1 invalid input (spec, data, checkpoint... errors), 2 usage error, 3 internal error.\n");
        sb.Append("Downloads (MNIST, the ONNX Runtime native library) are cached in `$NETFORGE_HOME` (default `~/.cache/netforge`).\n\n");
        List<string> commands = CommandPaths();
        sb.Append("Commands: ").Append(string.Join(", ", commands.Select(c => $"[`{c}`](#{Anchor(c)})"))).Append("\n\n");
        sb.Append("## netforge\n\n```\n").Append(Help("")).Append("```\n");
        foreach (string command in commands)
            sb.Append("\n## netforge ").Append(command).Append("\n\n```\n").Append(Help(command)).Append("```\n");
        return sb.ToString();
    }

    private static string Anchor(string command) => "netforge-" + command.Replace(' ', '-');

    private static IEnumerable<string> SubcommandNames(string help)
    {
        bool inCommands = false;
        foreach (string line in help.Split('\n'))
        {
            if (line == "Commands:") { inCommands = true; continue; }
            if (!inCommands) continue;
            if (!line.StartsWith("  ", StringComparison.Ordinal)) { inCommands = false; continue; }
            if (line.StartsWith("   ", StringComparison.Ordinal)) continue; // a wrapped description
            yield return line.Trim().Split(' ')[0];
        }
    }

    /// <summary>
    /// Trims line ends, and names the root command "netforge" in usage lines: System.CommandLine takes the root's
    /// name from the running executable, which in-process is the test host.
    /// </summary>
    private static string Normalize(string text)
    {
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToArray();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i - 1] != "Usage:" || !lines[i].StartsWith("  ", StringComparison.Ordinal)) continue;
            string usage = lines[i].TrimStart();
            int space = usage.IndexOf(' ', StringComparison.Ordinal);
            lines[i] = "  netforge" + (space >= 0 ? usage[space..] : "");
        }
        return string.Join('\n', lines).Trim('\n') + "\n";
    }
}
