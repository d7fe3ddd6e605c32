using System.Text;
using System.Text.RegularExpressions;
using TorchSharp;

namespace NetForge.Torch;

/// <summary>TorchSharp cannot load on this machine; the message names the cause and what to do. A user error: no stack trace.</summary>
public sealed class TorchSharpUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Loads libtorch and TorchSharp's native glue once, and turns a failure into a message that names its cause. The glue
/// (<c>libLibTorchSharp.so</c> of TorchSharp 0.107) needs <see cref="RequiredGlibcxx"/>, the C++ runtime of GCC ≥ 13;
/// Debian 12 ships GLIBCXX_3.4.30, so loading fails there with a bare "could not be loaded".
/// </summary>
public static partial class TorchSharpRuntime
{
    /// <summary>The libstdc++ symbol version TorchSharp's native glue needs.</summary>
    public const string RequiredGlibcxx = "GLIBCXX_3.4.32";

    private static readonly Lazy<Exception?> Load = new(() =>
    {
        // TorchSharp prints a page of loader diagnostics to stdout when loading fails; the message below says it in two lines.
        var (stdout, stderr) = (Console.Out, Console.Error);
        try
        {
            Console.SetOut(TextWriter.Null);
            Console.SetError(TextWriter.Null);
            torch.InitializeDeviceType(DeviceType.CPU);
            using var probe = torch.ones(1);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e;
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    });

    /// <summary>Throws <see cref="TorchSharpUnavailableException"/> when TorchSharp cannot run here.</summary>
    public static void EnsureAvailable()
    {
        if (Load.Value is { } e) throw new TorchSharpUnavailableException(Explain(e.Message, FindLibstdcxx()), e);
    }

    /// <summary>True when TorchSharp loads here.</summary>
    public static bool IsAvailable => Load.Value is null;

    /// <summary>The libtorch version TorchSharp runs on (<c>2.10.0</c>).</summary>
    public static string LibTorchVersion
    {
        get
        {
            EnsureAvailable();
            return torch.__version__;
        }
    }

    /// <summary>The user-facing message for a load failure (<paramref name="libstdcxx"/>: the C++ runtime found, if any).</summary>
    internal static string Explain(string error, string? libstdcxx)
    {
        var sb = new StringBuilder("the TorchSharp engine cannot load libtorch on this machine");
        string? newest = libstdcxx is null ? null : NewestGlibcxx(libstdcxx);
        if (newest is not null && Compare(newest, RequiredGlibcxx) < 0)
        {
            sb.Append($": TorchSharp's native glue (libLibTorchSharp.so) needs {RequiredGlibcxx} (the C++ runtime of GCC 13 or later), ")
              .Append($"and {libstdcxx} provides up to {newest}.");
        }
        else
        {
            sb.Append($": {error.Trim()}");
        }

        sb.Append(Environment.NewLine).Append("  hint: use a distribution with GCC 13's libstdc++ or newer (Debian 13, Ubuntu 24.04, Fedora 39 or later), ")
          .Append("or train with the default engine (--engine netforge), which works here");
        return sb.ToString();
    }

    /// <summary>The newest <c>GLIBCXX_3.4.N</c> version string inside the library file, or null.</summary>
    internal static string? NewestGlibcxx(string path)
    {
        try
        {
            string text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
            return GlibcxxPattern().Matches(text).Select(m => m.Value).Distinct().OrderBy(v => v, Comparer<string>.Create(Compare)).LastOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The libstdc++ the dynamic loader would pick, or null.</summary>
    internal static string? FindLibstdcxx()
    {
        string[] candidates = ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6"];
        return candidates.FirstOrDefault(File.Exists);
    }

    private static int Compare(string a, string b) => Version(a).CompareTo(Version(b));

    private static Version Version(string glibcxx) => System.Version.Parse(glibcxx["GLIBCXX_".Length..] + (glibcxx.Count(c => c == '.') == 1 ? ".0" : ""));

    [GeneratedRegex(@"GLIBCXX_3\.4(\.\d+)?(?![\d.])")]
    private static partial Regex GlibcxxPattern();
}
