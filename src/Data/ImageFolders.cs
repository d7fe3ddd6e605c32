using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NetForge.Imaging;
using NetForge.Spec.Graph;

namespace NetForge.Data;

/// <summary>
/// Image-folder data (<see cref="ImageFolderSourceSpec"/>): one sub-folder per class, class names sorted by code point
/// (Keras's <c>image_dataset_from_directory</c>); pictures found recursively by extension (<see cref="Extensions"/>,
/// case-insensitive; other files are ignored, as are names starting with '.'). The training pictures are shuffled by
/// the spec's seed (so <c>validation_split</c>, which takes the last fraction, sees every class) and, with
/// <c>test_split</c>, the last fraction of that order is the test set. Pictures are decoded in parallel
/// (<see cref="ImageFile"/>: PNG, JPEG, BMP, GIF, WebP), converted to gray or RGB planes and resized exactly as
/// <c>predict</c> prepares a picture (<see cref="Preprocess.ToPlanes"/>, <see cref="Preprocess.ResizePlanes"/>), and the
/// decoded set is cached in <c>&lt;NetForgeHome&gt;/cache/images/</c>, keyed by every file's path, size and modification time
/// and the source's settings: the second run reads one file.
/// </summary>
public static class ImageFolders
{
    /// <summary>The picture extensions read (Keras's allow-list).</summary>
    public static readonly string[] Extensions = [".bmp", ".gif", ".jpeg", ".jpg", ".png"];

    /// <summary>How many offenders a message lists.</summary>
    private const int Listed = 5;

    private const string CacheMagic = "NFIMGS02";   // 02: PNG decoded by Skia (16-bit high byte, 2^26 limit); older caches are decoded again

    /// <summary>The largest picture file read: 256 MiB.</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>One picture: its path, class index, and what the cache key records of it.</summary>
    private sealed record Entry(string Path, int Label, long Length, long Ticks);

    /// <summary>The folder the cache lives in: <c>&lt;NetForgeHome&gt;/cache/images</c>.</summary>
    public static string CacheDirectory => Path.Combine(NetForgeHome.Directory, "cache", "images");

