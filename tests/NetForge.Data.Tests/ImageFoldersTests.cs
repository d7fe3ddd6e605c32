using NetForge.Imaging;
using NetForge.Spec;
using NetForge.Spec.Graph;

namespace NetForge.Data.Tests;

/// <summary>Image-folder data: real Fashion-MNIST pictures written as PNG and JPEG, decoded, cached, and every bad input named.</summary>
public class ImageFoldersTests
{
    private static ImageFolderSourceSpec Source(string train, string? test = null, double split = 0, ColorMode color = ColorMode.Gray,
        int? size = null, bool skip = false) =>
        new(train, test, split, color, size, size, skip, LabelsFromFolders: true);

    private static (TempDir Dir, List<PictureFolders.Picture> Train, List<PictureFolders.Picture> Test) Folders(bool rgb = false, int perClass = 12)
    {
        var dir = new TempDir();
        var train = PictureFolders.Write(dir.File("train"), "train", perClass, rgb);
        var test = PictureFolders.Write(dir.File("test"), "t10k", 4, rgb);
        return (dir, train, test);
    }

    private static DataSet Load(ImageFolderSourceSpec source, TempDir cache, List<string>? progress = null) =>
        ImageFolders.Load(source, seed: 7, progress is null ? null : progress.Add, cache.File("cache"));

    [Fact]
    public void Gray_png_and_jpeg_pictures_load_with_sorted_classes_and_png_bytes_exact()
    {
        var (dir, train, test) = Folders();
        using var _ = dir;
        var data = Load(Source(dir.File("train"), dir.File("test")), dir);
        Assert.Equal(PictureFolders.Classes, data.Classes);
        Assert.Equal((36, 12, 1, 28, 28), (data.Train.Count, data.Test.Count, ((ImageSet)data.Train).Channels, ((ImageSet)data.Train).Rows, ((ImageSet)data.Train).Cols));
        Assert.Equal(12, data.Train.Labels.Count(l => l == 2));
        // Find each written PNG in the (shuffled) training set: lossless, so its pixels are the original's exactly.
        int exact = 0;
        foreach (var p in train.Where(p => p.Path.EndsWith(".png", StringComparison.Ordinal)))
        {
            for (int i = 0; i < data.Train.Count; i++)
            {
                if (data.Train.Labels[i] == p.Label && ((ImageSet)data.Train).Image(i).SequenceEqual(p.Gray)) { exact++; break; }
            }
        }
        Assert.Equal(18, exact);
        // JPEG is lossy: close to the original, not equal.
        var jpeg = test.First(p => p.Path.EndsWith(".jpg", StringComparison.Ordinal));
        var decoded = Preprocess.ToPlanes(ImageFile.Load(jpeg.Path), 1);
        Assert.InRange(decoded.Zip(jpeg.Gray, (a, b) => Math.Abs(a - b)).Average(), 0.01, 4.0);
    }

    [Fact]
    public void Rgb_pictures_become_planar_red_green_blue()
    {
        var (dir, train, _) = Folders(rgb: true, perClass: 4);
        using var _d = dir;
        var data = Load(Source(dir.File("train"), dir.File("test"), color: ColorMode.Rgb), dir);
        Assert.Equal(3, ((ImageSet)data.Train).Channels);
        Assert.Equal(3 * 784, ((ImageSet)data.Train).PixelsPerImage);
        var png = train.First(p => p.Path.EndsWith(".png", StringComparison.Ordinal));
        int brightest = Array.IndexOf(png.Gray, png.Gray.Max());
        var (r, g, b) = PictureFolders.Tinted(png, brightest);
        bool found = false;
        for (int i = 0; i < data.Train.Count && !found; i++)
        {
            var planes = ((ImageSet)data.Train).Image(i);
            found = planes[brightest] == r && planes[784 + brightest] == g && planes[1568 + brightest] == b
                && data.Train.Labels[i] == png.Label && planes[..784].SequenceEqual(Preprocess.ToPlanes(ImageFile.Load(png.Path), 3)[..784]);
        }
        Assert.True(found, "the tinted PNG's planes were not found in the set");
        // A gray spec reads the same pictures as luma.
        Assert.Equal(1, Load(Source(dir.File("train"), dir.File("test")), dir).Train is ImageSet { Channels: var c } ? c : 0);
    }

