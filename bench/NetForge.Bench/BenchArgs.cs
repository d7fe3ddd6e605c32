using System.Globalization;

namespace NetForge.Bench;

/// <summary>What the <c>infer</c> and <c>conv</c> commands share: integer options and the repository's specs folder.</summary>
internal static class BenchArgs
{
    /// <summary>The integer after <paramref name="name"/> in <paramref name="args"/>, else <paramref name="fallback"/>.</summary>
    public static int Int(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The path of seed spec <paramref name="name"/> (specs/NAME.yaml), found by walking up to NetForge.sln.</summary>
    public static string SeedSpec(string name) => NetForge.Tests.Shared.RepoRoot.Combine("specs", name + ".yaml");
}