    /// <summary>
    /// Reads an image-folder source. <paramref name="seed"/> is the spec's; <paramref name="progress"/> receives decode
    /// progress lines (about one a second) and where the cache is.
    /// </summary>
    /// <exception cref="DataException">A folder is missing or empty, there is one class, a test class has no training
    /// folder, pictures differ in size without <c>size</c>, or pictures cannot be decoded (unless skipped): each names
    /// the folder or files.</exception>
    public static DataSet Load(ImageFolderSourceSpec source, int seed, Action<string>? progress = null, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var classes = Classes(source.Train);
        var train = List(source.Train, classes, "training");
        List<Entry> test;
        if (source.Test is { } testDir)
        {
            var testClasses = Classes(testDir, requireTwo: false);
            foreach (string c in testClasses)
            {
                if (!classes.Contains(c, StringComparer.Ordinal))
                    throw new DataException($"{Path.Combine(testDir, c)}: test class '{c}' has no training folder in {source.Train} (the network cannot learn it)");
            }
            test = List(testDir, classes, "test", requireAll: false);
            Shuffle(train, seed);
        }
        else
        {
            Shuffle(train, seed);
            int testCount = (int)Math.Round(train.Count * source.TestSplit, MidpointRounding.AwayFromZero);
            if (testCount < 1 || testCount >= train.Count)
                throw new DataException($"{source.Train}: test_split {source.TestSplit.ToString(CultureInfo.InvariantCulture)} of {train.Count} pictures leaves {testCount} for the test set and {train.Count - testCount} for training; both need at least one");
            test = train.GetRange(train.Count - testCount, testCount);
            train.RemoveRange(train.Count - testCount, testCount);
        }

        string description = source.Test is null
            ? $"image folders in {source.Train} (test_split {source.TestSplit.ToString(CultureInfo.InvariantCulture)})"
            : $"image folders in {source.Train} and {source.Test}";
        var files = new DataFiles(source.Train, source.Train, source.Test ?? source.Train, source.Test ?? source.Train);
        string key = CacheKey(source, seed, train, test);
        string cacheDir = cacheDirectory ?? CacheDirectory;
        string cachePath = Path.Combine(cacheDir, key + ".bin");
        if (TryReadCache(cachePath, out var cached))
        {
            Touch(cachePath);
            progress?.Invoke($"images: {train.Count + test.Count:N0} decoded pictures read from the cache {cachePath}");
            return new DataSet(cached.Train, cached.Test, description, files) { Classes = classes, Skipped = cached.Skipped };
        }

        var decoded = Decode(source, [.. train, .. test], progress);
        var skipped = decoded.Skipped;
        var trainSet = Assemble(decoded, 0, train.Count, source.Channels);
        var testSet = Assemble(decoded, train.Count, test.Count, source.Channels);
        if (trainSet.Count == 0) throw new DataException($"{source.Train}: no training picture could be read ({skipped.Count} skipped)");
        if (testSet.Count == 0) throw new DataException($"{files.TestImages}: no test picture could be read ({skipped.Count} skipped)");
        try
        {
            Directory.CreateDirectory(cacheDir);
            WriteCache(cachePath, trainSet, testSet, skipped);
            progress?.Invoke($"images: cached in {cachePath}");
            Evict(cacheDir, cachePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            progress?.Invoke($"images: cannot write the cache {cachePath} ({e.Message}); the next run decodes again");
        }

        return new DataSet(trainSet, testSet, description, files) { Classes = classes, Skipped = skipped };
    }

    /// <summary>The class folders of <paramref name="dir"/>, sorted by code point.</summary>
    private static List<string> Classes(string dir, bool requireTwo = true)
    {
        if (!Directory.Exists(dir)) throw new DataException($"{dir}: image folder not found");
        var classes = Directory.GetDirectories(dir).Select(Path.GetFileName).Where(n => n is { Length: > 0 } && n[0] != '.')
            .Select(n => n!).Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            throw new DataException($"{dir}: no class folders: put each class's pictures in a sub-folder named after it (e.g. {Path.Combine(dir, "cat")}{Path.DirectorySeparatorChar})");
        if (requireTwo && classes.Count == 1)
            throw new DataException($"{dir}: one class folder ('{classes[0]}'): a classifier needs at least two");
        return classes;
    }

    private static List<Entry> List(string dir, List<string> classes, string what, bool requireAll = true)
    {
        var entries = new List<Entry>();
        for (int label = 0; label < classes.Count; label++)
        {
            string classDir = Path.Combine(dir, classes[label]);
            if (!Directory.Exists(classDir))
            {
                if (requireAll) throw new DataException($"{classDir}: class folder not found");
                continue;
            }

            int before = entries.Count;
            var found = Directory.EnumerateFiles(classDir, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false })
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal);
            foreach (string file in found)
            {
                var info = new FileInfo(file);
                entries.Add(new Entry(file, label, info.Length, info.LastWriteTimeUtc.Ticks));
            }

            if (entries.Count == before && requireAll)
                throw new DataException($"{classDir}: empty class folder: no {string.Join("/", Extensions)} pictures for the {what} set");
        }

