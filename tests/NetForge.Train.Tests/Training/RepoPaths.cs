namespace NetForge.Train.Tests.Training;

/// <summary>Finds the repository root (the folder holding NetForge.sln) by walking up from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root => NetForge.Tests.Shared.RepoRoot.Path;

    public static string Fixture(params string[] parts) =>
        Path.Combine([Root, "tests", "NetForge.Train.Tests", "Fixtures", .. parts]);

    /// <summary>A fresh empty folder under the system temp folder; deleted by the caller's <c>using</c>.</summary>
    public static TempFolder NewTemp() => new();

    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netforge-train-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
