namespace NetForge.Tests.Shared;

/// <summary>
/// The repository root (the folder holding NetForge.sln), found once by walking up from the binaries: the one lookup the
/// test projects and bench/NetForge.Bench share (linked into each, see their .csproj).
/// </summary>
internal static class RepoRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "NetForge.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("NetForge.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The folder holding NetForge.sln.</summary>
    public static string Path => Root.Value;

    /// <summary><see cref="Path"/> joined with <paramref name="parts"/>.</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);
}
