using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using NetForge.Runtime.Native;

namespace NetForge.Runtime.Tests;

[Collection(SerialCollection.Name)]
public sealed class LibraryTests : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("netforge-ort-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Fact]
    public void Extract_writes_only_the_library_entry_and_checks_its_hash()
    {
        byte[] payload = "not really a shared object"u8.ToArray();
        string tgz = MakeTgz(("package/README.md", "hi"u8.ToArray()), (OrtLibraryFetcher.EntryName, payload));
        string target = Path.Combine(temp, "lib.so");
        OrtLibraryFetcher.ExtractVerified(tgz, target, Convert.ToHexStringLower(SHA256.HashData(payload)));
        Assert.Equal(payload, File.ReadAllBytes(target));
        Assert.Single(Directory.GetFiles(temp, "*.so"));
    }

    [Fact]
    public void Checksum_mismatch_is_a_clear_error_and_leaves_no_file()
    {
        string tgz = MakeTgz((OrtLibraryFetcher.EntryName, [1, 2, 3]));
        string target = Path.Combine(temp, "lib.so");
        var e = Assert.Throws<OnnxRuntimeException>(() => OrtLibraryFetcher.ExtractVerified(tgz, target));
        Assert.Equal(ErrorCode.NativeLibraryUnavailable, e.Code);
        Assert.Contains("Checksum mismatch", e.Message);
        Assert.Contains(OrtLibraryFetcher.ExpectedSha256, e.Message);
        Assert.Contains("NETFORGE_ORT_LIBRARY", e.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Archive_without_the_entry_or_not_an_archive_is_a_clear_error()
    {
        string target = Path.Combine(temp, "lib.so");
        var e = Assert.Throws<OnnxRuntimeException>(() =>
            OrtLibraryFetcher.ExtractVerified(MakeTgz(("package/other.so", [1])), target));
        Assert.Contains("does not contain " + OrtLibraryFetcher.EntryName, e.Message);

        string junk = Path.Combine(temp, "junk.tgz");
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5, 6, 7, 8]);
        e = Assert.Throws<OnnxRuntimeException>(() => OrtLibraryFetcher.ExtractVerified(junk, target));
        Assert.Contains("not a valid npm package archive", e.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void Resolution_honours_NETFORGE_ORT_LIBRARY_then_NETFORGE_HOME()
    {
        OrtLibrary.EnsureLoaded(); // the loaded library is unaffected by what follows
        string? oldLib = Environment.GetEnvironmentVariable(OrtLibraryFetcher.LibraryVariable);
        string? oldHome = Environment.GetEnvironmentVariable(OrtLibraryFetcher.HomeVariable);
        try
        {
            string missing = Path.Combine(temp, "nope.so");
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.LibraryVariable, missing);
            var e = Assert.Throws<OnnxRuntimeException>(OrtLibraryFetcher.Resolve);
            Assert.Equal(ErrorCode.NativeLibraryUnavailable, e.Code);
            Assert.StartsWith($"NETFORGE_ORT_LIBRARY is set to '{missing}', but that file does not exist.", e.Message);

            string present = Path.Combine(temp, "present.so");
            File.WriteAllBytes(present, [0]);
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.LibraryVariable, present);
            Assert.Equal(present, OrtLibraryFetcher.Resolve());

            Environment.SetEnvironmentVariable(OrtLibraryFetcher.LibraryVariable, null);
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.HomeVariable, temp);
            string cached = Path.Combine(temp, "onnxruntime-1.30.0", "libonnxruntime.so.1");
            Assert.Equal(cached, OrtLibrary.CachePath);
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            File.WriteAllBytes(cached, [0]);
            Assert.Equal(cached, OrtLibraryFetcher.Resolve()); // present in the cache: no fetch
        }
        finally
        {
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.LibraryVariable, oldLib);
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.HomeVariable, oldHome);
        }
    }

    [Fact]
    public void Missing_npm_is_a_clear_error_naming_the_variable()
    {
        string? oldHome = Environment.GetEnvironmentVariable(OrtLibraryFetcher.HomeVariable);
        string? oldPath = Environment.GetEnvironmentVariable("PATH");
        string? oldLib = Environment.GetEnvironmentVariable(OrtLibraryFetcher.LibraryVariable);
        try
        {
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.LibraryVariable, null);
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.HomeVariable, temp);
            Environment.SetEnvironmentVariable("PATH", Path.Combine(temp, "empty-bin"));
            var e = Assert.Throws<OnnxRuntimeException>(OrtLibraryFetcher.Resolve);
            Assert.Equal(ErrorCode.NativeLibraryUnavailable, e.Code);
            Assert.StartsWith("ONNX Runtime is not in the NetForge cache and `npm` was not found to fetch it. Set NETFORGE_ORT_LIBRARY", e.Message);
            Assert.False(File.Exists(OrtLibrary.CachePath));
            Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(OrtLibrary.CachePath)!)); // temp folder removed
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", oldPath);
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.HomeVariable, oldHome);
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.LibraryVariable, oldLib);
        }
    }

    [Fact]
    public void Fresh_fetch_into_empty_cache_verifies_and_loads_only_with_long_tests()
    {
        if (Environment.GetEnvironmentVariable("NETFORGE_LONG_TESTS") != "1")
        {
            return; // downloads 113 MB through npm
        }

        string? oldHome = Environment.GetEnvironmentVariable(OrtLibraryFetcher.HomeVariable);
        try
        {
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.HomeVariable, temp);
            string[] paths = new string[2];
            Parallel.For(0, 2, i => paths[i] = OrtLibraryFetcher.Resolve()); // the lock serialises the two
            Assert.Equal(paths[0], paths[1]);
            Assert.Equal(OrtLibraryFetcher.ExpectedSize, new FileInfo(paths[0]).Length);
            using var stream = File.OpenRead(paths[0]);
            Assert.Equal(OrtLibraryFetcher.ExpectedSha256, Convert.ToHexStringLower(SHA256.HashData(stream)));
            Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(paths[0])!)); // temp folders removed
        }
        finally
        {
            Environment.SetEnvironmentVariable(OrtLibraryFetcher.HomeVariable, oldHome);
        }
    }

    private string MakeTgz(params (string Name, byte[] Data)[] entries)
    {
        string path = Path.Combine(temp, $"{Guid.NewGuid():N}.tgz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, data) in entries)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }
        }

        return path;
    }
}
