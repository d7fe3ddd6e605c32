using System.Text.Json;

namespace NetForge.Imaging.Tests;

/// <summary>The PNG fixtures written by tools/fixtures/png.py and their expected decoding (manifest.json).</summary>
internal static class Fixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "png");

    public sealed record Entry(string File, int Width, int Height, string Format, string Pixels);

    public static IReadOnlyList<Entry> All { get; } = Load();

    public static byte[] Bytes(string file) => System.IO.File.ReadAllBytes(Path.Combine(Dir, file));

    private static List<Entry> Load()
    {
        var json = System.IO.File.ReadAllText(Path.Combine(Dir, "manifest.json"));
        return JsonSerializer.Deserialize<List<Entry>>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidOperationException("manifest.json is empty");
    }
}
