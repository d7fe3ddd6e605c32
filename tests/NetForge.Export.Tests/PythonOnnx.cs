using System.Diagnostics;

namespace NetForge.Export.Tests;

/// <summary>
/// Runs the python onnx package (the reference checker). The interpreter is $NETFORGE_PYTHON, else the
/// system python3 (Debian's python3-onnx installs there), else python3 on PATH.
/// </summary>
internal static class PythonOnnx
{
    private static readonly Lazy<string?> Interpreter = new(Find);

    public const string MissingMessage =
        "python3 with the onnx and numpy packages was not found (install python3-onnx python3-numpy, or set NETFORGE_PYTHON)";

    public static bool Available => Interpreter.Value is not null;

    public static (int ExitCode, string Output) Run(string script, IEnumerable<string> args, int timeoutMs = 120_000)
    {
        string python = Interpreter.Value ?? throw new InvalidOperationException(MissingMessage);
        return RunWith(python, script, args, timeoutMs);
    }

    private static string? Find()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("NETFORGE_PYTHON") is { Length: > 0 } env) candidates.Add(env);
        candidates.Add("/usr/bin/python3");
        candidates.Add("python3");
        foreach (string candidate in candidates)
        {
            try
            {
                if (RunWith(candidate, "import onnx, numpy", [], 60_000).ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed under that name: try the next
            }
        }
        return null;
    }

    private static (int ExitCode, string Output) RunWith(string python, string script, IEnumerable<string> args, int timeoutMs)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{python} did not finish in {timeoutMs} ms");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>A fact that is skipped, saying why, when python3-onnx is not installed.</summary>
public sealed class PythonOnnxFactAttribute : FactAttribute
{
    public PythonOnnxFactAttribute()
    {
        if (!PythonOnnx.Available) Skip = PythonOnnx.MissingMessage;
    }
}
