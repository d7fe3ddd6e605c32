using System.Buffers.Binary;

namespace NetForge.Data.Tests;

public class IdxReaderTests
{
    private static DataException ReadImagesFails(byte[] bytes, string name = "imgs") =>
        Assert.Throws<DataException>(() => IdxReader.ReadImages(new MemoryStream(bytes), name));

    private static DataException ReadLabelsFails(byte[] bytes, string name = "lbls") =>
        Assert.Throws<DataException>(() => IdxReader.ReadLabels(new MemoryStream(bytes), name));

    [Fact]
    public void Reads_raw_images_and_labels()
    {
        var images = IdxReader.ReadImages(new MemoryStream(IdxBuilder.Images(3, 2, 4, i => (byte)(i + 1))), "x");
        Assert.Equal((3, 2, 4), (images.Count, images.Rows, images.Cols));
        Assert.Equal(Enumerable.Range(1, 24).Select(i => (byte)i), images.Pixels);

        var labels = IdxReader.ReadLabels(new MemoryStream(IdxBuilder.Labels(9, 0, 4)), "y");
        Assert.Equal(new byte[] { 9, 0, 4 }, labels);
    }

    [Fact]
    public void Reads_gzip_files_by_signature_whatever_their_name()
    {
        using var dir = new TempDir();
        var raw = IdxBuilder.Images(5, 3, 3);
        File.WriteAllBytes(dir.File("a-images-idx3-ubyte.gz"), IdxBuilder.Gzip(raw));
        File.WriteAllBytes(dir.File("b-images-idx3-ubyte"), IdxBuilder.Gzip(raw));
        File.WriteAllBytes(dir.File("c-images-idx3-ubyte"), raw);
        foreach (var name in new[] { "a-images-idx3-ubyte.gz", "b-images-idx3-ubyte", "c-images-idx3-ubyte" })
        {
            var images = IdxReader.ReadImages(dir.File(name));
            Assert.Equal(5, images.Count);
            Assert.Equal(raw.AsSpan(16).ToArray(), images.Pixels);
        }
        File.WriteAllBytes(dir.File("l.gz"), IdxBuilder.Gzip(IdxBuilder.Labels(1, 2)));
        Assert.Equal(new byte[] { 1, 2 }, IdxReader.ReadLabels(dir.File("l.gz")));
    }

    [Fact]
    public void Truncation_inside_the_header_is_reported_at_every_length()
    {
        var images = IdxBuilder.Images(2, 2, 2);
        for (int length = 0; length < 16; length++)
        {
            var ex = ReadImagesFails(images[..length]);
            Assert.Equal($"imgs: truncated at byte {length}: the header needs 16 bytes (magic number + 3 dimension sizes)", ex.Message);
        }
        var labels = IdxBuilder.Labels(1, 2);
        for (int length = 0; length < 8; length++)
        {
            var ex = ReadLabelsFails(labels[..length]);
            Assert.Equal($"lbls: truncated at byte {length}: the header needs 8 bytes (magic number + 1 dimension size)", ex.Message);
        }
    }

    [Fact]
    public void Truncation_inside_the_payload_names_the_offset_and_expected_length()
    {
        var images = IdxBuilder.Images(3, 2, 2);
        for (int length = 16; length < images.Length; length++)
        {
            var ex = ReadImagesFails(images[..length]);
            Assert.Equal($"imgs: truncated at byte {length}: expected 28 bytes for 3 images of 2x2", ex.Message);
        }
        var ex2 = ReadLabelsFails(IdxBuilder.Labels(1, 2, 3)[..10]);
        Assert.Equal("lbls: truncated at byte 10: expected 11 bytes for 3 labels", ex2.Message);
    }

    [Fact]
    public void The_mnist_sized_truncation_message_matches_the_documented_example()
    {
        var full = IdxBuilder.Images(10000, 28, 28, _ => 0);
        var ex = ReadImagesFails(full[..7_840_000], "t10k-images-idx3-ubyte");
        Assert.Equal("t10k-images-idx3-ubyte: truncated at byte 7840000: expected 7840016 bytes for 10000 images of 28x28", ex.Message);
    }