    [Fact]
    public void A_test_split_is_deterministic_by_seed_and_counts_right()
    {
        var (dir, _, _) = Folders();
        using var _d = dir;
        var a = ImageFolders.Load(Source(dir.File("train"), split: 0.25), 7, null, dir.File("c1"));
        var b = ImageFolders.Load(Source(dir.File("train"), split: 0.25), 7, null, dir.File("c2"));
        var c = ImageFolders.Load(Source(dir.File("train"), split: 0.25), 8, null, dir.File("c3"));
        Assert.Equal((27, 9), (a.Train.Count, a.Test.Count));
        Assert.Equal(((ImageSet)a.Test).Pixels, ((ImageSet)b.Test).Pixels);
        Assert.NotEqual(((ImageSet)a.Test).Pixels, ((ImageSet)c.Test).Pixels);
        // The training order is shuffled: the first 12 are not all one class.
        Assert.True(a.Train.Labels.Take(12).Distinct().Count() > 1);
    }

    [Fact]
    public void Pictures_of_differing_sizes_need_a_size_and_are_resized_with_one()
    {
        var (dir, _, _) = Folders(perClass: 4);
        using var _d = dir;
        string odd = Path.Combine(dir.File("train"), "trouser", "odd.png");
        File.WriteAllBytes(odd, PictureFolders.Encode(new byte[32 * 30], 32, 30, null, png: true));
        var ex = Assert.Throws<DataException>(() => Load(Source(dir.File("train"), dir.File("test")), dir));
        Assert.Contains("pictures differ in size and the spec gives no size: 24 are 28x28 (width x height), 1 are not: " + odd + " (32x30)", ex.Message);
        Assert.Contains("size: [HEIGHT, WIDTH]", ex.Message);
        var resized = Load(Source(dir.File("train"), dir.File("test"), size: 16), dir);
        Assert.Equal((16, 16, 13), (((ImageSet)resized.Train).Rows, ((ImageSet)resized.Train).Cols, resized.Train.Count));
    }

    [Fact]
    public void Bad_pictures_are_named_or_skipped_and_counted()
    {
        var (dir, train, _) = Folders(perClass: 4);
        using var _d = dir;
        string folder = Path.Combine(dir.File("train"), "tshirt");
        File.WriteAllBytes(Path.Combine(folder, "empty.png"), []);
        File.WriteAllText(Path.Combine(folder, "notes.png"), "not a picture");
        var jpeg = File.ReadAllBytes(train.First(p => p.Path.EndsWith(".jpg", StringComparison.Ordinal)).Path);
        File.WriteAllBytes(Path.Combine(folder, "cut.jpg"), jpeg[..(jpeg.Length / 2)]);
        File.WriteAllBytes(Path.Combine(folder, "bomb.jpg"), PictureFolders.JpegClaiming(60000, 60000));
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "ignored: not a picture extension");
        var ex = Assert.Throws<DataException>(() => Load(Source(dir.File("train"), dir.File("test")), dir));
        Assert.StartsWith("4 pictures cannot be read: ", ex.Message);
        Assert.Contains(Path.Combine(folder, "empty.png") + ": empty file (0 bytes)", ex.Message);
        Assert.Contains(Path.Combine(folder, "notes.png") + ": ", ex.Message);
        Assert.Contains(Path.Combine(folder, "cut.jpg") + ": JPEG of 28x28 cannot be decoded (the file is truncated)", ex.Message);
        Assert.Contains(Path.Combine(folder, "bomb.jpg") + ": JPEG of 60000x60000 is 3,600,000,000 pixels, more than the 67,108,864 (2^26) this reader decodes", ex.Message);
        Assert.Contains("skip_bad_files: true", ex.Message);