        if (entries.Count == 0) throw new DataException($"{dir}: no {string.Join("/", Extensions)} pictures in its class folders");
        return entries;
    }

    private static void Shuffle(List<Entry> entries, int seed) => SeededShuffle.Shuffle(entries, seed);

    private sealed record Decoded(byte[]?[] Planes, int[] Labels, int Height, int Width, IReadOnlyList<string> Skipped);

    private static Decoded Decode(ImageFolderSourceSpec source, List<Entry> entries, Action<string>? progress)
    {
        int n = entries.Count, channels = source.Channels;
        var planes = new byte[]?[n];
        var sizes = new (int W, int H)[n];
        var errors = new string?[n];
        int done = 0;
        var clock = Stopwatch.StartNew();
        long lastReport = 0;
        var gate = new object();
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var e = entries[i];
            try
            {
                if (e.Length == 0) throw new ImageFormatException($"{e.Path}: empty file (0 bytes)");
                if (e.Length > MaxFileBytes) throw new ImageFormatException($"{e.Path}: {e.Length:N0} bytes, more than the {MaxFileBytes:N0} a picture may have");
                var image = ImageFile.Decode(File.ReadAllBytes(e.Path), e.Path);
                var p = Preprocess.ToPlanes(image, channels);
                sizes[i] = (image.Width, image.Height);
                if (source.Height is { } h && source.Width is { } w) p = Preprocess.ResizePlanes(p, channels, image.Width, image.Height, w, h);
                planes[i] = p;
            }
            catch (Exception ex) when (ex is ImageFormatException or IOException or UnauthorizedAccessException)
            {
                errors[i] = ex.Message.StartsWith(e.Path, StringComparison.Ordinal) ? ex.Message : $"{e.Path}: {ex.Message}";
            }

            int count = Interlocked.Increment(ref done);
            if (progress is not null && clock.ElapsedMilliseconds - Interlocked.Read(ref lastReport) >= 1000)
            {
                lock (gate)
                {
                    if (clock.ElapsedMilliseconds - lastReport < 1000) return;
                    lastReport = clock.ElapsedMilliseconds;
                    progress($"images: decoded {count:N0}/{n:N0} ({count / clock.Elapsed.TotalSeconds:N0} pictures/s)");
                }
            }
        });

        var bad = errors.Where(e => e is not null).Select(e => e!).ToList();
        if (bad.Count > 0 && !source.SkipBadFiles)
        {
            throw new DataException($"{bad.Count:N0} picture{(bad.Count == 1 ? "" : "s")} cannot be read: " + string.Join("; ", bad.Take(Listed)) +
                (bad.Count > Listed ? $"; and {bad.Count - Listed:N0} more" : "") + " (skip_bad_files: true skips and counts them)");
        }

        progress?.Invoke($"images: decoded {n - bad.Count:N0} pictures in {clock.Elapsed.TotalSeconds:F1} s ({(n - bad.Count) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):N0} pictures/s)" +
            (bad.Count > 0 ? $"; skipped {bad.Count:N0} that cannot be read, e.g. {bad[0]}" : ""));

        int height, width;
        if (source.Height is { } sh && source.Width is { } sw) (height, width) = (sh, sw);
        else
        {
            // One size for all, or an error listing the offenders against the most common size.
            var groups = Enumerable.Range(0, n).Where(i => planes[i] is not null).GroupBy(i => sizes[i]).OrderByDescending(g => g.Count()).ToList();
            if (groups.Count == 0) (height, width) = (1, 1);
            else
            {
                (width, height) = groups[0].Key;
                if (groups.Count > 1)
                {
                    var others = groups.Skip(1).SelectMany(g => g).Take(Listed).Select(i => $"{entries[i].Path} ({sizes[i].W}x{sizes[i].H})");
                    int otherCount = groups.Skip(1).Sum(g => g.Count());
                    throw new DataException($"pictures differ in size and the spec gives no size: {groups[0].Count():N0} are {width}x{height} (width x height), " +
                        $"{otherCount:N0} are not: {string.Join(", ", others)}{(otherCount > Listed ? ", ..." : "")}; give train.dataset.images.size: [HEIGHT, WIDTH] to resize them all");
                }
            }
        }

        return new Decoded(planes, [.. entries.Select(e => e.Label)], height, width, [.. bad]);
    }

    private static ImageSet Assemble(Decoded d, int start, int count, int channels)
    {
        int size = channels * d.Height * d.Width;
        var kept = Enumerable.Range(start, count).Where(i => d.Planes[i] is not null).ToList();
        var pixels = new byte[(long)kept.Count * size];
        var labels = new byte[kept.Count];
        for (int k = 0; k < kept.Count; k++)
        {
            d.Planes[kept[k]]!.CopyTo(pixels, (long)k * size);
            labels[k] = checked((byte)d.Labels[kept[k]]);
        }

        return new ImageSet(pixels, labels, channels, d.Height, d.Width);
    }

    private static string CacheKey(ImageFolderSourceSpec source, int seed, List<Entry> train, List<Entry> test)
    {
        var sb = new StringBuilder();
        sb.Append(CacheMagic).Append('\n').Append(source with { Location = SourceLocation.None, LabelsFromFolders = false }).Append('\n').Append(seed).Append('\n');
        foreach (var (set, entries) in new[] { ("train", train), ("test", test) })
        {
            foreach (var e in entries)
                sb.Append(set).Append('\t').Append(e.Label).Append('\t').Append(e.Path).Append('\t').Append(e.Length).Append('\t').Append(e.Ticks).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The cache keeps at most this many sets, and at most <see cref="MaxCacheBytes"/>; the least recently used (written or read) go first.</summary>
    public const int MaxCacheFiles = 32;

    /// <summary>The cache's size limit: 8 GiB.</summary>
    public const long MaxCacheBytes = 8L << 30;

    /// <summary>A cache hit counts as a use: eviction goes by last-write time, so the least recently used set goes first.</summary>
    private static void Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a read-only cache still serves; it only ages
        }
    }

    private static void Evict(string cacheDir, string keep)
    {
        var files = new DirectoryInfo(cacheDir).GetFiles("*.bin").OrderByDescending(f => f.LastWriteTimeUtc).ToList();
        long total = 0;
        for (int i = 0; i < files.Count; i++)
        {
            total += files[i].Length;
            if ((i < MaxCacheFiles && total <= MaxCacheBytes) || files[i].FullName == Path.GetFullPath(keep)) continue;
            try
            {
                files[i].Delete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another process may be reading it; the next write tries again
            }
        }
    }

    private sealed record Cached(ImageSet Train, ImageSet Test, IReadOnlyList<string> Skipped);

    /// <summary>
    /// The cache file: magic, then int32 train count, test count, channels, height, width, skipped count, then the labels,
    /// pixels and skipped messages (UTF-8 lines), then the SHA-256 of everything before it. A damaged or foreign file is
    /// ignored (and rewritten after decoding).
    /// </summary>
    private static bool TryReadCache(string path, out Cached cached)
    {
        cached = null!;
        byte[] bytes;
        try
        {
            if (!File.Exists(path)) return false;
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        const int Header = 8 + (6 * 4);
        if (bytes.Length < Header + 32 || Encoding.ASCII.GetString(bytes, 0, 8) != CacheMagic) return false;
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32))) return false;
        Span<int> h = stackalloc int[6];
        for (int i = 0; i < 6; i++) h[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8 + (4 * i)));
        int trainCount = h[0], testCount = h[1], channels = h[2], height = h[3], width = h[4];
        long size = (long)channels * height * width;
        long offset = Header;
        long need = offset + trainCount + testCount + ((trainCount + (long)testCount) * size);
        if (trainCount < 0 || testCount < 0 || channels is not (1 or 3) || height <= 0 || width <= 0 || need > body.Length) return false;
        byte[] trainLabels = bytes.AsSpan((int)offset, trainCount).ToArray();
        byte[] testLabels = bytes.AsSpan((int)(offset + trainCount), testCount).ToArray();
        offset += trainCount + testCount;
        byte[] trainPixels = bytes.AsSpan((int)offset, (int)(trainCount * size)).ToArray();
        offset += trainCount * size;
        byte[] testPixels = bytes.AsSpan((int)offset, (int)(testCount * size)).ToArray();
        offset += testCount * size;
        var skipped = Encoding.UTF8.GetString(body[(int)offset..]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        cached = new Cached(new ImageSet(trainPixels, trainLabels, channels, height, width), new ImageSet(testPixels, testLabels, channels, height, width), skipped);
        return true;
    }

    private static void WriteCache(string path, ImageSet train, ImageSet test, IReadOnlyList<string> skipped)
    {
        NetForge.IO.AtomicFile.Write(path, stream =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            void Put(ReadOnlySpan<byte> data)
            {
                hash.AppendData(data);
                stream.Write(data);
            }

            Put(Encoding.ASCII.GetBytes(CacheMagic));
            Span<byte> header = stackalloc byte[24];
            int[] values = [train.Count, test.Count, train.Channels, train.Rows, train.Cols, skipped.Count];
            for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(header[(4 * i)..], values[i]);
            Put(header);
            Put(train.Labels);
            Put(test.Labels);
            Put(train.Pixels);
            Put(test.Pixels);
            Put(Encoding.UTF8.GetBytes(string.Concat(skipped.Select(s => s.Replace('\n', ' ') + "\n"))));
            stream.Write(hash.GetHashAndReset());
        });
    }
}
