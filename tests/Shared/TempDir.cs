namespace NetForge.Tests.Shared;

/// <summary>
/// A temp folder, deleted at dispose, named after the test assembly (e.g. <c>netforge.cli.tests-1a2b3c4d5e6f</c>).
/// One file linked into the test projects that need it (see their .csproj), not a copy per project.
/// </summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        string owner = (typeof(TempDir).Assembly.GetName().Name ?? "netforge-tests").ToLowerInvariant();
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), owner + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="text"/> (line ends normalised to \n) to <paramref name="name"/> in the folder; returns its path.</summary>
    public string Write(string name, string text)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
