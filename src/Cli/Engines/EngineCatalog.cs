using System.Reflection;
using System.Runtime.Loader;
using NetForge.Cli.Commands;
using NetForge.Engine;
using NetForge.Train.Engines;

namespace NetForge.Cli.Engines;

/// <summary>
/// The engines <c>--engine</c> names. <c>netforge</c> (the default) is built in; <c>torchsharp</c> is a plugin folder
/// (src/TorchEngine: NetForge.Torch, TorchSharp, libtorch) loaded only when asked for, so the CLI itself never carries or
/// loads libtorch. The folder is <c>$NETFORGE_ENGINES/torchsharp</c>, else <c>engines/torchsharp</c> beside the CLI's own
/// folder (where <c>./netforge</c> builds it).
/// </summary>
internal static class EngineCatalog
{
    public const string Default = NetForgeEngine.EngineName;
    public const string TorchSharp = "torchsharp";
    public static readonly string[] Names = [Default, TorchSharp];

    // Loaded plugins by folder (an assembly cannot be unloaded from the process; failures are not cached).
    private static readonly Dictionary<string, ITrainingEngineFactory> Loaded = [];

    public static ITrainingEngineFactory Resolve(string name) => name switch
    {
        Default => NetForgeEngine.Factory,
        TorchSharp => LoadTorchSharp(),
        _ => throw new CliException($"unknown engine '{name}'; engines: {string.Join(", ", Names)}", ExitCodes.Usage),
    };

    internal static string PluginFolder()
    {
        string? configured = Environment.GetEnvironmentVariable("NETFORGE_ENGINES");
        string root = !string.IsNullOrEmpty(configured) ? configured : Path.Combine(AppContext.BaseDirectory, "..", "engines");
        return Path.GetFullPath(Path.Combine(root, TorchSharp));
    }

    private static ITrainingEngineFactory LoadTorchSharp()
    {
        string folder = PluginFolder();
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(folder, out var factory)) Loaded[folder] = factory = LoadTorchSharp(folder);
            return factory;
        }
    }

    private static ITrainingEngineFactory LoadTorchSharp(string folder)
    {
        string entry = Path.Combine(folder, "NetForge.TorchEngine.dll");
        if (!File.Exists(entry))
        {
            throw new CliException(
                $"the TorchSharp engine is not installed: {entry} not found" + Environment.NewLine +
                "  hint: from a NetForge checkout, './netforge train SPEC --engine torchsharp' builds it on first use (it restores libtorch, about 600 MB); " +
                "or set NETFORGE_ENGINES to a folder holding torchsharp/ (dotnet build src/TorchEngine -o DIR/torchsharp)");
        }

        Type type;
        try
        {
            var context = new EngineLoadContext(entry);
            type = context.LoadFromAssemblyPath(entry).GetType("NetForge.TorchEngine.TorchEngineEntry", throwOnError: true)!;
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException or TypeLoadException or FileNotFoundException)
        {
            throw new CliException($"the TorchSharp engine in {folder} cannot be loaded ({e.Message}); rebuild it (remove the folder and run again)");
        }

        if (Invoke<string?>(type, "Unavailable") is { } problem) throw new CliException(problem);
        return type.GetProperty("Factory")!.GetValue(null) as ITrainingEngineFactory
            ?? throw new CliException($"the TorchSharp engine in {folder} does not match this netforge (rebuild it)");
    }

    private static T Invoke<T>(Type type, string method)
    {
        try
        {
            return (T)type.GetMethod(method)!.Invoke(null, null)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    /// <summary>
    /// The plugin's own context: its assemblies and native libraries (libtorch) resolve from its .deps.json, except
    /// those the CLI carries itself (NetForge.*, their packages), which come from the CLI so that the seam's types
    /// (ITrainingEngine, ModelGraph) are one and the same on both sides.
    /// </summary>
    private sealed class EngineLoadContext(string entry) : AssemblyLoadContext("netforge-engine-torchsharp")
    {
        private readonly AssemblyDependencyResolver _resolver = new(entry);

        protected override Assembly? Load(AssemblyName name)
        {
            if (File.Exists(Path.Combine(AppContext.BaseDirectory, name.Name + ".dll"))) return null; // the CLI's own copy
            return _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
