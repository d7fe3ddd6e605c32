using System.Buffers.Binary;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using NetForge.Data;
using NetForge.Runtime;

namespace NetForge.Packaging.Tests;

/// <summary>
/// The packages work on their own: from the packed .nupkg files only, in a temp folder outside the repository,
/// install the netforge tool and run summary / train / export / parity, then build a fresh console app that
/// references only NetForge.Runtime and classifies MNIST digits with the exported model.
/// Packages come from <c>dotnet pack --no-build</c> of the already built tool and runtime projects into the temp
/// folder, or from <c>$NETFORGE_PACKAGES</c> (e.g. artifacts/ after tools/pack.sh) when set.
/// Restores use a nuget.config with only that folder and a private NUGET_PACKAGES, so they are offline and never
/// see a stale package of the same version.
/// </summary>
public sealed class InstallTests : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "netforge-install-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Dictionary<string, string> _env;

    public InstallTests()
    {
        Directory.CreateDirectory(_temp);
        _env = new()
        {
            ["NUGET_PACKAGES"] = Path.Combine(_temp, "nuget-packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
    }

    public void Dispose()
    {
        if (RepoPaths.Flag("NETFORGE_KEEP_TEMP")) return;
        try { Directory.Delete(_temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static string Version
    {
        get
        {
            string v = typeof(NetForgeModel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            int plus = v.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 ? v[..plus] : v;
        }
    }

    private static string Configuration =>
        typeof(InstallTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    [Fact]
    public void ToolAndRuntimeWorkWhenInstalledFromPackages()
    {
        Assert.False(Path.GetFullPath(_temp).StartsWith(RepoPaths.Root, StringComparison.Ordinal), "the install test must run outside the repository");
        string feed = PackageFolder();
        Assert.True(File.Exists(Path.Combine(feed, $"NetForge.Tool.{Version}.nupkg")), $"NetForge.Tool.{Version}.nupkg not in {feed}");
        Assert.True(File.Exists(Path.Combine(feed, $"NetForge.Runtime.{Version}.nupkg")), $"NetForge.Runtime.{Version}.nupkg not in {feed}");
        // NetForge.Runtime depends on exactly one package, the official ONNX Runtime; the tool carries everything inside.
        Assert.Equal(["Microsoft.ML.OnnxRuntime"], AssertPackageMetadata(Path.Combine(feed, $"NetForge.Runtime.{Version}.nupkg"), "lib/net10.0/NetForge.Runtime.xml"));
        Assert.Empty(AssertPackageMetadata(Path.Combine(feed, $"NetForge.Tool.{Version}.nupkg"), "tools/net10.0/any/netforge.dll"));
        AssertToolCarriesOnlyLoadableNatives(Path.Combine(feed, $"NetForge.Tool.{Version}.nupkg"));
        // Sources: the packed NetForge packages, and this machine's NuGet package folder (laid out as a local feed), from
        // which NuGet restores Microsoft.ML.OnnxRuntime into the private NUGET_PACKAGES: offline, and no stale NetForge.
        File.WriteAllText(Path.Combine(_temp, "nuget.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="netforge-local" value="{feed}" />
                <add key="machine-packages" value="{MachinePackageFolder()}" />
              </packageSources>
            </configuration>
            """);

        // The tool, from the package.
        string tools = Path.Combine(_temp, "tools");
        Run("dotnet", _temp, "tool", "install", "--tool-path", tools, "--configfile", Path.Combine(_temp, "nuget.config"),
            "--add-source", feed, "NetForge.Tool", "--version", Version);
        string netforge = Path.Combine(tools, OperatingSystem.IsWindows() ? "netforge.exe" : "netforge");
        // One version (Directory.Build.props <Version>): the package's, the tool's and every export's.
        Assert.Equal(Version, Run(netforge, _temp, "--version").Trim());

        string specs = Path.Combine(_temp, "specs");
        Directory.CreateDirectory(specs);
        foreach (string spec in new[] { "cnn.yaml", "mlp.yaml" })
            File.Copy(RepoPaths.Combine("specs", spec), Path.Combine(specs, spec));
        Assert.Contains("242,062", Run(netforge, _temp, "summary", "specs/cnn.yaml"), StringComparison.Ordinal);

        string run = Path.Combine(_temp, "run");
        Run(netforge, _temp, "train", "specs/mlp.yaml", "--limit", "2000", "--epochs", "1", "--out", run, "--quiet");
        Run(netforge, _temp, "export", run);
        string model = Path.Combine(run, "model.onnx");
        Assert.True(File.Exists(model), "export wrote no model.onnx");
        Run(netforge, _temp, "parity", run, "--limit", "200");

        // A user's app: a fresh console project that references only NetForge.Runtime from the package folder.
        string app = Path.Combine(_temp, "app");
        Run("dotnet", _temp, "new", "console", "--output", app, "--name", "DigitApp", "--no-restore");
        Run("dotnet", app, "add", "package", "NetForge.Runtime", "--version", Version);
        File.WriteAllText(Path.Combine(app, "Program.cs"), AppSource);
        string images = Path.Combine(Mnist.EnsureCached(), "t10k-images-idx3-ubyte");
        string output = Run("dotnet", app, "run", "--", model, images, "10");
        string labelsLine = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("labels:", StringComparison.Ordinal));
        int[] appLabels = labelsLine["labels:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

        // The app's packages: NetForge.Runtime and the official ONNX Runtime it depends on, no trainer.
        string assets = File.ReadAllText(Path.Combine(app, "obj", "project.assets.json"));
        Assert.Contains("NetForge.Runtime/" + Version, assets, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime/1.32.0", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("NetForge.Train", assets, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime 1.32.0", output, StringComparison.Ordinal);

        // Independent truth: the same model through NetForgeModel in this process, and the true labels.
        float[] pixels = ReadFirstImages(images, 10);
        using var session = NetForgeModel.Open(model);
        Assert.Equal(Version, session.Contract.NetForgeVersion);
        Assert.Equal(Version, NetForge.Export.Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(model)).ProducerVersion);
        int[] expected = session.Classify(pixels, 10);
        Assert.Equal(expected, appLabels);
        byte[] truth = File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(images)!, "t10k-labels-idx1-ubyte")).AsSpan(8, 10).ToArray();
        int correct = appLabels.Zip(truth, (a, t) => a == t ? 1 : 0).Sum();
        Assert.True(correct >= 6, $"one epoch on 2000 images should get >= 6 of the first 10 test digits; got {correct}: [{string.Join(' ', appLabels)}] vs [{string.Join(' ', truth)}]");
    }

    private const string AppSource = """
        // Classifies the first N MNIST test digits with an exported NetForge model, using only NetForge.Runtime.
        using System.Buffers.Binary;
        using NetForge.Runtime;

        byte[] idx = File.ReadAllBytes(args[1]);
        int count = int.Parse(args[2]);
        if (idx[2] != 0x08 || idx[3] != 3) throw new InvalidDataException("not an IDX ubyte rank-3 file");
        int rows = BinaryPrimitives.ReadInt32BigEndian(idx.AsSpan(8)), cols = BinaryPrimitives.ReadInt32BigEndian(idx.AsSpan(12));
        var pixels = new float[count * rows * cols];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = idx[16 + i]; // raw 0-255: the model scales
        using var model = NetForgeModel.Open(args[0]);
        Console.WriteLine($"ONNX Runtime {NetForgeModel.OnnxRuntimeVersion}; model {model.Contract.GraphName}, input {model.Contract.InputDescription}");
        Console.WriteLine("labels: " + string.Join(' ', model.Classify(pixels, count)));
        """;

    /// <summary>Checks README, MIT expression, the version and the expected file; returns the ids of the package's dependencies.</summary>
    /// <summary>
    /// The tool never carries libtorch or TorchSharp (that engine is a plugin built on request), and none of the native
    /// files a .NET 10 desktop app cannot load (Directory.Build.targets: SkiaSharp's Windows .pdb files, .lib, ONNX
    /// Runtime's Android/iOS archives), while every platform's loadable SkiaSharp and ONNX Runtime libraries are there.
    /// </summary>
    private static void AssertToolCarriesOnlyLoadableNatives(string nupkg)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.DoesNotContain(names, n => n.Contains("torch", StringComparison.OrdinalIgnoreCase));
        string[] unloadable = [.. names.Where(n => n.Contains("/runtimes/", StringComparison.Ordinal)
            && (n.EndsWith(".pdb", StringComparison.Ordinal) || n.EndsWith(".lib", StringComparison.Ordinal)
                || n.EndsWith(".aar", StringComparison.Ordinal) || n.EndsWith(".xcframework.zip", StringComparison.Ordinal)))];
        Assert.True(unloadable.Length == 0, "unloadable native files in the tool: " + string.Join(", ", unloadable.Take(5)));
        foreach (string native in new[] { "linux-x64/native/libSkiaSharp.so", "win-x64/native/libSkiaSharp.dll", "osx/native/libSkiaSharp.dylib", "linux-x64/native/libonnxruntime.so", "win-x64/native/onnxruntime.dll" })
            Assert.Contains(names, n => n.EndsWith("/runtimes/" + native, StringComparison.Ordinal));
    }

    private static string[] AssertPackageMetadata(string nupkg, string expectedFile)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(nupkg);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("README.md", names);
        Assert.Contains(expectedFile, names);
        var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var nuspec = System.Xml.Linq.XDocument.Load(stream);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal(Version, Field("version"));
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        return [.. nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Distinct()];
    }

    private static float[] ReadFirstImages(string path, int count)
    {
        byte[] idx = File.ReadAllBytes(path);
        int size = BinaryPrimitives.ReadInt32BigEndian(idx.AsSpan(8)) * BinaryPrimitives.ReadInt32BigEndian(idx.AsSpan(12));
        return idx.AsSpan(16, count * size).ToArray().Select(b => (float)b).ToArray();
    }

    /// <summary>This machine's NuGet global packages folder ($NUGET_PACKAGES, else ~/.nuget/packages), where the build restored ONNX Runtime.</summary>
    private static string MachinePackageFolder()
    {
        string? set = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        string folder = !string.IsNullOrWhiteSpace(set) ? set : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        Assert.True(Directory.Exists(Path.Combine(folder, "microsoft.ml.onnxruntime")), $"{folder} holds no microsoft.ml.onnxruntime: build the solution first");
        return folder;
    }

    /// <summary>$NETFORGE_PACKAGES, else pack the (already built) tool and runtime into the temp folder.</summary>
    private string PackageFolder()
    {
        string? given = Environment.GetEnvironmentVariable("NETFORGE_PACKAGES");
        if (!string.IsNullOrWhiteSpace(given)) return Path.GetFullPath(given, RepoPaths.Root); // relative: to the repository
        string feed = Path.Combine(_temp, "feed");
        foreach (string project in new[] { "src/Runtime/NetForge.Runtime.csproj", "src/Cli/NetForge.Cli.csproj" })
            Run("dotnet", RepoPaths.Root, "pack", project, "-c", Configuration, "--no-build", "--nologo", "-o", feed);
        return feed;
    }

    private string Run(string file, string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {StepTimeout}");
        }
        process.WaitForExit();
        string text = stdout.ToString();
        Assert.True(process.ExitCode == 0,
            $"{Path.GetFileName(file)} {string.Join(' ', args)} exited {process.ExitCode}\nstdout:\n{text}\nstderr:\n{stderr}");
        return text;
    }
}