    [Fact]
    public void Truncated_gzip_is_a_data_error()
    {
        var gz = IdxBuilder.Gzip(IdxBuilder.Images(50, 10, 10, i => (byte)(i * 31 % 251)));
        var ex = ReadImagesFails(gz[..(gz.Length / 2)], "t.gz");
        Assert.StartsWith("t.gz: ", ex.Message);
        Assert.True(ex.Message.Contains("truncated", StringComparison.Ordinal) || ex.Message.Contains("corrupt gzip", StringComparison.Ordinal), ex.Message);
    }

    [Fact]
    public void Trailing_bytes_are_an_error()
    {
        var bytes = IdxBuilder.Images(1, 2, 2).Concat(new byte[] { 0, 0, 0 }).ToArray();
        var ex = ReadImagesFails(bytes);
        Assert.Equal("imgs: 3 unexpected bytes after byte 20: expected exactly 20 bytes for 1 images of 2x2", ex.Message);
    }

    [Theory]
    [InlineData(0x00000903, "imgs: bad magic 0x00000903 at byte 0: expected 0x00000803 (unsigned-byte images, 3 dimensions)")]
    [InlineData(0x01000803, "imgs: bad magic 0x01000803 at byte 0: expected 0x00000803 (unsigned-byte images, 3 dimensions)")]
    [InlineData(0x00000D03, "imgs: bad magic 0x00000D03 at byte 0: expected 0x00000803 (unsigned-byte images, 3 dimensions)")]
    [InlineData(0x00000801, "imgs: wrong dimension count at byte 3: expected 3 (unsigned-byte images, 3 dimensions), got 1")]
    [InlineData(0x00000804, "imgs: wrong dimension count at byte 3: expected 3 (unsigned-byte images, 3 dimensions), got 4")]
    public void Wrong_magic_or_dimension_count_is_rejected(int magic, string message)
    {
        var bytes = IdxBuilder.Images(1, 2, 2);
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        Assert.Equal(message, ReadImagesFails(bytes).Message);
    }

    [Fact]
    public void A_label_file_read_as_images_says_so_and_vice_versa()
    {
        Assert.Contains("wrong dimension count at byte 3: expected 3", ReadImagesFails(IdxBuilder.Labels(1, 2, 3, 4, 5, 6, 7, 8, 9)).Message);
        Assert.Contains("wrong dimension count at byte 3: expected 1", ReadLabelsFails(IdxBuilder.Images(1, 2, 2)).Message);
    }

    [Theory]
    [InlineData(4, -1, "imgs: image count at byte 4 is -1: expected a non-negative size")]
    [InlineData(8, 0, "imgs: rows at byte 8 is 0: expected a positive size")]
    [InlineData(12, -5, "imgs: cols at byte 12 is -5: expected a positive size")]
    public void Bad_dimension_sizes_are_rejected(int offset, int value, string message)
    {
        var bytes = IdxBuilder.Images(1, 2, 2);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(offset), value);
        Assert.Equal(message, ReadImagesFails(bytes).Message);
    }

    [Fact]
    public void A_huge_announced_size_fails_before_allocating()
    {
        var bytes = IdxBuilder.Images(1, 2, 2);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), int.MaxValue);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 1000);
        Assert.Contains("too large to load", ReadImagesFails(bytes).Message);
    }

    [Fact]
    public void Corrupt_gzip_names_the_file()
    {
        var gz = IdxBuilder.Gzip(IdxBuilder.Images(20, 5, 5));
        for (int i = 10; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        var ex = ReadImagesFails(gz, "train-images-idx3-ubyte.gz");
        Assert.StartsWith("train-images-idx3-ubyte.gz: ", ex.Message);
    }

    [Fact]
    public void A_missing_file_is_a_data_error_naming_it()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<DataException>(() => IdxReader.ReadLabels(dir.File("nope-labels")));
        Assert.StartsWith("nope-labels: cannot open ", ex.Message);
    }
}
