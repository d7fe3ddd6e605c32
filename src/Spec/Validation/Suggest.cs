namespace NetForge.Spec.Validation;

/// <summary>"did you mean ...?" by case-insensitive match, a few known aliases, then edit distance.</summary>
internal static class Suggest
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lr"] = "learning_rate",
        ["max_pooling2d"] = "maxpool2d",
        ["maxpooling2d"] = "maxpool2d",
        ["average_pooling2d"] = "avgpool2d",
        ["averagepooling2d"] = "avgpool2d",
        ["batch_normalization"] = "batchnorm",
        ["batchnormalization"] = "batchnorm",
        ["convolution2d"] = "conv2d",
        ["linear"] = "dense",
        ["kernel_size"] = "kernel",
        ["strides"] = "stride",
        ["pool_size"] = "pool",
        ["kernel_initializer"] = "initializer",
        ["out_features"] = "units",
        ["out_channels"] = "filters",
        ["beta1"] = "beta_1",
        ["beta2"] = "beta_2",
        ["sparse_categorical_crossentropy"] = "categorical_crossentropy",
        ["acc"] = "accuracy",
    };

    /// <summary>The candidate the user most likely meant, or null when nothing is close.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        var list = candidates.ToList();
        var exact = list.FirstOrDefault(c => string.Equals(c, input, StringComparison.OrdinalIgnoreCase));
        if (exact is not null) return exact;
        if (Aliases.TryGetValue(input, out var alias) && list.Contains(alias)) return alias;
        if (input.Length > 64) return null;

        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in list)
        {
            int d = Distance(input.ToLowerInvariant(), c);
            if (d < bestDistance)
            {
                best = c;
                bestDistance = d;
            }
        }

        int limit = Math.Max(2, input.Length / 3);
        return bestDistance <= limit && bestDistance < input.Length ? best : null;
    }

    /// <summary>"did you mean 'x'?" or null.</summary>
    public static string? Hint(string input, IEnumerable<string> candidates) =>
        Closest(input, candidates) is { } c ? $"did you mean '{c}'?" : null;

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }

            (prev, cur) = (cur, prev);
        }

        return prev[b.Length];
    }
}
