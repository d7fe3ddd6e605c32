using System.Runtime.InteropServices;
using NetForge.Runtime.Native;

namespace NetForge.Runtime;

/// <summary>
/// The ONNX Runtime native library, loaded on first use. Resolution order: the <c>NETFORGE_ORT_LIBRARY</c>
/// environment variable (path to a build); else the cache <c>&lt;NETFORGE_HOME&gt;/onnxruntime-1.30.0/libonnxruntime.so.1</c>
/// (<c>NETFORGE_HOME</c>, else <c>$XDG_CACHE_HOME/netforge</c>, else <c>~/.cache/netforge</c>); else a one-time fetch of the
/// official build from the npm package <c>onnxruntime-node@1.30.0</c> (via <c>npm pack</c>, SHA-256 checked).
/// </summary>
/// <remarks>
/// One process-wide ORT environment and CPU memory description are created with the library and live until
/// the process exits. If loading fails the error is thrown again on each use, so fixing the environment
/// variable and retrying works without restarting.
/// </remarks>
public static unsafe class OrtLibrary
{
    /// <summary>The ONNX Runtime version NetForge is built and tested against.</summary>
    public const string ExpectedVersion = OrtLibraryFetcher.Version;

    // ORT_LOGGING_LEVEL_FATAL: every error already comes back as a status (an exception); ORT would also print it to stderr.
    private const int LoggingLevelFatal = 4;

    private static readonly Lock Gate = new();
    private static Loaded? loaded;

    /// <summary>Full path of the loaded native library (loads it if needed).</summary>
    /// <exception cref="OnnxRuntimeException">The library is unavailable (<see cref="ErrorCode.NativeLibraryUnavailable"/>).</exception>
    public static string LibraryPath => Load().Path;

    /// <summary>The version string the loaded library reports (<c>GetVersionString</c>), e.g. "1.30.0".</summary>
    /// <exception cref="OnnxRuntimeException">The library is unavailable (<see cref="ErrorCode.NativeLibraryUnavailable"/>).</exception>
    public static string Version => Load().Version;

    /// <summary>Where the library is cached when fetched (whether or not it exists yet).</summary>
    public static string CachePath => OrtLibraryFetcher.CachedPath();

    /// <summary>Loads the library now (fetching it if needed) instead of on first use.</summary>
    /// <exception cref="OnnxRuntimeException">The library is unavailable (<see cref="ErrorCode.NativeLibraryUnavailable"/>).</exception>
    public static void EnsureLoaded() => Load();

    internal static OrtApiTable Api => Load().Api;

    internal static IntPtr Env => Load().Env;

    internal static IntPtr CpuMemoryInfo => Load().CpuMemoryInfo;

    private static Loaded Load()
    {
        Loaded? current = Volatile.Read(ref loaded);
        if (current is not null)
        {
            return current;
        }

        lock (Gate)
        {
            return loaded ??= LoadCore();
        }
    }

    private static Loaded LoadCore()
    {
        string path = OrtLibraryFetcher.Resolve();
        IntPtr library;
        try
        {
            library = NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new OnnxRuntimeException(ErrorCode.NativeLibraryUnavailable,
                $"Could not load ONNX Runtime from '{path}': {e.Message} Set {OrtLibraryFetcher.LibraryVariable} to a working libonnxruntime {ExpectedVersion} build.", e);
        }

        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out IntPtr getApiBase))
        {
            throw new OnnxRuntimeException(ErrorCode.NativeLibraryUnavailable,
                $"'{path}' has no OrtGetApiBase export: it is not ONNX Runtime. Set {OrtLibraryFetcher.LibraryVariable} to a libonnxruntime {ExpectedVersion} build.");
        }

        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
        IntPtr* apiBase = ((delegate* unmanaged[Cdecl]<IntPtr*>)getApiBase)();
        var getApi = (delegate* unmanaged[Cdecl]<uint, IntPtr*>)apiBase[0];
        var getVersionString = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];
        string version = Marshal.PtrToStringUTF8((IntPtr)getVersionString()) ?? "unknown";
        IntPtr* table = getApi(OrtApiTable.ApiVersion);
        if (table == null)
        {
            throw new OnnxRuntimeException(ErrorCode.NativeLibraryUnavailable,
                $"ONNX Runtime {version} at '{path}' does not provide API version {OrtApiTable.ApiVersion}; NetForge needs {ExpectedVersion} or later.");
        }

        var api = new OrtApiTable(table);
        IntPtr env = api.CreateEnv(LoggingLevelFatal, "netforge");
        IntPtr memoryInfo = api.CreateCpuMemoryInfo();
        return new Loaded(path, version, api, env, memoryInfo);
    }

    private sealed record Loaded(string Path, string Version, OrtApiTable Api, IntPtr Env, IntPtr CpuMemoryInfo);
}
