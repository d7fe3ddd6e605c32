using NetForge.Tests.Shared;

namespace NetForge.Torch.Tests;

public class TorchSharpRuntimeTests
{
    [Fact]
    public void Loads_here_and_reports_libtorch()
    {
        TorchSharpRuntime.EnsureAvailable();
        Assert.StartsWith("2.10", TorchSharpRuntime.LibTorchVersion);
    }

    [Fact]
    public void A_too_old_cxx_runtime_is_named_with_its_version_and_what_to_do()
    {
        using var dir = new TempDir();
        string lib = dir.File("libstdc++.so.6");
        File.WriteAllBytes(lib, System.Text.Encoding.Latin1.GetBytes("\0GLIBCXX_3.4\0GLIBCXX_3.4.9\0GLIBCXX_3.4.30\0GLIBCXX_3.4.29\0GLIBCXX_DEBUG_MESSAGE_LENGTH\0"));
        Assert.Equal("GLIBCXX_3.4.30", TorchSharpRuntime.NewestGlibcxx(lib));
        string message = TorchSharpRuntime.Explain("libLibTorchSharp.so: cannot open shared object file", lib);
        Assert.Contains($"needs GLIBCXX_3.4.32 (the C++ runtime of GCC 13 or later), and {lib} provides up to GLIBCXX_3.4.30", message);
        Assert.Contains("--engine netforge", message);

        // A new enough runtime: the loader's own error is what is wrong.
        File.WriteAllBytes(lib, System.Text.Encoding.Latin1.GetBytes("\0GLIBCXX_3.4.33\0"));
        Assert.Contains("libtorch_cpu.so: cannot open", TorchSharpRuntime.Explain("libtorch_cpu.so: cannot open", lib));
    }
}
