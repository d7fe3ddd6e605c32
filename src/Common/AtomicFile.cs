using System.Text;

namespace NetForge.IO;

/// <summary>
/// The one way NetForge writes a file that others read: the bytes go to a temp file beside the target
/// (<c>NAME.tmp-XXXXXXXX</c>, same folder so the rename stays on one file system), are flushed to disk, and the temp
/// file is renamed over the target. A reader sees the old file or the new one, never half of either; a failed or
/// killed write leaves the old file as it was. Compiled into each project that writes files (a linked source file,
/// not a package: the projects share no dependency). Callers turn IO errors into their own located messages.
/// </summary>
internal static class AtomicFile
{
    /// <summary>The pattern of temp files a killed writer may leave behind (never renamed, so never read).</summary>
    public const string TempPattern = "*.tmp-*";

    /// <summary>Writes what <paramref name="write"/> puts into the stream. The folder must exist.</summary>
    public static void Write(string path, Action<FileStream> write) =>
        WriteIf(path, stream =>
        {
            write(stream);
            return true;
        });

    /// <summary>
    /// Like <see cref="Write"/>, but keeps the result only when <paramref name="write"/> returns true (for example when
    /// a download's checksum matched); otherwise the temp file is deleted and the target left untouched.
    /// </summary>
    public static bool WriteIf(string path, Func<FileStream, bool> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                if (!write(stream)) return false;
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
            return true;
        }
        finally
        {
            if (File.Exists(temp)) TryDelete(temp);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Writes <paramref name="text"/> atomically as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Utf8.GetBytes(text));

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort: the original error matters more than a stray temp file, which is never read
        }
    }
}
