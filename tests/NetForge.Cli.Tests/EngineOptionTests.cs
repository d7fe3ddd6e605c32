using System.Reflection;

namespace NetForge.Cli.Tests;

/// <summary>
/// <c>--engine torchsharp</c> from the main suite, through the real plugin folder the solution build writes
/// (src/TorchEngine/bin): on a host whose libstdc++ lacks GLIBCXX_3.4.32 (Debian 12) the command fails with the cause
/// and what to do, exit 1, no stack trace; where libtorch loads it trains. Either way libtorch is loaded only by the
/// plugin, never by the CLI (the CLI's own folder holds no TorchSharp).
/// </summary>
public class EngineOptionTests
{
    private static string Configuration =>
        typeof(EngineOptionTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    [Fact]
    public void Torchsharp_engine_trains_or_names_why_it_cannot_here()
    {
        string plugin = Path.Combine(Cli.RepoRoot, "src", "TorchEngine", "bin", Configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(plugin, "NetForge.TorchEngine.dll")), $"{plugin} holds no NetForge.TorchEngine.dll: build NetForge.sln first");
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "TorchSharp.dll")), "the CLI must not carry TorchSharp");
        string engines = Path.Combine(Path.GetTempPath(), "nf-engines-" + Guid.NewGuid().ToString("N")[..8]);
        string run = Path.Combine(Path.GetTempPath(), "nf-run-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(engines);
        Directory.CreateSymbolicLink(Path.Combine(engines, "torchsharp"), plugin);
        string? before = Environment.GetEnvironmentVariable("NETFORGE_ENGINES");
        try
        {
            Environment.SetEnvironmentVariable("NETFORGE_ENGINES", engines);
            var r = Cli.Run("train", Cli.Spec("mlp.yaml"), "--engine", "torchsharp", "--limit", "500", "--epochs", "1", "--out", run, "--quiet", "--no-report");
            string libstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
            bool loads = File.Exists(libstdcxx) && File.ReadAllText(libstdcxx, System.Text.Encoding.Latin1).Contains("GLIBCXX_3.4.32", StringComparison.Ordinal);
            if (loads)
            {
                Assert.True(r.ExitCode == 0, r.ToString());
                return;
            }

            Assert.Equal(1, r.ExitCode);
            Assert.Contains("the TorchSharp engine cannot load libtorch on this machine", r.Err);
            Assert.Contains($"needs GLIBCXX_3.4.32 (the C++ runtime of GCC 13 or later), and {libstdcxx} provides up to GLIBCXX_3.4.", r.Err);
            Assert.Contains("--engine netforge", r.Err);
            Assert.DoesNotContain("   at ", r.Err);
            Assert.Equal("", r.Out);
            Assert.False(Directory.Exists(Path.Combine(run, "checkpoints")) && Directory.EnumerateFiles(run, "*.safetensors", SearchOption.AllDirectories).Any());
        }
        finally
        {
            Environment.SetEnvironmentVariable("NETFORGE_ENGINES", before);
            Directory.Delete(engines, recursive: true);
            if (Directory.Exists(run)) Directory.Delete(run, recursive: true);
        }
    }

    [Fact]
    public void A_missing_engine_folder_says_how_to_get_it_and_an_unknown_engine_is_a_usage_error()
    {
        string? before = Environment.GetEnvironmentVariable("NETFORGE_ENGINES");
        string empty = Path.Combine(Path.GetTempPath(), "nf-noengines-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Environment.SetEnvironmentVariable("NETFORGE_ENGINES", empty);
            var unknown = Cli.Run("train", Cli.Spec("mlp.yaml"), "--engine", "tensorflow", "--quiet");
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("tensorflow", unknown.Err);
            var missing = Cli.Run("train", Cli.Spec("mlp.yaml"), "--engine", "torchsharp", "--quiet");
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains($"the TorchSharp engine is not installed: {Path.Combine(empty, "torchsharp", "NetForge.TorchEngine.dll")} not found", missing.Err);
            Assert.Contains("--engine torchsharp' builds it on first use", missing.Err);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NETFORGE_ENGINES", before);
        }
    }
}
