namespace NetForge.Data.Tests;

public class ImageSetTests
{
    private static ImageSet Numbered(int count) =>
        new(Enumerable.Range(0, count * 4).Select(i => (byte)(i / 4)).ToArray(), Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray(), 2, 2);

    [Fact]
    public void Count_mismatch_between_images_and_labels_is_an_error()
    {
        var images = new IdxImages(new byte[12], 3, 2, 2);
        var ex = Assert.Throws<DataException>(() => ImageSet.FromIdx(images, new byte[2], 10, "i-file", "l-file"));
        Assert.Equal("i-file / l-file: count mismatch: 3 images but 2 labels", ex.Message);
    }

    [Fact]
    public void Labels_out_of_range_name_the_sample_and_byte()
    {
        var images = new IdxImages(new byte[12], 3, 2, 2);
        var ex = Assert.Throws<DataException>(() => ImageSet.FromIdx(images, [1, 9, 10], 10, "i-file", "l-file"));
        Assert.Equal("l-file: label 10 of sample 2 at byte 10 is out of range: expected 0..9", ex.Message);
        Assert.Equal(3, ImageSet.FromIdx(images, [1, 9, 0], 10, "i", "l").Count);
    }

    [Fact]
    public void Constructor_rejects_inconsistent_lengths()
    {
        Assert.Throws<ArgumentException>(() => new ImageSet(new byte[7], new byte[2], 2, 2));
    }

    [Fact]
    public void Take_and_slice_copy_the_right_images()
    {
        var set = Numbered(10);
        var first = set.Take(3);
        Assert.Equal(3, first.Count);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2 }, ((ImageSet)first).Pixels);
        Assert.Same(set, set.Take(50));
        var mid = set.Slice(4, 2);
        Assert.Equal(new byte[] { 4, 5 }, mid.Labels);
        Assert.Equal(new byte[] { 5, 5, 5, 5 }, mid.Image(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Slice(9, 2));
    }

    [Theory]
    [InlineData(60000, 0.2, 48000)]
    [InlineData(10, 0.25, 7)]   // Keras: int(10 * 0.75) = 7
    [InlineData(10, 0.0, 10)]
    [InlineData(3, 0.5, 1)]     // int(1.5) = 1
    public void Validation_split_takes_the_last_fraction_like_keras(int count, double fraction, int trainCount)
    {
        var set = new ImageSet(new byte[count], Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray(), 1, 1);
        var (train, validation) = set.SplitValidation(fraction);
        Assert.Equal(trainCount, train.Count);
        Assert.Equal(count - trainCount, validation.Count);
        if (validation.Count > 0) Assert.Equal((byte)(trainCount % 10), validation.Labels[0]);
    }

    [Fact]
    public void Validation_split_rejects_fractions_outside_0_1()
    {
        var set = Numbered(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.SplitValidation(1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.SplitValidation(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.SplitValidation(double.NaN));
    }
}
