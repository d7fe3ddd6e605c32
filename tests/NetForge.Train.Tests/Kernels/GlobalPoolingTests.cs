using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

public class GlobalPoolingTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 4, 5)]
    [InlineData(3, 8, 7, 7)]      // planes longer than a vector, with a tail
    [InlineData(2, 16, 28, 28)]
    public void Average_matches_the_reference(int b, int c, int h, int w)
    {
        int plane = h * w;
        var x = TestData.Uniform(b * c * plane, 31);
        var y = new float[b * c];
        var yRef = new float[b * c];
        GlobalPooling.AvgForwardReference(yRef, x, b, c, plane);
        GlobalPooling.AvgForward(y, x, b, c, plane);
        TestData.AssertClose(yRef, y, 1e-5, 1e-6, "global average");

        var dy = TestData.Uniform(b * c, 32);
        var dx = TestData.Uniform(b * c * plane, 33);   // overwritten
        var dxRef = new float[dx.Length];
        GlobalPooling.AvgBackwardReference(dxRef, dy, b, c, plane);
        GlobalPooling.AvgBackward(dx, dy, b, c, plane);
        Assert.Equal(dxRef, dx);
    }

    [Fact]
    public void The_mean_of_a_constant_plane_is_that_constant_and_gradients_spread_evenly()
    {
        var x = Enumerable.Repeat(3.5f, 2 * 3 * 5).ToArray();
        var y = new float[2];
        GlobalPooling.AvgForward(y, x, 1, 2, 15);
        Assert.Equal([3.5f, 3.5f], y);
        var dx = new float[30];
        GlobalPooling.AvgBackward(dx, [1.5f, -3f], 1, 2, 15);
        Assert.All(dx[..15], v => Assert.Equal(0.1f, v, 6));
        Assert.All(dx[15..30], v => Assert.Equal(-0.2f, v, 6));
    }

    [Fact]
    public void Short_buffers_are_refused()
    {
        Assert.Throws<ArgumentException>(() => GlobalPooling.AvgForward(new float[1], new float[8], 1, 2, 4));
        Assert.Throws<ArgumentException>(() => GlobalPooling.AvgForward(new float[2], new float[7], 1, 2, 4));
    }
}
