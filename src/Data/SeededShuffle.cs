namespace NetForge.Data;

/// <summary>The order data sources put samples in before a test split: the same on every machine and .NET version.</summary>
internal static class SeededShuffle
{
    /// <summary>Fisher–Yates with SplitMix64 from the seed.</summary>
    public static void Shuffle<T>(IList<T> items, int seed)
    {
        ulong state = 0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed;
        for (int i = items.Count - 1; i > 0; i--)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            int j = (int)(z % (ulong)(i + 1));
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
