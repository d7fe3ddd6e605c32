using System.Globalization;
using System.IO.Compression;

namespace NetForge.Tests.Shared;

/// <summary>
/// The small real tables Debian's python3-sklearn ships (.ci/run installs it), rewritten as ordinary CSV files with a
/// header row and string class names, as a user would have them (tools/sklearn-tables.py writes the same files).
/// sklearn's own layout is a first line "rows,features,class names..." and rows of features plus a class index.
/// </summary>
internal static class SklearnTables
{
    public const string Folder = "/usr/lib/python3/dist-packages/sklearn/datasets/data";

    public static readonly string[] IrisFeatures = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

    public static readonly string[] Digits = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>Writes iris.csv (150 rows, label column <c>species</c>) into <paramref name="dir"/>.</summary>
    public static string Iris(string dir)
    {
        var lines = Read("iris.csv");
        var names = lines[0].Split(',')[2..];
        var rows = lines.Skip(1).Select(l => l.Split(',')).Select(f => string.Join(",", f[..4]) + "," + names[int.Parse(f[4], CultureInfo.InvariantCulture)]);
        return Write(Path.Combine(dir, "iris.csv"), string.Join(",", IrisFeatures) + ",species", rows);
    }

    /// <summary>Writes digits.csv (1,797 rows of 8x8 pixels 0-16, label column <c>digit</c>: zero..nine) into <paramref name="dir"/>.</summary>
    public static string DigitsTable(string dir)
    {
        var rows = Read("digits.csv.gz").Select(l => l.Split(','))
            .Select(f => string.Join(",", f[..64].Select(v => ((int)double.Parse(v, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture)))
                + "," + Digits[(int)double.Parse(f[64], CultureInfo.InvariantCulture)]);
        return Write(Path.Combine(dir, "digits.csv"), string.Join(",", Enumerable.Range(0, 64).Select(i => $"pixel_{i}")) + ",digit", rows);
    }

    /// <summary>Writes wine.csv (178 rows, 13 chemical measurements on very different scales, label column <c>cultivar</c> as class indices 0..2).</summary>
    public static string WineIndices(string dir)
    {
        var lines = Read("wine_data.csv");
        var rows = lines.Skip(1);
        return Write(Path.Combine(dir, "wine.csv"), string.Join(",", Enumerable.Range(0, 13).Select(i => $"m{i}")) + ",cultivar", rows);
    }

    private static List<string> Read(string name)
    {
        string path = Path.Combine(Folder, name);
        if (!File.Exists(path)) throw new InvalidOperationException($"{path} not found: install Debian's python3-sklearn (.ci/run does)");
        using Stream file = File.OpenRead(path);
        using var reader = new StreamReader(name.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) if (line.Length > 0) lines.Add(line);
        return lines;
    }

    private static string Write(string path, string header, IEnumerable<string> rows)
    {
        File.WriteAllLines(path, [header, .. rows]);
        return path;
    }
}
