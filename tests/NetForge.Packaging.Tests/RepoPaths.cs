namespace NetForge.Packaging.Tests;

/// <summary>Locates the repository (the folder holding NetForge.sln) from the test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root => NetForge.Tests.Shared.RepoRoot.Path;

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);


    /// <summary>True when the environment variable is set to 1/true (e.g. NETFORGE_UPDATE_API=1).</summary>
    public static bool Flag(string name)
    {
        string? value = Environment.GetEnvironmentVariable(name);
        return value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A compact line diff (expected vs actual) for failure messages.</summary>
    public static string Diff(string expected, string actual, int maxLines = 40)
    {
        string[] e = expected.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string[] a = actual.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var eSet = new HashSet<string>(e, StringComparer.Ordinal);
        var aSet = new HashSet<string>(a, StringComparer.Ordinal);
        var lines = new List<string>();
        lines.AddRange(e.Where(l => !aSet.Contains(l)).Select(l => "- " + l));
        lines.AddRange(a.Where(l => !eSet.Contains(l)).Select(l => "+ " + l));
        if (lines.Count == 0) lines.Add("(same lines, different order or line endings)");
        return string.Join('\n', lines.Take(maxLines)) + (lines.Count > maxLines ? $"\n... {lines.Count - maxLines} more" : "");
    }
}