        var skipped = Load(Source(dir.File("train"), dir.File("test"), skip: true), dir);
        Assert.Equal(4, skipped.Skipped.Count);
        Assert.Equal(12, skipped.Train.Count);
    }

    [Fact]
    public void Missing_empty_and_single_class_folders_and_unknown_test_classes_are_named()
    {
        using var dir = new TempDir();
        Assert.Equal($"{dir.File("nope")}: image folder not found", Assert.Throws<DataException>(() => Load(Source(dir.File("nope"), split: 0.2), dir)).Message);
        Directory.CreateDirectory(dir.File("flat"));
        Assert.Contains("no class folders", Assert.Throws<DataException>(() => Load(Source(dir.File("flat"), split: 0.2), dir)).Message);
        PictureFolders.Write(dir.File("train"), "train", 2);
        Directory.CreateDirectory(Path.Combine(dir.File("train"), "zebra"));
        Assert.Equal($"{Path.Combine(dir.File("train"), "zebra")}: empty class folder: no .bmp/.gif/.jpeg/.jpg/.png pictures for the training set",
            Assert.Throws<DataException>(() => Load(Source(dir.File("train"), split: 0.2), dir)).Message);
        Directory.Delete(Path.Combine(dir.File("train"), "zebra"));
        Directory.CreateDirectory(Path.Combine(dir.File("one"), "only"));
        Assert.Contains("one class folder ('only'): a classifier needs at least two", Assert.Throws<DataException>(() => Load(Source(dir.File("one"), split: 0.2), dir)).Message);
        PictureFolders.Write(dir.File("test"), "t10k", 1);
        Directory.CreateDirectory(Path.Combine(dir.File("test"), "boots"));
        Assert.Contains("test class 'boots' has no training folder", Assert.Throws<DataException>(() => Load(Source(dir.File("train"), dir.File("test")), dir)).Message);
    }

    [Fact]
    public void The_cache_is_read_the_second_time_and_invalidated_by_a_change_or_damage()
    {
        var (dir, train, _) = Folders(perClass: 4);
        using var _d = dir;
        var first = new List<string>();
        var a = Load(Source(dir.File("train"), dir.File("test")), dir, first);
        Assert.Contains(first, l => l.StartsWith("images: decoded 24 pictures", StringComparison.Ordinal));
        string written = Directory.GetFiles(dir.File("cache"), "*.bin").Single();
        var old = DateTime.UtcNow.AddDays(-30);
        File.SetLastWriteTimeUtc(written, old);
        var second = new List<string>();
        var b = Load(Source(dir.File("train"), dir.File("test")), dir, second);
        Assert.Contains(second, l => l.Contains("read from the cache", StringComparison.Ordinal));
        Assert.True(File.GetLastWriteTimeUtc(written) > old.AddDays(29), "a cache hit refreshes the set's time, so eviction is least recently used");
        Assert.Equal(((ImageSet)a.Train).Pixels, ((ImageSet)b.Train).Pixels);
        Assert.Equal(a.Test.Labels, b.Test.Labels);

        // A changed picture (new content and time) is decoded again.
        File.WriteAllBytes(train[0].Path, PictureFolders.Encode(new byte[784], 28, 28, null, png: train[0].Path.EndsWith(".png", StringComparison.Ordinal)));
        File.SetLastWriteTimeUtc(train[0].Path, DateTime.UtcNow.AddMinutes(1));
        var third = new List<string>();
        Load(Source(dir.File("train"), dir.File("test")), dir, third);
        Assert.DoesNotContain(third, l => l.Contains("read from the cache", StringComparison.Ordinal));

        // A damaged cache file is ignored and rewritten.
        string cacheFile = Directory.GetFiles(dir.File("cache"), "*.bin").OrderByDescending(File.GetLastWriteTimeUtc).First();
        var bytes = File.ReadAllBytes(cacheFile);
        bytes[100] ^= 0xFF;
        File.WriteAllBytes(cacheFile, bytes);
        var fourth = new List<string>();
        Load(Source(dir.File("train"), dir.File("test")), dir, fourth);
        Assert.DoesNotContain(fourth, l => l.Contains("read from the cache", StringComparison.Ordinal));
        var fifth = new List<string>();
        Load(Source(dir.File("train"), dir.File("test")), dir, fifth);
        Assert.Contains(fifth, l => l.Contains("read from the cache", StringComparison.Ordinal));
    }

    [Fact]
    public void A_spec_with_image_folders_binds_the_folder_names_as_labels_and_checks_the_shape()
    {
        var (dir, _, _) = Folders(rgb: true, perClass: 3);
        using var _d = dir;
        string yaml = "name: t\ninput: {shape: [3, 28, 28]}\nlayers:\n  - flatten\n  - dense: {units: 3, activation: softmax}\n" +
            $"train:\n  dataset: {{images: {{train: {dir.File("train")}, test: {dir.File("test")}}}}}\n";
        var graph = SpecCompiler.Compile(yaml, "t.yaml");
        // (DataSources reads through NetForge's own cache folder; the pictures' paths are unique, so are their keys.)
        var data = DataSources.Load(graph);
        Assert.Equal(PictureFolders.Classes, DataSources.Bind(graph, data).Labels);
        var gray = SpecCompiler.Compile(yaml.Replace("[3, 28, 28]", "[1, 28, 28]"), "t.yaml");
        var ex = Assert.Throws<SpecException>(() => DataSources.Load(gray));
        Assert.Contains("holds 28x28 RGB images", ex.Message);
        var four = SpecCompiler.Compile(yaml.Replace("units: 3", "units: 4"), "t.yaml");
        Assert.Contains("the last layer's 4 units do not match the 3 class folders", Assert.Throws<SpecException>(() => DataSources.Load(four)).Message);
        var named = SpecCompiler.Compile(yaml.Replace("layers:", "labels: [a, b, c]\nlayers:"), "t.yaml");
        Assert.Contains("are not the class folders of", Assert.Throws<SpecException>(() => DataSources.Load(named)).Message);
    }
}
