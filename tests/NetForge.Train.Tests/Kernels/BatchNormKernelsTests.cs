using NetForge.Engine.Kernels;

namespace NetForge.Train.Tests.Kernels;

public class BatchNormKernelsTests
{
    private const double Rel = 1e-4, Abs = 2e-5;

    [Theory]
    [InlineData(4, 3, 1, true)]
    [InlineData(5, 2, 9, true)]
    [InlineData(2, 4, 20, false)]
    [InlineData(7, 1, 3, true)]
    public void Training_forward_and_backward_match_reference(int batch, int channels, int spatial, bool affine)
    {
        int n = batch * channels * spatial;
        var x = TestData.Uniform(n, 31, -3f, 5f);
        var gamma = affine ? TestData.Uniform(channels, 32, 0.5f, 1.5f) : [];
        var beta = affine ? TestData.Uniform(channels, 33) : [];
        float[] yRef = new float[n], y = new float[n];
        float[] mRef = new float[channels], m = new float[channels], rRef = new float[channels], r = new float[channels], vRef = new float[channels], v = new float[channels];
        BatchNormKernels.ForwardTrainingReference(yRef, mRef, rRef, vRef, x, gamma, beta, batch, channels, spatial, 1e-3f);
        BatchNormKernels.ForwardTraining(y, m, r, v, x, gamma, beta, batch, channels, spatial, 1e-3f);
        TestData.AssertClose(yRef, y, Rel, Abs, "bn forward");
        TestData.AssertClose(mRef, m, Rel, Abs, "bn mean");
        TestData.AssertClose(rRef, r, Rel, Abs, "bn invStd");

        var dy = TestData.Uniform(n, 34);
        float[] dxRef = new float[n], dx = new float[n];
        float[] dgRef = new float[channels], dg = new float[channels], dbRef = new float[channels], db = new float[channels];
        BatchNormKernels.BackwardReference(dxRef, dgRef, dbRef, dy, x, m, r, gamma, batch, channels, spatial);
        BatchNormKernels.Backward(dx, dg, db, dy, x, m, r, gamma, batch, channels, spatial);
        TestData.AssertClose(dxRef, dx, Rel, Abs, "bn dInput");
        TestData.AssertClose(dgRef, dg, Rel, Abs, "bn dGamma");
        TestData.AssertClose(dbRef, db, Rel, Abs, "bn dBeta");

        // Channels split over threads: the same bits for any thread count.
        float[] y3 = new float[n], m3 = new float[channels], r3 = new float[channels], v3 = new float[channels];
        BatchNormKernels.ForwardTraining(y3, m3, r3, v3, x, gamma, beta, batch, channels, spatial, 1e-3f, threads: 3);
        TestData.AssertBitIdentical(y, y3, "bn forward threads 1 vs 3");
        float[] dx3 = new float[n], dg3 = new float[channels], db3 = new float[channels];
        BatchNormKernels.Backward(dx3, dg3, db3, dy, x, m, r, gamma, batch, channels, spatial, threads: 3);
        TestData.AssertBitIdentical(dx, dx3, "bn dInput threads 1 vs 3");
        TestData.AssertBitIdentical(dg, dg3, "bn dGamma threads 1 vs 3");
    }

    [Fact]
    public void Moving_statistics_use_keras_momentum_and_unbiased_variance()
    {
        // One channel, values 1, 2, 3, 6: mean 3, biased variance 3.5, unbiased 14/3.
        float[] x = [1, 2, 3, 6];
        float[] y = new float[4], mean = new float[1], inv = new float[1], var = new float[1];
        BatchNormKernels.ForwardTraining(y, mean, inv, var, x, default, default, 4, 1, 1, 0f);
        Assert.Equal(3f, mean[0]);
        Assert.Equal(3.5f, var[0]);
        float[] mm = [1f], mv = [2f];
        BatchNormKernels.UpdateMovingStatistics(mm, mv, mean, var, 4, 0.9f);
        Assert.Equal(1 * 0.9 + 3 * 0.1, mm[0], 6);
        Assert.Equal(2 * 0.9 + 14.0 / 3 * 0.1, mv[0], 6);
        // Normalised output has mean 0 and biased variance 1 (ε = 0).
        Assert.Equal(0.0, y.Sum(), 5);
        Assert.Equal(4.0, y.Sum(v => v * v), 4);
    }

    [Fact]
    public void Inference_uses_moving_statistics()
    {
        var y = new float[2];
        // (x − 1)/√(4 + 0)·2 + 0.5
        BatchNormKernels.ForwardInference(y, [3f, 5f], [2f], [0.5f], [1f], [4f], 2, 1, 1, 0f, new float[1]);
        Assert.Equal([2.5f, 4.5f], y);
    }
}
