using NetForge.Spec.Graph;
using NetForge.Train.Initializers;
using NetForge.Engine.Tensors;

namespace NetForge.Train.Tests.Initializers;

public class InitializerTests
{
    private const int N = 200_000;

    private static float[] Draw(Initializer init, Shape shape, ulong seed = 42)
    {
        var store = new ParameterStore([new ParamSpec("layers.0.weight", "weight", shape, init)]);
        store.Initialize(seed);
        return store.Values;
    }

    private static (double Mean, double Var, double Min, double Max) Stats(float[] v)
    {
        double mean = v.Average(x => (double)x);
        double var = v.Average(x => (x - mean) * (x - mean));
        return (mean, var, v.Min(), v.Max());
    }

    [Theory]
    // kind, shape [out, in] dense or conv, expected limit
    [InlineData(InitializerKind.GlorotUniform, new[] { 400, 500 }, 0.08164965809)]          // sqrt(6/(500+400))
    [InlineData(InitializerKind.HeUniform, new[] { 400, 500 }, 0.10954451150)]              // sqrt(6/500)
    [InlineData(InitializerKind.LecunUniform, new[] { 400, 500 }, 0.07745966692)]           // sqrt(3/500)
    [InlineData(InitializerKind.GlorotUniform, new[] { 32, 16, 5, 5 }, 0.07071067812)]      // sqrt(6/(16·25+32·25))
    public void UniformVarianceScaling(InitializerKind kind, int[] shape, double limit)
    {
        var (mean, var, min, max) = Stats(Draw(new Initializer(kind), new Shape(shape)));
        Assert.InRange(min, -limit, -limit * 0.999);
        Assert.InRange(max, limit * 0.999, limit);
        Assert.InRange(mean, -limit * 0.01, limit * 0.01);
        Assert.InRange(var, limit * limit / 3 * 0.98, limit * limit / 3 * 1.02);
    }

    [Theory]
    // Keras ≥ 2.3: the truncated normal's variance equals scale/n.
    [InlineData(InitializerKind.HeNormal, new[] { 400, 500 }, 2.0 / 500)]
    [InlineData(InitializerKind.GlorotNormal, new[] { 400, 500 }, 2.0 / 900)]
    [InlineData(InitializerKind.LecunNormal, new[] { 400, 500 }, 1.0 / 500)]
    [InlineData(InitializerKind.HeNormal, new[] { 64, 32, 3, 3 }, 2.0 / 288)]
    public void TruncatedNormalVarianceAndBounds(InitializerKind kind, int[] shape, double variance)
    {
        var (mean, var, min, max) = Stats(Draw(new Initializer(kind), new Shape(shape)));
        double sigma = Math.Sqrt(variance) / NetForge.Train.Initializers.Initializers.TruncatedNormalStddev;
        Assert.InRange(var, variance * 0.98, variance * 1.02);
        Assert.InRange(Math.Abs(mean), 0, Math.Sqrt(variance) * 0.01);
        Assert.InRange(max, 1.9 * sigma, 2 * sigma + 1e-6);   // truncated at 2σ, and the tail is reached
        Assert.InRange(min, -2 * sigma - 1e-6, -1.9 * sigma);
    }

    [Fact]
    public void NormalAndUniformUseTheirArguments()
    {
        var (mean, var, _, _) = Stats(Draw(new Initializer(InitializerKind.Normal, Mean: 1.5, Stddev: 0.2), new Shape(N)));
        Assert.InRange(mean, 1.5 - 0.002, 1.5 + 0.002);
        Assert.InRange(var, 0.04 * 0.98, 0.04 * 1.02);
        var (umean, _, umin, umax) = Stats(Draw(new Initializer(InitializerKind.Uniform, MinVal: 2, MaxVal: 3), new Shape(N)));
        Assert.InRange(umin, 2, 2.001);
        Assert.InRange(umax, 2.999, 3);
        Assert.InRange(umean, 2.495, 2.505);
    }

    [Fact]
    public void ZerosOnesConstantAreExact()
    {
        Assert.All(Draw(Initializer.Zeros, new Shape(100)), v => Assert.Equal(0f, v));
        Assert.All(Draw(Initializer.Ones, new Shape(100)), v => Assert.Equal(1f, v));
        Assert.All(Draw(new Initializer(InitializerKind.Constant, Value: -0.25), new Shape(100)), v => Assert.Equal(-0.25f, v));
    }

    [Fact]
    public void DeterministicPerSeedAndIndependentPerSlot()
    {
        var specs = new[]
        {
            new ParamSpec("layers.0.weight", "weight", new Shape(64, 32), Initializer.GlorotUniform),
            new ParamSpec("layers.1.weight", "weight", new Shape(64, 32), Initializer.GlorotUniform),
        };
        var a = new ParameterStore(specs);
        var b = new ParameterStore(specs);
        var c = new ParameterStore(specs);
        a.Initialize(7);
        b.Initialize(7);
        c.Initialize(8);
        Assert.Equal(a.Values, b.Values);
        Assert.NotEqual(a.Values, c.Values);
        Assert.NotEqual(a.Value("layers.0.weight").ToArray(), a.Value("layers.1.weight").ToArray());
    }

    [Theory]
    [InlineData(new[] { 10, 784 }, 784, 10)]
    [InlineData(new[] { 16, 3, 5, 5 }, 75, 400)]
    [InlineData(new[] { 7 }, 7, 7)]
    public void FansFollowKerasForOurLayouts(int[] shape, double fanIn, double fanOut) =>
        Assert.Equal((fanIn, fanOut), NetForge.Train.Initializers.Initializers.Fans(new Shape(shape)));
}
