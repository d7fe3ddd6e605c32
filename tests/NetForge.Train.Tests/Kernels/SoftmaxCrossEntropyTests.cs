using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

public class SoftmaxCrossEntropyTests
{
    private const double Rel = 1e-5, Abs = 1e-6;

    [Theory]
    [InlineData(1, 2)]
    [InlineData(5, 10)]
    [InlineData(17, 3)]
    [InlineData(64, 10)]
    public void Matches_reference(int batch, int classes)
    {
        var z = TestData.Uniform(batch * classes, batch + classes, -6f, 6f);
        var labels = TestData.Labels(batch, classes, 7);
        var pRef = new float[z.Length];
        var p = new float[z.Length];
        double lossRef = SoftmaxCrossEntropy.ForwardReference(pRef, z, labels, batch, classes, out int hitsRef);
        double loss = SoftmaxCrossEntropy.Forward(p, z, labels, batch, classes, out int hits);
        Assert.Equal(lossRef, loss, 1e-5);
        Assert.Equal(hitsRef, hits);
        TestData.AssertClose(pRef, p, Rel, Abs, "probabilities");
        var dRef = new float[z.Length];
        var d = new float[z.Length];
        SoftmaxCrossEntropy.BackwardReference(dRef, pRef, labels, batch, classes);
        SoftmaxCrossEntropy.Backward(d, p, labels, batch, classes);
        TestData.AssertClose(dRef, d, Rel, Abs, "dLogits");
    }

    [Fact]
    public void Hand_checked_uniform_logits()
    {
        // Equal logits: p = 1/C, loss = log C, dLogits = (1/C − onehot)/B; argmax tie → class 0 (first).
        var p = new float[8];
        double loss = SoftmaxCrossEntropy.Forward(p, new float[8], [0, 3], 2, 4, out int hits);
        Assert.Equal(Math.Log(4), loss, 6);
        Assert.Equal(1, hits);
        var d = new float[8];
        SoftmaxCrossEntropy.Backward(d, p, [0, 3], 2, 4);
        Assert.Equal([-0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f], d);
    }

    [Fact]
    public void Large_logits_do_not_overflow()
    {
        var p = new float[2];
        double loss = SoftmaxCrossEntropy.Forward(p, [1000f, 0f], [1], 1, 2, out _);
        Assert.Equal(1000.0, loss, 3);
        Assert.Equal(1f, p[0]);
    }

    [Fact]
    public void Label_out_of_range_throws_naming_labels()
    {
        var ex = Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Forward(new float[4], new float[4], [0, 2], 2, 2, out _));
        Assert.Equal("labels", ex.ParamName);
    }
}
